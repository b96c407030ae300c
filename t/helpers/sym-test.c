/*
 * sym-test: drives lib/sym/sym for t/0100-lib-sym.t.
 *
 *   sym-test FILE ADDR... [-f FILE ADDR...]...
 *                           prints, per address, the number of frames and
 *                           then one line per frame, outermost first:
 *                           NAME<TAB>FILE:LINE (?? and 0 when unknown);
 *                           -f switches to another file, in the same cache
 *   sym-test -a FILE        reads hex addresses from stdin and prints what
 *                           `addr2line -a -i -f -s -C -e FILE` prints
 *                           (innermost first), to compare the two
 *
 * Every address is resolved twice: the second answer must be the cached
 * first one (same array), or sym-test exits 3.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "sym/sym.h"

static struct sym_cache *cache;

static int
resolve(const char *path, uint64_t addr, const struct sym_frame **fr)
{
	const struct sym_frame *again;
	int n;

	n = sym_resolve(cache, path, addr, fr);
	if (sym_resolve(cache, path, addr, &again) != n || again != *fr)
		edie(3, "%s 0x%" PRIx64 ": second answer differs", path, addr);
	if ((n == 0) != (*fr == NULL))
		edie(3, "%s 0x%" PRIx64 ": %d frames at %p", path, addr, n,
		    (const void *)*fr);
	return n;
}

static uint64_t
parse_addr(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 16);

	if (end == s || (*end != '\0' && *end != '\n'))
		die("bad address: %s", s);
	return v;
}

static void
addr2line_style(const char *path)
{
	const struct sym_frame *fr;
	char buf[256];
	uint64_t addr;
	int i, n;

	while (fgets(buf, sizeof(buf), stdin) != NULL) {
		addr = parse_addr(buf);
		printf("0x%016" PRIx64 "\n", addr);
		n = resolve(path, addr, &fr);
		if (n == 0)
			printf("??\n??:0\n");
		for (i = n - 1; i >= 0; i--) {
			printf("%s\n%s:", fr[i].name, fr[i].file ? fr[i].file : "??");
			if (fr[i].line != 0)
				printf("%d\n", fr[i].line);
			else
				printf("?\n");
		}
	}
}

int
main(int argc, char **argv)
{
	const struct sym_frame *fr;
	const char *path;
	int i, j, n;

	util_setprog(argv[0]);
	cache = sym_new();
	if (argc == 3 && strcmp(argv[1], "-a") == 0) {
		addr2line_style(argv[2]);
	} else if (argc >= 3) {
		path = argv[1];
		for (i = 2; i < argc; i++) {
			if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
				path = argv[++i];
				continue;
			}
			n = resolve(path, parse_addr(argv[i]), &fr);
			printf("%d\n", n);
			for (j = 0; j < n; j++)
				printf("%s\t%s:%d\n", fr[j].name,
				    fr[j].file ? fr[j].file : "??", fr[j].line);
		}
	} else {
		die("usage: sym-test FILE ADDR... [-f FILE ADDR...]... | "
		    "sym-test -a FILE <addrs");
	}
	sym_free(cache);
	return util_fshut(stdout, "<stdout>") ? 1 : 0;
}
