/*
 * fuzz: what the libFuzzer harnesses in fuzz/ share.
 *
 * Each fuzz/fuzz-TARGET.c defines LLVMFuzzerTestOneInput for one parser
 * and checks properties of what it read, not only that it did not crash:
 * a property that fails calls fuzz_fail(), which aborts, so libFuzzer (or
 * the replay driver, fuzz/replay.c, under `make check`) reports the input.
 * A harness feeds the parsers through their entry points that return
 * errors; where a library function dies (exits) on an input error, the
 * harness stays off that path and says so.
 */
#ifndef PROF_FUZZ_H
#define PROF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/count.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports the property that failed, and aborts. */
#define fuzz_fail(...) do { \
	fprintf(stderr, "%s:%d: property failed: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

#define fuzz_assert(cond) do { if (!(cond)) fuzz_fail("%s", #cond); } while (0)

/* A file descriptor open on a copy of data[0..size), at offset 0 (a memfd);
 * aborts if it cannot be made. */
int fuzz_fd(const uint8_t *data, size_t size);

/* c as decimal text, for messages (a static buffer per call slot 0 or 1). */
const char *fuzz_count(count_t c, int slot);

#endif
