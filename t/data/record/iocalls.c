/*
 * iocalls.c: system calls on files with known bytes, each from a function
 * of its own, for --type io.
 *
 *   iocalls DIR             in DIR: log_line() writes 30 lines of 100
 *                           bytes to "a;b.log"; save_blob() writes 5
 *                           blocks of 4096 bytes to blob and syncs it
 *                           once (fsync); open_conf() opens conf 3 times
 *                           (openat); feed_pipe() writes 1000 bytes to a
 *                           pipe in 10 writes and drain_pipe() reads them
 *                           in 10 reads of 100; send_msg() sends 7
 *                           messages of 50 bytes on a socket pair and
 *                           recv_msg() receives them.  Then it waits
 *                           half a second with every file open, and
 *                           exits 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

static char buf[4096];

static void
must(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(1);
	}
}

__attribute__((noipa)) void
log_line(int fd)
{
	must(write(fd, buf, 100) == 100, "write");
}

__attribute__((noipa)) void
save_blob(int fd)
{
	for (int i = 0; i < 5; i++)
		must(write(fd, buf, 4096) == 4096, "write");
	must(fsync(fd) == 0, "fsync");
}

__attribute__((noipa)) int
open_conf(const char *path)
{
	int fd = open(path, O_RDONLY);

	must(fd >= 0, path);
	return fd;
}

__attribute__((noipa)) void
feed_pipe(int fd)
{
	must(write(fd, buf, 100) == 100, "write");
}

__attribute__((noipa)) void
drain_pipe(int fd)
{
	must(read(fd, buf, 100) == 100, "read");
}

__attribute__((noipa)) void
send_msg(int fd)
{
	must(send(fd, buf, 50, 0) == 50, "send");
}

__attribute__((noipa)) void
recv_msg(int fd)
{
	must(recv(fd, buf, 50, 0) == 50, "recv");
}

int
main(int argc, char *argv[])
{
	char path[4096];
	int log, blob, conf[3], p[2], sv[2];

	if (argc != 2) {
		fprintf(stderr, "usage: iocalls DIR\n");
		return 2;
	}
	memset(buf, 'x', sizeof(buf));
	snprintf(path, sizeof(path), "%s/a;b.log", argv[1]);
	must((log = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0, path);
	snprintf(path, sizeof(path), "%s/blob", argv[1]);
	must((blob = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0, path);
	snprintf(path, sizeof(path), "%s/conf", argv[1]);
	must(pipe(p) == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "pipe");
	for (int i = 0; i < 30; i++)
		log_line(log);
	save_blob(blob);
	for (int i = 0; i < 3; i++)
		conf[i] = open_conf(path);
	for (int i = 0; i < 10; i++)
		feed_pipe(p[1]);
	for (int i = 0; i < 10; i++)
		drain_pipe(p[0]);
	for (int i = 0; i < 7; i++)
		send_msg(sv[0]);
	for (int i = 0; i < 7; i++)
		recv_msg(sv[1]);
	usleep(500000);
	(void)conf;
	return 0;
}
