/*
 * perfmap-test: drives lib/sym/perfmap for t/1920-record-jit.t.
 *
 *   perfmap-test [-u UID] [-t NOT_BEFORE] MAP STEP...
 *
 * Opens MAP as perfmap_open(MAP, UID (default: ours), NOT_BEFORE (default
 * 0)) and prints "refused: REASON" (exit 1) if it is refused, then does
 * each step in order:
 *   u        perfmap_update: prints "update N" (N lines read)
 *   U        updates until nothing is new: prints "updates K lines N",
 *            K the calls that found something
 *   s        prints the stats: "lines L kept K malformed M capped C
 *            dropped D"
 *   +FILE    appends FILE's bytes to MAP (the JIT writes more)
 *   =FILE    rewrites MAP with FILE's bytes (truncated first)
 *   HEX      looks the address up: "HEX NAME" or "HEX -"; a NAME longer
 *            than 60 bytes prints as "<N bytes>"
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "sym/perfmap.h"

static void
copy(const char *from, const char *to, const char *mode)
{
	FILE *in, *out;
	char buf[8192];
	size_t n;

	if ((in = fopen(from, "rb")) == NULL || (out = fopen(to, mode)) == NULL)
		die("%s:", from);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	if (fclose(out) != 0)
		die("%s:", to);
	fclose(in);
}

int
main(int argc, char **argv)
{
	struct perfmap *pm;
	struct perfmap_stats st;
	uid_t uid = getuid();
	time_t not_before = 0;
	const char *map, *name;
	uint64_t addr;
	char *end;
	int c, n, k;

	util_setprog(argv[0]);
	while ((c = getopt(argc, argv, "t:u:")) != -1) {
		if (c == 'u')
			uid = (uid_t)strtoul(optarg, NULL, 10);
		else if (c == 't')
			not_before = (time_t)strtoll(optarg, NULL, 10);
		else
			edie(2, "usage: perfmap-test [-u uid] [-t time] map step...");
	}
	argv += optind;
	if ((map = *argv++) == NULL)
		edie(2, "usage: perfmap-test [-u uid] [-t time] map step...");
	if ((pm = perfmap_open(map, uid, not_before)) == NULL) {
		printf("refused: %s\n", errno == ELOOP ? "a symbolic link" :
		    errno == EINVAL ? "not a regular file" : errno == EPERM ?
		    "another owner" : errno == ESTALE ? "stale" : strerror(errno));
		return 1;
	}
	for (; *argv != NULL; argv++) {
		const char *a = *argv;
		if (strcmp(a, "u") == 0) {
			printf("update %d\n", perfmap_update(pm));
		} else if (strcmp(a, "U") == 0) {
			for (k = 0; (n = perfmap_update(pm)) > 0; k++)
				;
			if (n < 0)
				die("update:");
			perfmap_stats(pm, &st);
			printf("updates %d lines %" PRIu64 "\n", k, st.lines);
		} else if (strcmp(a, "s") == 0) {
			perfmap_stats(pm, &st);
			printf("lines %" PRIu64 " kept %" PRIu64 " malformed %" PRIu64
			    " capped %" PRIu64 " dropped %" PRIu64 "\n", st.lines,
			    st.kept, st.malformed, st.capped, st.dropped);
		} else if (a[0] == '+') {
			copy(a + 1, map, "ab");
		} else if (a[0] == '=') {
			copy(a + 1, map, "wb");
		} else {
			errno = 0;
			addr = strtoull(a, &end, 16);
			if (errno != 0 || *end != '\0')
				edie(2, "%s: not a step", a);
			if ((name = perfmap_name(pm, addr)) == NULL)
				printf("%s -\n", a);
			else if (strlen(name) > 60)
				printf("%s <%zu bytes>\n", a, strlen(name));
			else
				printf("%s %s\n", a, name);
		}
	}
	perfmap_free(pm);
	return 0;
}
