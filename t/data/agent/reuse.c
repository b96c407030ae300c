/* reuse FD FILE: closes FD (the agent's) and opens FILE under its number,
 * writes "mine\n" to it, then allocates and exits: FILE must hold only
 * what the program wrote. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int fd = atoi(argv[1]), f, i;
	void *volatile sink;

	close(fd);
	if ((f = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    (f != fd && (dup2(f, fd) != fd || close(f) != 0)))
		return 3;
	write(fd, "mine\n", 5);
	for (i = 0; i < 100000; i++)
		sink = malloc(1000);
	(void)sink;
	return 0;
}
