/* benchplan: the commands prof-bench benchmarks.  See benchplan.h. */
#include "bench/benchplan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arg.h"
#include "core/cmdline.h"
#include "core/util.h"

void
benchplan_push(struct benchplan_strs *s, const char *v)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = v;
}

static struct benchplan_param *
new_param(struct benchplan *p, const char *name, const char *opt)
{
	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
	    != strlen(name))
		die("%s: '%s' is not a parameter name; use letters, digits and '_'", opt, name);
	for (size_t i = 0; i < p->nparams; i++)
		if (strcmp(p->params[i].name, name) == 0)
			die("%s: the parameter '%s' is given twice", opt, name);
	p->params = xreallocarray(p->params, p->nparams + 1, sizeof *p->params);
	p->params[p->nparams] = (struct benchplan_param){ .name = name };
	return &p->params[p->nparams++];
}

void
benchplan_list(struct benchplan *p, const char *name, const char *list)
{
	struct benchplan_param *q = new_param(p, name, "-L");
	char *copy = xstrdup(list), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		benchplan_push(&q->values, xstrdup(t));
	free(copy);
	if (q->values.n == 0)
		die("-L: '%s' is not a list of values; use values separated by ','", list);
}

void
benchplan_scan(struct benchplan *p, const char *name, const char *min, const char *max)
{
	if (p->scan[0])
		die("-P: given twice; use -L for a second parameter");
	p->scan[0] = name;
	p->scan[1] = min;
	p->scan[2] = max;
	new_param(p, name, "-P");
}

/* The values of -P, into the last parameter. */
static void
scan_values(struct benchplan *p)
{
	struct benchplan_param *q = &p->params[p->nparams - 1];
	double lo = arg_real(p->scan[1], -1e15, 1e15, "-P");
	double hi = arg_real(p->scan[2], lo, 1e15, "-P");
	double d = p->step ? arg_real(p->step, 1e-12, 1e15, "--step") : 1;
	int ints = !strpbrk(p->scan[1], ".eE") && !strpbrk(p->scan[2], ".eE") &&
	    (!p->step || !strpbrk(p->step, ".eE"));
	double n = floor((hi - lo) / d + 1e-9);

	if (n >= 100000)
		die("-P: %.0f values are too many; use at most 100000 (a larger --step)", n + 1);
	for (long k = 0; k <= (long)n; k++) {
		char buf[64];
		double v = lo + d * (double)k;
		if (ints)
			snprintf(buf, sizeof buf, "%.0f", v);
		else
			snprintf(buf, sizeof buf, "%.12g", v);
		benchplan_push(&q->values, xstrdup(buf));
	}
}

void
benchplan_check(struct benchplan *p)
{
	if (!p->scan[0]) {
		if (p->step)
			die("--step: only with -P");
		return;
	}
	for (size_t i = 0; i < p->nparams; i++)
		if (p->params[i].name == p->scan[0]) {
			struct benchplan_param tmp = p->params[i];
			p->params[i] = p->params[p->nparams - 1];
			p->params[p->nparams - 1] = tmp;
		}
	scan_values(p);
}

/* s with each {NAME} replaced by the value of the parameter NAME. */
static char *
substitute(const char *s, const struct kv_item *pv, size_t n)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = xmalloc(cap);

	while (*s) {
		size_t k, add = 1;
		const char *src = s;
		if (*s == '{') {
			for (k = 0; k < n; k++) {
				size_t l = strlen(pv[k].key);
				if (strncmp(s + 1, pv[k].key, l) == 0 && s[1 + l] == '}') {
					src = pv[k].value;
					add = strlen(src);
					s += l + 2;
					break;
				}
			}
			if (k == n)
				s++;
		} else {
			s++;
		}
		if (len + add + 1 > cap)
			out = xrealloc(out, cap = 2 * (len + add + 1));
		memcpy(out + len, src, add);
		len += add;
	}
	out[len] = '\0';
	return out;
}

/* The i-th of a per-command option: one for all, or one per command. */
static const char *
pick(const struct benchplan_strs *s, size_t i, size_t ncmd, const char *opt)
{
	if (s->n == 0)
		return NULL;
	if (s->n == 1)
		return s->v[0];
	if (s->n != ncmd)
		die("%s: given %zu times for %zu commands; use it once or once per command",
		    opt, s->n, ncmd);
	return s->v[i];
}

struct benchsession_cmd *
benchplan_commands(const struct benchplan *p, char *const *templ, size_t ntempl, size_t *ncmd)
{
	size_t ncomb = 1, nt = ntempl + (p->reference != NULL), n = 0;
	struct benchsession_cmd *c;

	for (size_t i = 0; i < p->nparams; i++)
		ncomb *= p->params[i].values.n;
	if (p->names.n > nt)
		die("-n: %zu names for %zu commands; use at most %zu", p->names.n, nt, nt);
	c = xcalloc(nt * ncomb, sizeof *c);
	for (size_t t = 0; t < nt; t++) {
		const char *line = p->reference ? t == 0 ? p->reference : templ[t - 1] : templ[t];
		for (size_t k = 0; k < ncomb; k++) {
			struct kv_item *pv = xcalloc(p->nparams + 1, sizeof *pv);
			size_t rest = k;
			for (size_t i = p->nparams; i-- > 0;) {
				const struct benchplan_strs *v = &p->params[i].values;
				pv[i].key = (char *)p->params[i].name;
				pv[i].value = (char *)v->v[rest % v->n];
				rest /= v->n;
			}
			c[n].command = substitute(line, pv, p->nparams);
			c[n].name = t < p->names.n ? substitute(p->names.v[t], pv, p->nparams) : c[n].command;
			c[n].params = pv;
			c[n].nparams = p->nparams;
			c[n].prepare = pick(&p->prepare, t, nt, "-p");
			c[n].conclude = pick(&p->conclude, t, nt, "-c");
			c[n].setup = pick(&p->setup, t, nt, "-s");
			c[n].cleanup = pick(&p->cleanup, t, nt, "-C");
			if (p->noshell) {
				const char *err;
				char **w = cmdline_split(c[n].command, &err);
				if (!w)
					die("-N: '%s': %s", c[n].command, err);
				free(w);
			} else {
				c[n].shell = p->shell != NULL || cmdline_needs_shell(c[n].command);
			}
			n++;
		}
	}
	*ncmd = n;
	return c;
}

void
benchplan_free_commands(struct benchsession_cmd *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c[i].name != c[i].command)
			free((char *)c[i].name);
		free((char *)c[i].command);
		free((void *)c[i].params);
	}
	free(c);
}

void
benchplan_free(struct benchplan *p)
{
	for (size_t i = 0; i < p->nparams; i++) {
		for (size_t k = 0; k < p->params[i].values.n; k++)
			free((char *)p->params[i].values.v[k]);
		free(p->params[i].values.v);
	}
	free(p->params);
	free(p->names.v);
	free(p->prepare.v);
	free(p->conclude.v);
	free(p->setup.v);
	free(p->cleanup.v);
}
