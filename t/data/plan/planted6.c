/* planted6: seven planted problems, one per function, for
 * t/7950-plan-planted6.t, which records it with every profile type it
 * needs and checks that prof-plan names each one with its finding:
 *   divide      a division by a value known only at run time, in a hot loop
 *   call_tiny   a call in a hot loop to a tiny function kept out of line
 *   chase       pointer chasing through a shuffled linked list
 *   fsync_each  an fsync(2) after every 64-byte record
 *   leak_here   1000 blocks of 3000 bytes never freed
 *   fight       two threads taking one mutex in a tight loop
 *   (and clean, plain arithmetic with none of these)
 *
 *   planted6 SCALE [DIR]   SCALE: the CPU phases' length, 1 about 0.3 s each;
 *                          DIR: where fsync_each writes (default .)
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;
static double scale = 1;

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void
divide(unsigned long d)
{
	double t0 = cpu();
	unsigned long s = 0;

	while (cpu() - t0 < 0.3 * scale)
		for (unsigned long i = 1; i < 100000; i++)
			s += (i * 2654435761u) / d;
	sink = s;
}

__attribute__((noinline)) static unsigned long
tiny(unsigned long x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) static void
call_tiny(void)
{
	double t0 = cpu();
	unsigned long s = 0;

	while (cpu() - t0 < 0.3 * scale)
		for (unsigned long i = 0; i < 100000; i++)
			s += tiny(i);
	sink = s;
}

struct node {
	struct node *next;
	unsigned long v;
	char pad[48];
};

__attribute__((noinline)) static void
chase(struct node *head)
{
	double t0 = cpu();
	unsigned long s = 0;

	while (cpu() - t0 < 0.3 * scale)
		for (struct node *p = head; p != NULL; p = p->next)
			s += p->v;
	sink = s;
}

static struct node *list_base;   /* freed at the end: not a leak */

static struct node *
shuffled_list(size_t n)
{
	struct node *v = list_base = calloc(n, sizeof(*v));
	size_t *order = malloc(n * sizeof(*order));
	unsigned long x = 88172645463325252ul;

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j, t;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		j = x % (i + 1);
		t = order[i], order[i] = order[j], order[j] = t;
	}
	struct node *head;

	for (size_t i = 0; i + 1 < n; i++)
		v[order[i]].next = &v[order[i + 1]], v[order[i]].v = i;
	head = &v[order[0]];
	free(order);
	return head;
}

__attribute__((noinline)) static void
fsync_each(const char *dir)
{
	char path[4096], rec[64] = "a record of sixty-four bytes, fsynced one at a time.......\n";
	int fd;

	snprintf(path, sizeof(path), "%s/planted6.data", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		exit(1);
	for (int i = 0; i < 200; i++) {
		if (write(fd, rec, sizeof(rec)) != sizeof(rec))
			exit(1);
		fsync(fd);
	}
	close(fd);
	unlink(path);
}

__attribute__((noinline)) static void
leak_here(void)
{
	for (int i = 0; i < 1000; i++) {
		char *p = malloc(3000);

		p[0] = (char)i;
		sink += (unsigned long)p[0];
	}
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void *
fight(void *arg)
{
	double t0 = cpu();

	(void)arg;
	/* Half the time under the lock: the two threads meet there whether
	 * they run side by side or take turns on one busy core (a thread
	 * preempted in its critical section makes the other wait). */
	while (cpu() - t0 < 0.3 * scale)
		for (int i = 0; i < 1000; i++) {
			pthread_mutex_lock(&mu);
			for (int k = 0; k < 200; k++)
				sink++;
			pthread_mutex_unlock(&mu);
			for (int k = 0; k < 200; k++)
				sink--;
		}
	return NULL;
}

__attribute__((noinline)) static void
clean(void)
{
	double t0 = cpu();
	unsigned long s = 1;

	while (cpu() - t0 < 0.1 * scale)
		for (unsigned long i = 0; i < 100000; i++)
			s = s * 6364136223846793005ul + i;
	sink = s;
}

int
main(int argc, char *argv[])
{
	struct node *list;
	pthread_t t;

	scale = argc > 1 ? atof(argv[1]) : 1;
	list = shuffled_list(1 << 20);
	divide(argc > 3 ? 13 : (unsigned long)argc + 5);
	call_tiny();
	chase(list);
	fsync_each(argc > 2 ? argv[2] : ".");
	leak_here();
	pthread_create(&t, NULL, fight, NULL);
	fight(NULL);
	pthread_join(t, NULL);
	clean();
	free(list_base);
	return 0;
}
