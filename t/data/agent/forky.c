/* forky PROG: 100 blocks of 1,000 bytes from parent_site (the first 50
 * freed only in the children, so the parent leaks 50,000 bytes), a thread
 * allocating meanwhile, and three children: each leaks 10 blocks of 500
 * bytes from child_site and frees 50 inherited blocks; the first exits,
 * the second execs PROG (with arguments "7 300": leak's), the third
 * calls _exit. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) void *parent_site(size_t n) { void *p = malloc(n); *(volatile char *)p = 0; return p; }
__attribute__((noinline)) void *child_site(size_t n) { void *p = malloc(n); *(volatile char *)p = 0; return p; }
__attribute__((noinline)) void *spin_site(size_t n) { void *p = malloc(n); *(volatile char *)p = 0; return p; }

static void *
spin(void *arg)
{
	int i;

	for (i = 0; i < 100000; i++)
		free(spin_site(64));
	return arg;
}

int
main(int argc, char **argv)
{
	void *keep[100];
	pthread_t t;
	pid_t pid;
	int i, k;

	pthread_create(&t, NULL, spin, NULL);
	for (i = 0; i < 100; i++)
		keep[i] = parent_site(1000);
	for (k = 0; k < 3; k++) {
		if ((pid = fork()) == 0) {
			for (i = 0; i < 10; i++)
				child_site(500);
			for (i = 0; i < 50; i++)
				free(keep[i]);
			if (k == 1) {
				execl(argv[1], argv[1], "7", "300", (char *)NULL);
				_exit(127);
			}
			if (k == 2)
				_exit(0);
			exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	pthread_join(t, NULL);
	for (i = 50; i < 100; i++)
		free(keep[i]);
	return 0;
}
