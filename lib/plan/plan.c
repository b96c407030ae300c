/* plan: from a profile to ranked tasks.  See plan.h. */
#define _GNU_SOURCE
#include "plan/plan.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/frame.h"
#include "plan/hotcode.h"
#include "plan/plan-int.h"
#include "top/caveat.h"
#include "top/top.h"

/* A count per byte string: locations, callees, paths of one task. */
struct cnt {
	UT_hash_handle hh;
	count_t n;
	size_t len;
	char key[];
};

/*
 * What the stacks of one (rule, site) pair add up to.  The hash key is
 * the pair itself: the rule's address, then the site's bytes (its frame
 * name, any bytes).  The address has a fixed width, so no separator is
 * needed that a name could hold, and two pairs never share a key.
 */
struct acc {
	UT_hash_handle hh;
	const struct rules_entry *rule;
	char *site;              /* cleaned */
	count_t count;
	count_t waited;          /* of count, the stacks that wait under the
	                          * claimed frame (a lock's futex wait) */
	struct cnt *locs, *whats, *paths;
	size_t keylen;
	unsigned char key[];     /* rule, then the site's bytes */
};

/*
 * The sizes and thresholds of a plan, named once.  They are choices of
 * presentation and of what is worth a line, not of the estimate.
 */
enum {
	PLAN_TOP_FUNCS = 20,     /* functions in the report's table */
	PLAN_TOP_PATHS = 5,      /* heaviest paths in the report */
	PLAN_PATH_FRAMES = 8,    /* frames of a path shown, the innermost */
	PLAN_WHATS = 3,          /* called functions named in a task's title */
	PLAN_REGRESSIONS = 5,    /* tasks made of the functions that grew most */
	PLAN_BUILD_SPEEDUP = 3   /* -O0 to -O2: the speed-up s of the build task */
};
/* A share of unnamed code that deserves a word: PLT stubs are normal. */
static const double plan_unnamed_share = 0.05;
/* A growth smaller than this (0.05 points) is noise, not a regression. */
static const double plan_growth_min = 0.0005;

static void
cnt_add(struct cnt **h, const char *k, size_t len, count_t n)
{
	struct cnt *c;

	HASH_FIND(hh, *h, k, len, c);
	if (c == NULL) {
		c = xmalloc(sizeof(*c) + len + 1);
		memcpy(c->key, k, len);
		c->key[len] = '\0';
		c->len = len;
		c->n = 0;
		HASH_ADD_KEYPTR(hh, *h, c->key, len, c);
	}
	c->n += n;
}

static int
cnt_cmp(const void *a, const void *b)
{
	const struct cnt *x = *(struct cnt *const *)a, *y = *(struct cnt *const *)b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The entries, heaviest first (ties by key); *n their number. */
static struct cnt **
cnt_sorted(struct cnt *h, size_t *n)
{
	struct cnt **v, *c, *tmp;
	size_t i = 0;

	*n = HASH_COUNT(h);
	v = xcalloc(*n + 1, sizeof(*v));
	HASH_ITER(hh, h, c, tmp)
		v[i++] = c;
	qsort(v, *n, sizeof(*v), cnt_cmp);
	return v;
}

/* The k heaviest entries (ties by key) into v[0..k), heaviest first,
 * without sorting them all: paths are many, and few are shown. */
static size_t
cnt_top(struct cnt *h, struct cnt **v, size_t k)
{
	struct cnt *c, *tmp;
	size_t n = 0, j;

	HASH_ITER(hh, h, c, tmp) {
		if (n == k && cnt_cmp(&c, &v[n - 1]) >= 0)
			continue;
		j = n < k ? n++ : n - 1;
		while (j > 0 && cnt_cmp(&c, &v[j - 1]) < 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = c;
	}
	return n;
}

static void
cnt_free(struct cnt **h)
{
	struct cnt *c, *tmp;

	HASH_ITER(hh, *h, c, tmp) {
		HASH_DEL(*h, c);
		free(c);
	}
}

/* Any bytes as clean text (valid UTF-8, no control characters), owned. */
static char *
clean(const char *s, size_t n)
{
	return xmlsafe_cleandup(s, n, NULL);
}

const char *
plan_priority_name(int priority)
{
	static const char *const names[] = { "LOW", "MEDIUM", "HIGH", "CRITICAL" };

	return names[priority];
}

int
plan_priority(double gain)
{
	/* Compared in the tenths of a percent shown, so that a task shown as
	 * 20.0% is never called HIGH. */
	double pct = round(gain * 1000) / 10;

	return pct >= 20 ? PLAN_CRITICAL : pct >= 10 ? PLAN_HIGH : pct >= 5 ? PLAN_MEDIUM : PLAN_LOW;
}

double
plan_gain(double p, double s)
{
	return isinf(s) ? p : p * (1 - 1 / s);
}

static double
share(const struct plan *pl, count_t c)
{
	return pl->total ? count_double(c) / count_double(pl->total) : 0;
}

/* The frames of a stack, split at ';'. */
struct frames {
	struct frame_parts *p;
	const char **raw;        /* each frame's bytes, for the rule cache */
	size_t *rawlen;
	size_t n, cap;
};

/* What rules_find said of a frame: regexec on every frame of every stack
 * would cost most of the run, and a profile has few distinct frames. */
struct seen {
	UT_hash_handle hh;
	const struct rules_entry *rule;
	size_t len;
	char key[];
};

static void
frames_split(struct frames *f, const char *s, size_t len)
{
	const char *end = s + len, *semi;

	f->n = 0;
	for (;;) {
		semi = memchr(s, ';', end - s);
		if (f->n == f->cap) {
			f->cap = f->cap ? 2 * f->cap : 64;
			f->p = xreallocarray(f->p, f->cap, sizeof(*f->p));
			f->raw = xreallocarray(f->raw, f->cap, sizeof(*f->raw));
			f->rawlen = xreallocarray(f->rawlen, f->cap, sizeof(*f->rawlen));
		}
		f->raw[f->n] = s;
		f->rawlen[f->n] = (semi ? semi : end) - s;
		frame_split(s, f->rawlen[f->n], &f->p[f->n]);
		f->n++;
		if (semi == NULL)
			break;
		s = semi + 1;
	}
}


static int
unnamed(const struct frame_parts *p)
{
	return p->name_len >= 2 && p->name[0] == '[' && p->name[p->name_len - 1] == ']';
}

struct builder {
	struct plan *pl;
	struct acc *accs;
	struct cnt *paths;       /* whole stacks, function by function */
	struct frames fr;
	char *buf;               /* path being built */
	size_t cap;
	count_t own;             /* computation in the binary's own functions */
	struct seen *seen[9];    /* the rule cache, per kind of stack (kind_index) */
	count_t located;         /* samples whose site has a source line */
	char *key;               /* the last frame_key, whole: never cut, so
	                          * that two long C++ names stay two */
	size_t keycap;
	unsigned char *akey;     /* the last acc key */
	size_t akeycap;
};

/* A frame's name as the plan shows it, in b->key: its kernel suffix kept,
 * so that the kernel's write is not the C library's.  Returns its length. */
static size_t
frame_key(struct builder *b, const struct frame_parts *p)
{
	size_t n = p->name_len;
	int k = frame_annotation(p) == 'k';

	if (n + 4 > b->keycap)
		b->key = xrealloc(b->key, b->keycap = 2 * (n + 4));
	memcpy(b->key, p->name, n);
	if (k) {
		memcpy(b->key + n, "_[k]", 4);
		n += 4;
	}
	return n;
}

static void
path_of(struct builder *b, size_t upto, size_t *len)
{
	size_t n = 0, k;

	for (size_t i = 0; i <= upto; i++) {
		k = frame_key(b, &b->fr.p[i]);
		if (n + k + 4 > b->cap) {
			b->cap = 2 * (n + k + 4);
			b->buf = xrealloc(b->buf, b->cap);
		}
		if (i > 0)
			b->buf[n++] = ';';
		memcpy(b->buf + n, b->key, k);
		n += k;
	}
	*len = n;
}

static void
claim(struct builder *b, const struct rules_entry *r, const struct frame_parts *site,
    const struct frame_parts *what, size_t upto, count_t c)
{
	size_t n = site ? frame_key(b, site) : 0, len, klen = sizeof(r) + n;
	const char *name = n ? b->key : "";
	struct acc *a;

	if (klen > b->akeycap)
		b->akey = xrealloc(b->akey, b->akeycap = 2 * klen);
	memcpy(b->akey, &r, sizeof(r));
	memcpy(b->akey + sizeof(r), name, n);
	HASH_FIND(hh, b->accs, b->akey, klen, a);
	if (a == NULL) {
		a = xcalloc(1, sizeof(*a) + klen);
		memcpy(a->key, b->akey, klen);
		a->keylen = klen;
		a->rule = r;
		a->site = clean(name, n);
		HASH_ADD(hh, b->accs, key, a->keylen, a);
	}
	a->count += c;
	/* a lock taken is not yet a lock waited for */
	if (r->category == RULES_LOCKING)
		for (size_t i = upto; i < b->fr.n; i++)
			if (plan_wait_frame(&b->fr.p[i])) {
				a->waited += c;
				break;
			}
	if (site != NULL && site->loc_len > 0) {
		cnt_add(&a->locs, site->loc, site->loc_len, c);
		b->located += c;
	}
	if (what != NULL) {
		n = frame_key(b, what);
		cnt_add(&a->whats, b->key, n, c);
	}
	path_of(b, upto, &len);
	cnt_add(&a->paths, b->buf, len, c);
}

/* The index of a kind of stack (enum rules_stacks, one bit) in the
 * builder's caches. */
static int
kind_index(int kind)
{
	return kind == RULES_ON_SLEEP ? 1 : kind == RULES_ON_DISK ? 2 :
	    kind == RULES_ON_RUNNABLE ? 3 : kind == RULES_ON_IO ? 4 : kind == RULES_ON_WAIT ? 5 :
	    kind == RULES_ON_ALLOC ? 6 : kind == RULES_ON_LEAK ? 7 : kind == RULES_ON_THREADS ? 8 : 0;
}

static const struct rules_entry *
rule_of(struct builder *b, size_t i, int kind)
{
	struct frames *f = &b->fr;
	struct seen *e, **seen = &b->seen[kind_index(kind)];

	HASH_FIND(hh, *seen, f->raw[i], f->rawlen[i], e);
	if (e == NULL) {
		e = xmalloc(sizeof(*e) + f->rawlen[i]);
		memcpy(e->key, f->raw[i], f->rawlen[i]);
		e->len = f->rawlen[i];
		e->rule = rules_find_in(b->pl->opts->rules, &f->p[i], kind);
		HASH_ADD(hh, *seen, key, e->len, e);
	}
	return e->rule;
}

/* The innermost user frame below frame end (end itself not included),
 * or 0: kernel frames above it are the cost of what it did (an
 * interrupt, a fault no rule names, a wait). */
static size_t
innermost_user(const struct frames *f, size_t end)
{
	size_t i;

	for (i = end; i-- > 1;)
		if (frame_annotation(&f->p[i]) != 'k' && !(f->p[i].name_len == 9 &&
		    memcmp(f->p[i].name, "[unknown]", 9) == 0))
			break;
	return i;
}

/*
 * What kind of stack this is (enum rules_stacks, one bit), and so which
 * rules are tried on it: a stack of a wall or offcpu profile ending in a
 * state is a wait in that state, a stack of an io profile a system call
 * (its leaf), any other code that ran.
 */
static int
stack_kind(const struct plan *pl, const struct frames *f)
{
	const struct frame_parts *leaf = &f->p[f->n - 1];

	if (unit_has_states(&pl->u))
		switch (unit_state(leaf->name, leaf->name_len)) {
		case UNIT_STATE_SLEEP:
			return RULES_ON_SLEEP;
		case UNIT_STATE_DISK:
			return RULES_ON_DISK;
		case UNIT_STATE_RUNNABLE:
			return RULES_ON_RUNNABLE;
		}
	switch (pl->u.type) {
	case UNIT_TYPE_IO:
		return RULES_ON_IO;
	case UNIT_TYPE_LOCK:
	case UNIT_TYPE_BLOCK:
		return RULES_ON_WAIT;
	case UNIT_TYPE_MEMORY:
		return pl->u.view != NULL && strncmp(pl->u.view, "inuse-", 6) == 0 ?
		    RULES_ON_LEAK : RULES_ON_ALLOC;
	case UNIT_TYPE_THREADCREATE:
		return RULES_ON_THREADS;
	}
	return RULES_ON_CPU;
}

/* One stack: claimed by the outermost frame a rule matches, else by the
 * fallback in its innermost named user frame. */
static void
add_stack(struct builder *b, const char *s, size_t len, count_t c)
{
	const struct rules *rs = b->pl->opts->rules;
	const struct rules_entry *r = NULL;
	struct frames *f = &b->fr;
	size_t i, len2, end;
	char mod[PATH_MAX];
	int kind;

	frames_split(f, s, len);
	if (b->pl->threads < 2)
		for (i = 0; i < f->n; i++)
			if (plan_thread_frame(&f->p[i])) {
				b->pl->threads = 2;
				break;
			}
	path_of(b, f->n - 1, &len2);
	cnt_add(&b->paths, b->buf, len2, c);
	kind = stack_kind(b->pl, f);
	/* An allocation's (a thread creation's) site is the leaf. */
	if (kind & RULES_ON_SITE) {
		i = f->n - 1;
		if ((r = rule_of(b, i, kind)) != NULL) {
			claim(b, r, &f->p[i], NULL, i, c);
			return;
		}
	}
	for (i = 0; !(kind & RULES_ON_SITE) && i < f->n; i++) {
		/* clone3 and start_thread at the root of a thread's stack
		 * are where it began, not a thread being created */
		if (plan_thread_frame(&f->p[i]) && i + 1 < f->n &&
		    frame_annotation(&f->p[i + 1]) != 'k')
			continue;
		if ((r = rule_of(b, i, kind)) != NULL)
			break;
	}
	if (r != NULL) {
		/* A rule of the leaf of a wait or a system call (the state,
		 * "write(/path)"): the code to change is the innermost user
		 * frame under it, past the kernel frames of the wait. */
		size_t site = kind != RULES_ON_CPU && i == f->n - 1 && i > 0 ?
		    innermost_user(f, i) + 1 : i;

		claim(b, r, site > 0 ? &f->p[site - 1] : NULL, &f->p[i], i, c);
		return;
	}
	/* A state is no code: the wait is in the frame under it. */
	end = kind & RULES_ON_OFFCPU && f->n > 1 ? f->n - 1 : f->n;
	i = innermost_user(f, end);
	if (plan_lost_frame(&f->p[i])) {
		claim(b, plan_lost_rule(), &f->p[i], NULL, i, c);
		return;
	}
	if (plan_symbols_claims(b->pl, &f->p[i], mod, sizeof(mod))) {
		/* "[MODULE]", "MODULE+0xOFF": a task to get its names (one a
		 * module, whatever the offsets), not hot computation */
		struct frame_parts mp = f->p[i];

		mp.name = mod;
		mp.name_len = strlen(mod);
		mp.suffix_len = 0;
		b->pl->unnamed += c;
		/* a guess's own name is kept as what it is: an example */
		claim(b, plan_symbols_rule(), &mp, strcmp(mod, PLAN_GUESSED) == 0 ? &f->p[i] : NULL,
		    i, c);
		return;
	}
	if (unnamed(&f->p[i]))
		b->pl->unnamed += c;
	else if (b->pl->opts->elf != NULL &&
	    elfacts_defines(b->pl->opts->elf, f->p[i].name, f->p[i].name_len))
		b->own += c;
	if ((r = rules_other(rs)) == NULL)
		die("the rules have no fallback (match \"other\")");
	claim(b, r, &f->p[i], NULL, i, c);
}

/* "a > b > c", the last PLAN_PATH_FRAMES frames of a path, from the stored form. */
static char *
path_show(const char *key)
{
	const char *p = key;
	size_t frames = 1;
	char *out, *o;

	for (const char *q = key; *q; q++)
		frames += *q == ';';
	for (; frames > PLAN_PATH_FRAMES; frames--)
		p = strchr(p, ';') + 1;
	out = o = xmalloc(3 * strlen(p) + 8);
	if (p != key)
		o += sprintf(o, "... > ");
	for (; *p; p++) {
		if (*p == ';')
			o += sprintf(o, " > ");
		else
			*o++ = *p;
	}
	*o = '\0';
	o = clean(out, strlen(out));
	free(out);
	return o;
}

/* "churn (malloc 61%, free 39%)": the library functions of a task. */
static char *
whats_show(const struct plan *pl, struct acc *a)
{
	size_t n, len = 0;
	struct cnt **v = cnt_sorted(a->whats, &n);
	char *s = xmalloc(1), *w;

	s[0] = '\0';
	for (size_t i = 0; i < n && i < PLAN_WHATS; i++) {
		w = clean(v[i]->key, v[i]->len);
		s = xrealloc(s, len + strlen(w) + 3);
		len += sprintf(s + len, "%s%s", i ? ", " : "", w);
		free(w);
	}
	free(v);
	return s;
}

/* "Problem in site (what)": the problem with a capital, as a title
 * starts. */
static void
title(const struct plan *pl, struct plan_text *t, const char *problem, const char *site,
    const char *what, double share)
{
	char *p = xstrdup(problem);

	if (*p >= 'a' && *p <= 'z')
		*p += 'A' - 'a';
	plan_text_add(t, "%s", p);
	free(p);
	if (*site == '\0')
		plan_text_add(t, " at the root of the stacks");
	else {
		plan_text_add(t, " in ");
		plan_text_code(t, "%s", site);
	}
	if (*what != '\0') {
		plan_text_add(t, " (");
		plan_text_code(t, "%s", what);
		plan_text_add(t, ")");
	}
	/* a wait's title says what it costs: a share of the off-CPU time
	 * is not one of the wall-clock time */
	if (pl->measure[0] != '\0')
		plan_text_add(t, ": %.1f%% of the %s", 100 * share, pl->measure);
}

char *
plan_amount(const struct plan *pl, count_t c, char *buf, size_t len)
{
	char b[UNIT_BUFSZ > COUNT_BUFSZ ? UNIT_BUFSZ : COUNT_BUFSZ];

	if (pl->measure[0] != '\0')
		unit_show(&pl->u, c, b);
	else
		b[count_format(c, b)] = '\0';
	snprintf(buf, len, "%s", b);
	return buf;
}

static void
task_from(struct plan *pl, struct plan_task *t, struct acc *a)
{
	const struct rules_entry *r = a->rule;
	struct plan_text *ev;
	size_t n, nw;
	struct cnt **v;
	char *p;

	t->rule = r;
	t->category = r->category;
	t->site = xstrdup(a->site);
	t->count = a->count;
	t->share = share(pl, a->count);
	t->speedup = r->speedup;
	t->gain = plan_gain(t->share, t->speedup);
	t->priority = plan_priority(t->gain);
	t->what = whats_show(pl, a);
	title(pl, &t->title, r->problem, t->site, t->what, t->share);

	v = cnt_sorted(a->locs, &n);
	if (n > 0) {
		t->location = clean(v[0]->key, v[0]->len);
		p = strrchr(t->location, ':');
		if (p != NULL && p[1] >= '0' && p[1] <= '9') {
			t->file = xmemdup(t->location, p - t->location);
			t->line = strtol(p + 1, NULL, 10);
		}
		/* The task's other hot lines in that file: a rule's source
		 * pattern may be on any of them (malloc on one, free on the
		 * next). */
		for (size_t i = 0; t->file != NULL && i < n && t->nlines < sizeof(t->lines) / sizeof(t->lines[0]); i++) {
			size_t fl = strlen(t->file);

			if (v[i]->len > fl + 1 && memcmp(v[i]->key, t->file, fl) == 0 &&
			    v[i]->key[fl] == ':' && v[i]->key[fl + 1] >= '0' && v[i]->key[fl + 1] <= '9') {
				t->line_shares[t->nlines] = count_double(v[i]->n) / count_double(a->count);
				t->lines[t->nlines++] = strtol(v[i]->key + fl + 1, NULL, 10);
			}
		}
	} else
		t->location = xstrdup(t->site);

	{
		char c1[UNIT_BUFSZ + COUNT_BUFSZ], c2[UNIT_BUFSZ + COUNT_BUFSZ];

		plan_amount(pl, t->count, c1, sizeof(c1));
		plan_amount(pl, pl->total, c2, sizeof(c2));
		ev = plan_texts_new(&t->evidence);
		/* "1.2s of the 2.9s of off-CPU time", "6144 of 8769 I/O calls" */
		if (pl->measure[0] != '\0' && (pl->u.kind == UNIT_NS || pl->u.kind == UNIT_BYTES ||
		    pl->u.period_ns > 0))
			plan_text_add(ev, "%s of the %s of %s (%.1f%%) are in ", c1, c2, pl->measure,
			    100 * t->share);
		else
			plan_text_add(ev, "%s of %s %s (%.1f%%) are in ", c1, c2, pl->noun,
			    100 * t->share);
		if (*t->what) {
			plan_text_code(ev, "%s", t->what);
			plan_text_add(ev, " called from ");
			plan_text_code(ev, "%s", *t->site ? t->site : "(root)");
		} else {
			plan_text_code(ev, "%s", t->site);
			plan_text_add(ev, " itself");
		}
	}
	free(v);

	{
		struct cnt *best;

		if (cnt_top(a->paths, &best, 1) == 1) {
			p = path_show(best->key);
			ev = plan_texts_new(&t->evidence);
			plan_text_add(ev, "Heaviest path (%.1f%% of the %s): ",
			    100 * share(pl, best->n), pl->noun);
			plan_text_code(ev, "%s", p);
			free(p);
		}
	}
	v = cnt_sorted(a->locs, &nw);
	if (nw > 0 && t->file != NULL) {
		ev = plan_texts_new(&t->evidence);
		plan_text_add(ev, "Hot line ");
		plan_text_code(ev, "%s", t->location);
		plan_text_add(ev, ": %.0f%% of this task's %s",
		    100 * count_double(v[0]->n) / count_double(a->count), pl->noun);
	}
	free(v);

	/* The advice: steps separated by '|'. */
	for (const char *s = r->advice, *e; *s; s = *e ? e + 1 : e) {
		e = strchr(s, '|');
		if (e == NULL)
			e = s + strlen(s);
		while (s < e && *s == ' ')
			s++;
		n = e - s;
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (n > 0)
			plan_text_add(plan_texts_new(&t->strategy), "%.*s", (int)n, s);
	}
	if (r == plan_symbols_rule())
		plan_symbols_evidence(pl, t);
	else if (r == plan_lost_rule())
		plan_lost_evidence(pl, t);
	else if (r->category == RULES_LOCKING && strcmp(r->id, "lock-contention") == 0 &&
	    pl->u.type != UNIT_TYPE_LOCK && pl->u.type != UNIT_TYPE_BLOCK)
		plan_lock_evidence(pl, t, a->waited);
}

static void
task_free(struct plan_task *t)
{
	plan_text_free(&t->title);
	free(t->site);
	free(t->what);
	free(t->location);
	free(t->file);
	plan_texts_free(&t->evidence);
	plan_texts_free(&t->strategy);
	plan_strs_free(&t->verify);
	plan_strs_free(&t->quote);
}

int
plan_task_cmp(const void *a, const void *b)
{
	const struct plan_task *x = a, *y = b;
	int c;

	if (x->gain != y->gain)
		return x->gain > y->gain ? -1 : 1;
	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	if ((c = plan_text_cmp(&x->title, &y->title)) != 0)
		return c;
	return strcmp(x->location, y->location);
}

static void
sort_tasks(struct plan *pl)
{
	const double min = pl->opts->min_gain;

	if (pl->ntasks > 1)
		qsort(pl->tasks, pl->ntasks, sizeof(*pl->tasks), plan_task_cmp);
	/* Compared as shown, in tenths of a percent. */
	for (pl->nshown = 0; pl->nshown < pl->ntasks; pl->nshown++)
		if (round(pl->tasks[pl->nshown].gain * 1000) < round(min * 1000) - 1e-9)
			break;
}

static struct plan_task *
new_task(struct plan *pl)
{
	pl->tasks = xreallocarray(pl->tasks, pl->ntasks + 1, sizeof(*pl->tasks));
	memset(&pl->tasks[pl->ntasks], 0, sizeof(*pl->tasks));
	return &pl->tasks[pl->ntasks++];
}

/* The build task, and the facts of the binary. */
static void
static_facts(struct plan *pl, count_t own)
{
	const struct elfacts *e = pl->opts->elf;
	const char *base, *producer;
	struct plan_task *t;
	struct plan_text *x;

	if (e == NULL) {
		x = plan_texts_new(&pl->lacks);
		if (pl->opts->binary_why != NULL) {
			plan_text_add(x, "No static facts: the profiled program, ");
			plan_text_code(x, "%s", pl->opts->binary);
			plan_text_add(x, ", cannot be read: %s.", pl->opts->binary_why);
		} else
			plan_text_add(x, "No binary was given (--binary) nor named by the "
			    "profile's metadata: the plan has no static facts (optimisation level, "
			    "debug information, symbols, frame pointers).");
		return;
	}
	base = strrchr(e->path, '/') ? strrchr(e->path, '/') + 1 : e->path;
	producer = e->producer ? e->producer : "?";
	x = plan_texts_new(&pl->facts);
	plan_text_add(x, "Binary: ");
	plan_text_code(x, "%s", e->path);
	plan_text_add(x, "%s.", e->pie == 1 ? ", a position-independent executable (PIE)" :
	    e->pie == 0 ? ", a position-dependent executable" : "");
	if (e->opt >= 0) {
		x = plan_texts_new(&pl->facts);
		plan_text_add(x, "Optimisation: %s (the lowest of the %zu compile units of "
		    "the program's own code); producer: ", elfacts_opt_name(e->opt), e->units);
		plan_text_code(x, "%s", producer);
		plan_text_add(x, ".");
	} else if (e->units > 0) {
		x = plan_texts_new(&pl->facts);
		plan_text_add(x, "Optimisation: unknown: the producer (");
		plan_text_code(x, "%s", producer);
		plan_text_add(x, ") does not record the options (clang: build with "
		    "-grecord-command-line).");
	}
	if (e->debug) {
		x = plan_texts_new(&pl->facts);
		plan_text_add(x, "Debug information: present");
		if (e->debug_file) {
			plan_text_add(x, " in ");
			plan_text_code(x, "%s", e->debug_file);
		}
		plan_text_add(x, ".");
	} else {
		plan_text_add(plan_texts_new(&pl->facts), "Debug information: none.");
		x = plan_texts_new(&pl->lacks);
		plan_text_code(x, "%s", base);
		plan_text_add(x, " has no debug information: the profile has no source lines, "
		    "so tasks cannot name the hot lines nor quote the source, and the build "
		    "options are unknown.  Build with -g (it does not slow the code).");
	}
	plan_text_add(plan_texts_new(&pl->facts), "Symbols: %s (%zu functions named).",
	    e->stripped ? "stripped, only the dynamic symbols are left" : "present", e->nfuncs);
	if (e->stripped) {
		x = plan_texts_new(&pl->lacks);
		plan_text_code(x, "%s", base);
		plan_text_add(x, " is stripped: the functions it does not export have no names, "
		    "so their cost shows as ");
		plan_text_code(x, "[%s]", base);
		plan_text_add(x, " and cannot be planned function by function (%.1f%% of the %s "
		    "are in unnamed code).  Profile an unstripped build, or keep the symbols in a "
		    "debug file (objcopy --only-keep-debug).", 100 * share(pl, pl->unnamed),
		    pl->noun);
	}
	plan_text_add(plan_texts_new(&pl->facts), "Frame pointers: %s.",
	    e->framepointers == 1 ? "yes" : e->framepointers == 0 ? "no (perf record "
	    "--call-graph fp would give broken stacks; prof-record unwinds with DWARF call "
	    "frame information)" : "unknown");

	if (e->opt != 0 || own == 0)
		return;
	t = new_task(pl);
	t->category = RULES_BUILD;
	t->site = xstrdup("");
	t->what = xstrdup("");
	t->count = own;
	t->share = share(pl, own);
	t->speedup = PLAN_BUILD_SPEEDUP;
	t->gain = plan_gain(t->share, t->speedup);
	t->priority = plan_priority(t->gain);
	t->location = xstrdup(e->path);
	plan_text_add(&t->title, "Build %s with optimisation: its code runs at -O0", base);
	x = plan_texts_new(&t->evidence);
	plan_text_add(x, "%.1f%% of the %s are computation in the functions of ",
	    100 * t->share, pl->noun);
	plan_text_code(x, "%s", base);
	plan_text_add(x, " itself");
	x = plan_texts_new(&t->evidence);
	plan_text_add(x, "%zu of its %zu compile units were built without optimisation: ",
	    e->units_noopt, e->units);
	plan_text_code(x, "%s", producer);
	for (size_t i = 0; i < e->nnoopt_names; i++) {
		x = plan_texts_new(&t->evidence);
		plan_text_add(x, "Unit without optimisation: ");
		plan_text_code(x, "%s", e->noopt_names[i]);
	}
	plan_text_add(plan_texts_new(&t->strategy), "Build with -O2 (keep -g for the line "
	    "numbers): CFLAGS='-O2 -g'");
	plan_text_add(plan_texts_new(&t->strategy), "Check that every unit gets the flags (the "
	    "build system may override CFLAGS)");
	plan_text_add(plan_texts_new(&t->strategy), "Then profile again: the other tasks' shares "
	    "change once the code is optimised");
}

static int
func_cmp(const void *a, const void *b)
{
	const struct plan_func *x = a, *y = b;

	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
top_consumers(struct plan *pl, struct stacktable *tab)
{
	struct top_opts to = { .granularity = TOP_FUNCTION };
	struct top *tp = top_build(tab, 0, &to);
	struct plan_func *v = xcalloc(tp->n + 1, sizeof(*v));

	for (size_t i = 0; i < tp->n; i++) {
		v[i].name = clean(tp->rows[i].name, tp->rows[i].len);
		v[i].self = tp->rows[i].flat[0];
		v[i].total = tp->rows[i].cum[0];
	}
	qsort(v, tp->n, sizeof(*v), func_cmp);
	pl->nfuncs = tp->n < PLAN_TOP_FUNCS ? tp->n : PLAN_TOP_FUNCS;
	for (size_t i = pl->nfuncs; i < tp->n; i++)
		free(v[i].name);
	pl->funcs = v;
	top_free(tp);
}

/* What the recording missed (caveat.h): the first of what the plan lacks. */
static void
recording_caveats(struct plan *pl)
{
	struct caveat c;
	struct plan_text *x;

	caveat_read(&c, &pl->meta);
	if (c.kernel_excluded) {
		char *why = xmlsafe_cleandup(c.kernel, strlen(c.kernel), NULL);

		x = plan_texts_new(&pl->lacks);
		plan_text_add(x, "The kernel was not sampled (");
		plan_text_code(x, "%s", why);
		plan_text_add(x, "): the profile has no kernel frames, and the time spent in "
		    "system calls and page faults may be missing from it, so tasks of I/O and "
		    "memory may be missing or ranked too low.  Record as root, with CAP_PERFMON "
		    "or with kernel.perf_event_paranoid=1, and without --user-only.");
		free(why);
	}
	if (c.lost > 0) {
		x = plan_texts_new(&pl->lacks);
		if (c.samples_known)
			plan_text_add(x, "The kernel dropped %llu of %llu samples (%.1f%%) while "
			    "recording: ", c.lost, c.lost + c.samples, caveat_lost_pct(&c));
		else
			plan_text_add(x, "The kernel dropped %llu samples while recording: ", c.lost);
		plan_text_add(x, "the shares are those of the samples kept.  Record at a lower "
		    "frequency (-F) or with a smaller --stack-size, so that none is lost.");
	}
}

void
plan_build(struct plan *pl, struct stacktable *tab, const struct meta *meta,
    const struct plan_opts *o)
{
	struct builder b = { .pl = pl };
	struct stacktable_entry **ents;
	struct acc *a, *tmp;
	struct cnt **paths;
	size_t n;

	pl->opts = o;
	meta_update(&pl->meta, meta);
	pl->unit = meta_get(&pl->meta, "unit") ? meta_get(&pl->meta, "unit") : "samples";
	unit_from_meta(&pl->meta, &pl->u);
	unit_measure(&pl->u, pl->measure);
	pl->noun = pl->measure[0] != '\0' ? pl->measure : pl->unit;
	pl->total = tab->total[0];
	pl->threads = 1;
	recording_caveats(pl);

	/* Sorted, so that ties in what is kept (the heaviest path) do not
	 * depend on the hash's order. */
	ents = stacktable_sorted(tab, &n);
	for (size_t i = 0; i < n; i++)
		if (ents[i]->n[0] > 0)
			add_stack(&b, ents[i]->key, ents[i]->len, ents[i]->n[0]);
	free(ents);

	HASH_ITER(hh, b.accs, a, tmp) {
		struct plan_task *t = new_task(pl);

		task_from(pl, t, a);
		pl->category[t->category] += t->count;
		HASH_DEL(b.accs, a);
		cnt_free(&a->locs);
		cnt_free(&a->whats);
		cnt_free(&a->paths);
		free(a->site);
		free(a);
	}
	paths = xcalloc(PLAN_TOP_PATHS, sizeof(*paths));
	pl->npaths = cnt_top(b.paths, paths, PLAN_TOP_PATHS);
	pl->paths = xcalloc(pl->npaths + 1, sizeof(*pl->paths));
	for (size_t i = 0; i < pl->npaths; i++) {
		pl->paths[i].path = path_show(paths[i]->key);
		pl->paths[i].count = paths[i]->n;
	}
	free(paths);
	cnt_free(&b.paths);
	free(b.fr.p);
	free(b.fr.raw);
	free(b.fr.rawlen);
	free(b.buf);
	free(b.key);
	free(b.akey);
	for (size_t k = 0; k < sizeof(b.seen) / sizeof(b.seen[0]); k++) {
		struct seen *e, *etmp;

		HASH_ITER(hh, b.seen[k], e, etmp) {
			HASH_DEL(b.seen[k], e);
			free(e);
		}
	}

	top_consumers(pl, tab);
	static_facts(pl, b.own);
	/* A little unnamed code is normal (PLT stubs); much is a stripped
	 * file that was not given with --binary. */
	if (share(pl, pl->unnamed) >= plan_unnamed_share && (o->elf == NULL || !o->elf->stripped)) {
		struct plan_text *x = plan_texts_new(&pl->lacks);

		plan_text_add(x, "%.1f%% of the %s are in code without names (frames ",
		    100 * share(pl, pl->unnamed), pl->noun);
		plan_text_code(x, "[FILE]");
		plan_text_add(x, ": a mapped file without symbols): that cost cannot be planned "
		    "function by function.  Profile binaries that keep their symbols.");
	}
	if (b.located == 0 && pl->total > 0)
		plan_text_add(plan_texts_new(&pl->lacks), "The profile has no source lines: tasks "
		    "name functions, not lines, and nothing is quoted.  Record with prof-record "
		    "--lines.");
	sort_tasks(pl);
	/* hot computation: what its machine code shows (hotcode.h) */
	hotcode_plan(pl);
	plan_quote(pl);
}

void
plan_add_bench(struct plan *pl, const struct bench_results *r)
{
	pl->bench = r;
}

/* Regressions: functions whose share of the total grew. */
void
plan_add_diff(struct plan *pl, struct stacktable *diff)
{
	struct top_opts to = { .granularity = TOP_FUNCTION };
	struct top *tp = top_build(diff, 1, &to);
	size_t n = 0;

	pl->diff_total[0] = tp->total[0];
	pl->diff_total[1] = tp->total[1];
	pl->regs = xcalloc(tp->n + 1, sizeof(*pl->regs));
	for (size_t i = 0; i < tp->n; i++) {
		double before = top_pct(tp, tp->rows[i].cum[0], 0) / 100;
		double after = top_pct(tp, tp->rows[i].cum[1], 1) / 100;

		if (after - before < plan_growth_min)
			continue;
		pl->regs[n].name = clean(tp->rows[i].name, tp->rows[i].len);
		pl->regs[n].before = before;
		pl->regs[n].after = after;
		n++;
	}
	top_free(tp);
	pl->nregs = n;
	for (size_t i = 1; i < n; i++) {
		/* insertion sort by growth, then name: few rows */
		struct plan_regression x = pl->regs[i];
		size_t j = i;

		while (j > 0 && ((pl->regs[j - 1].after - pl->regs[j - 1].before) <
		    (x.after - x.before) || ((pl->regs[j - 1].after - pl->regs[j - 1].before) ==
		    (x.after - x.before) && strcmp(pl->regs[j - 1].name, x.name) > 0))) {
			pl->regs[j] = pl->regs[j - 1];
			j--;
		}
		pl->regs[j] = x;
	}
	/* A task for each of those that grew most: undoing a growth saves
	 * it, so s is infinite and the gain is the growth. */
	for (size_t i = 0; i < n && i < PLAN_REGRESSIONS; i++) {
		struct plan_regression *g = &pl->regs[i];
		struct plan_task *t = new_task(pl);
		struct frame_parts fp;
		const struct rules_entry *r;
		struct plan_text *x;

		frame_split(g->name, strlen(g->name), &fp);
		r = rules_find(pl->opts->rules, &fp);
		t->regression = 1;
		t->category = r ? r->category : RULES_CPU;
		t->site = xstrdup(g->name);
		t->what = xstrdup("");
		t->share = g->after - g->before;
		t->speedup = INFINITY;
		t->gain = plan_gain(t->share, t->speedup);
		t->priority = plan_priority(t->gain);
		plan_text_add(&t->title, "Regression: %s grew from %.1f%% to %.1f%%", g->name,
		    100 * g->before, 100 * g->after);
		t->location = xstrdup(g->name);
		x = plan_texts_new(&t->evidence);
		plan_text_add(x, "In the differential profile, ");
		plan_text_code(x, "%s", g->name);
		plan_text_add(x, " (with what it calls) went from %.1f%% to %.1f%% of the total: "
		    "%+.1f points", 100 * g->before, 100 * g->after, 100 * (g->after - g->before));
		x = plan_texts_new(&t->strategy);
		plan_text_add(x, "Find the change that made ");
		plan_text_code(x, "%s", g->name);
		plan_text_add(x, " costlier: prof-top --callees on both profiles shows what it "
		    "does more of");
		plan_text_add(plan_texts_new(&t->strategy), "Undo it, or make it pay for itself; "
		    "then gate on it in CI with prof-diff --fail-above");
		if (r != NULL)
			plan_text_add(plan_texts_new(&t->strategy), "It is %s: %s", r->problem,
			    r->advice);
	}
	sort_tasks(pl);
}

void
plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->ntasks; i++)
		task_free(&pl->tasks[i]);
	free(pl->tasks);
	for (size_t i = 0; i < pl->nfuncs; i++)
		free(pl->funcs[i].name);
	free(pl->funcs);
	for (size_t i = 0; i < pl->npaths; i++)
		free(pl->paths[i].path);
	free(pl->paths);
	for (size_t i = 0; i < pl->nregs; i++)
		free(pl->regs[i].name);
	free(pl->regs);
	plan_texts_free(&pl->facts);
	plan_texts_free(&pl->lacks);
	meta_free(&pl->meta);
	/* a plan of several profiles (plan-merge.c) */
	for (size_t i = 0; i < pl->nparts; i++)
		plan_free(&pl->parts[i]);
	free(pl->parts);
	memset(pl, 0, sizeof(*pl));
}
