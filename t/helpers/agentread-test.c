/*
 * agentread-test: drives lib/record/agentread for t/1970-record-agent-*.t.
 *
 *   agentread-test [-p] [-l] [-m N] VIEW FILE
 *                           the view (alloc-space, ..., threadcreate) of
 *                           the agent's stream in FILE, as folded stacks
 *                           sorted; -p: comm-PID roots; -l: file:line;
 *                           -m: at most N frames from the leaf
 *   agentread-test [-p] leaks FILE [TOP]
 *                           the leak summary (TOP stacks, default 5)
 *   agentread-test stats FILE
 *                           what the stream held: "name value" lines
 *   agentread-test -P CMD   whether the agent can be preloaded into CMD:
 *                           prints "yes" or the reason; exit 0 or 1
 *   agentread-test -A       the agent's path, found from this program's
 *
 * FILE "-" is stdin.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "folded/stacktable.h"
#include "record/agentread.h"

static void
usage(void)
{
	fprintf(stderr, "usage: agentread-test [-p] [-l] [-m N] VIEW|leaks|stats FILE [TOP]\n"
	    "       agentread-test -P CMD | -A\n");
	exit(2);
}

static void
stats(const struct agentread_stats *s)
{
#define P(f) printf("%s %llu\n", #f, (unsigned long long)s->f)
	P(images); P(unfinished); P(sampled); P(nounwind); P(chunks);
	P(lost_chunks); P(bad_bytes); P(bad_records); P(missing); P(allocs);
	P(frees); P(waits); P(threads); P(unknown_frees); P(untracked); P(skipped);
	P(counted); P(counted_allocs); P(counted_bytes);
#undef P
}

int
main(int argc, char **argv)
{
	struct agentread_opts o;
	struct agentread_stats st;
	struct agentread *a;
	struct stacktable *t;
	struct stacktable_entry **v;
	char err[512], buf[4096], num[COUNT_BUFSZ];
	size_t n, i;
	int c, fd, view;

	util_setprog(argv[0]);
	memset(&o, 0, sizeof(o));
	o.name.inline_frames = 1;
	while ((c = getopt(argc, argv, "AP:lm:p")) != -1) {
		switch (c) {
		case 'A':
			if (agentread_agent_path(buf, sizeof(buf)) != 0)
				return 1;
			puts(buf);
			return 0;
		case 'P':
			if (agentread_preloadable(optarg, err, sizeof(err))) {
				puts("yes");
				return 0;
			}
			puts(err);
			return 1;
		case 'l':
			o.name.lines = 1;
			break;
		case 'm':
			o.max_stack = atoi(optarg);
			break;
		case 'p':
			o.name.pid = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "-") == 0)
		fd = 0;
	else if ((fd = open(argv[1], O_RDONLY)) < 0)
		die("%s:", argv[1]);
	a = agentread_new(&o);
	if (agentread_fd(a, fd) != 0)
		die("%s:", argv[1]);
	agentread_end(a);
	if (strcmp(argv[0], "stats") == 0) {
		agentread_get_stats(a, &st);
		stats(&st);
	} else if (strcmp(argv[0], "leaks") == 0) {
		agentread_leaks(a, stdout, "", argc > 2 ? atoi(argv[2]) : 5);
	} else {
		for (view = 0; agentread_view_names[view] != NULL; view++)
			if (strcmp(agentread_view_names[view], argv[0]) == 0)
				break;
		if (agentread_view_names[view] == NULL)
			usage();
		t = stacktable_new();
		agentread_view(a, view, t);
		v = stacktable_sorted(t, &n);
		for (i = 0; i < n; i++) {
			count_format(v[i]->n[0], num);
			printf("%.*s %s\n", (int)v[i]->len, v[i]->key, num);
		}
		free(v);
		stacktable_free(t);
	}
	agentread_free(a);
	return util_fshut(stdout, "stdout") != 0;
}
