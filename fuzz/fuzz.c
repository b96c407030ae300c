/* fuzz: the helpers of fuzz.h, linked into every harness. */
#define _GNU_SOURCE
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

int
fuzz_fd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		fuzz_fail("memfd_create failed");
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			fuzz_fail("write to memfd failed");
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		fuzz_fail("lseek on memfd failed");
	return fd;
}

const char *
fuzz_count(count_t c, int slot)
{
	static char buf[2][COUNT_BUFSZ];

	count_format(c, buf[slot & 1]);
	return buf[slot & 1];
}
