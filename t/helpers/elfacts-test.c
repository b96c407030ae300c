/*
 * elfacts-test: drives lib/plan/elfacts for t/0710-lib-elfacts.t.
 *
 *   elfacts-test FILE [NAME...]
 *                  prints every fact of FILE as "key: value" lines, one
 *                  "noopt_name:" and one "func:" line per name, then
 *                  "defines NAME: 0|1" for each NAME (given to
 *                  elfacts_defines without its NUL)
 *
 * Exits 2 with "elfacts-test: FILE: why" when FILE is not read.  The
 * facts are read twice, the second time into the struct freed after the
 * first, and must print the same: elfacts_free leaves it as new.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/elfacts.h"

static void
dump(const struct elfacts *f, FILE *out)
{
	size_t i;

	fprintf(out, "path: %s\n", f->path);
	fprintf(out, "debug: %d\n", f->debug);
	fprintf(out, "debug_file: %s\n", f->debug_file ? f->debug_file : "-");
	fprintf(out, "stripped: %d\n", f->stripped);
	fprintf(out, "pie: %d\n", f->pie);
	fprintf(out, "framepointers: %d\n", f->framepointers);
	fprintf(out, "opt: %s\n", elfacts_opt_name(f->opt));
	fprintf(out, "producer: %s\n", f->producer ? f->producer : "-");
	fprintf(out, "units: %zu\n", f->units);
	fprintf(out, "units_noopt: %zu\n", f->units_noopt);
	for (i = 0; i < f->nnoopt_names; i++)
		fprintf(out, "noopt_name: %s\n", f->noopt_names[i]);
	fprintf(out, "funcs: %zu\n", f->nfuncs);
	for (i = 0; i < f->nfuncs; i++)
		fprintf(out, "func: %s\n", f->funcs[i]);
}

static char *
slurp(FILE *fp, size_t *len)
{
	char *s = NULL;

	fflush(fp);
	*len = ftell(fp);
	rewind(fp);
	s = xmalloc(*len + 1);
	if (fread(s, 1, *len, fp) != *len)
		die("cannot read back the dump");
	return s;
}

int
main(int argc, char **argv)
{
	struct elfacts f;
	const char *why;
	FILE *a, *b;
	char *sa, *sb, *name;
	size_t na, nb, n;
	int i;

	util_setprog(argv[0]);
	if (argc < 2)
		die("usage: elfacts-test FILE [NAME...]");
	memset(&f, 0, sizeof(f));
	if (elfacts_read(&f, argv[1], &why) != 0) {
		elfacts_free(&f);
		die("%s: %s", argv[1], why);
	}
	if ((a = tmpfile()) == NULL || (b = tmpfile()) == NULL)
		die("tmpfile:");
	dump(&f, a);
	elfacts_free(&f);
	elfacts_free(&f);
	if (elfacts_read(&f, argv[1], &why) != 0)
		edie(3, "%s: read a second time: %s", argv[1], why);
	dump(&f, b);
	sa = slurp(a, &na);
	sb = slurp(b, &nb);
	if (na != nb || memcmp(sa, sb, na) != 0)
		edie(3, "%s: the second reading differs", argv[1]);
	fwrite(sa, 1, na, stdout);
	free(sa);
	free(sb);
	fclose(a);
	fclose(b);

	for (i = 2; i < argc; i++) {
		n = strlen(argv[i]);
		/* exactly n bytes, so reading past them is ASan's to catch */
		name = xmalloc(n);
		memcpy(name, argv[i], n);
		printf("defines %s: %d\n", argv[i],
		    elfacts_defines(&f, name, n));
		free(name);
	}
	elfacts_free(&f);
	return util_fshut(stdout, "stdout") == 0 ? 0 : 1;
}
