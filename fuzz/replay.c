/*
 * replay: runs a harness's LLVMFuzzerTestOneInput once on each file named
 * on the command line, without libFuzzer, so that `make check` replays the
 * corpora in t/fuzz/ under the normal build (t/0900-lib-fuzz.t).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int
main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		size_t n = 0, cap = 0, got;

		if (fp == NULL) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (cap - n < 4096 && (buf = realloc(buf, cap = cap ? 2 * cap : 65536)) == NULL) {
				perror("realloc");
				return 2;
			}
			got = fread(buf + n, 1, cap - n, fp);
			n += got;
		} while (got > 0);
		if (ferror(fp)) {
			perror(argv[i]);
			return 2;
		}
		fclose(fp);
		/* a copy of exactly n bytes, so that ASan sees a read past it */
		uint8_t *data = malloc(n ? n : 1);
		if (n > 0)
			memcpy(data, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(data, n);
		free(data);
	}
	return 0;
}
