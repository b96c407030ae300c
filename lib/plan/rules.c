#define _GNU_SOURCE
#include "plan/rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "core/json.h"
#include "core/share.h"
#include "core/util.h"

enum { C_ID, C_CATEGORY, C_MATCH, C_PATTERN, C_SPEEDUP, C_PROBLEM, C_ADVICE,
	C_SOURCE, C_LOOP, C_FINDING, C_STACKS, NCOLS };
/* the first NREQUIRED columns must be in the header */
enum { NREQUIRED = C_SOURCE };

static const char *const colname[NCOLS] = {
	"id", "category", "match", "pattern", "speedup", "problem", "advice",
	"source", "loop", "finding", "stacks",
};

static const char *const catname[] = { "CPU", "memory", "I/O", "locking", "build" };

/* A record of the file being read: a rule, or "off" (only r.id set). */
struct op {
	struct rules_entry r;
	int off, line;
};

struct reader {
	const char *name;
	int line;               /* the line being fed */
	int recline;            /* the line the current record began on */
	int open;               /* a record is still open after the line fed */
	size_t rows;            /* records ended so far */
	size_t patbytes;        /* of the patterns read (RULES_MAX_PATTERNS) */
	char **f;               /* the fields of the current record */
	size_t nf, cap;
	int have_head;
	size_t nhead;
	int col[NCOLS];         /* the field of each column, -1: absent */
	struct op *ops;
	size_t nops, opcap;
	int failed;
};

/*
 * Most frames are the program's own, claimed by no rule, and trying each
 * pattern on a name is a pass over it per rule (glibc's regexec reads the
 * whole string even when the pattern fails at its first byte): some 50
 * passes a frame, 100 us for a long C++ name.
 * So the patterns of each kind are also joined into one alternation that
 * turns such a frame away in one pass (15 to 20 times faster), kept in
 * struct rules and rebuilt whenever its rules change.
 */
static void joined_build(struct rules *rs);

static void
joined_drop(struct rules *rs)
{
	for (int k = 0; k < 3; k++)
		if (rs->joined_ok[k])
			regfree(&rs->joined[k]);
	memset(rs->joined_ok, 0, sizeof(rs->joined_ok));
}

const char *
rules_category_name(int category)
{
	if (category < 0 || category > RULES_BUILD)
		return "?";
	return catname[category];
}

static void
rule_free(struct rules_entry *r)
{
	free(r->id);
	free(r->pattern_text);
	free(r->problem);
	free(r->advice);
	free(r->source_text);
	free(r->finding);
	if (r->pattern_text != NULL && r->match != RULES_OTHER)
		regfree(&r->pattern);
	if (r->source_text != NULL)
		regfree(&r->source);
	memset(r, 0, sizeof(*r));
}

static int
fail(struct reader *c, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn("%s:%d: %s", c->name, line, msg);
	c->failed = 1;
	return -1;
}

static void
on_field(void *s, size_t len, void *data)
{
	struct reader *c = data;

	if (c->failed)
		return;
	if (memchr(s, '\0', len) != NULL) {
		fail(c, c->line, "CSV: a NUL byte in a field");
		return;
	}
	if (c->nf == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->f = xreallocarray(c->f, c->cap, sizeof(*c->f));
	}
	c->f[c->nf++] = xmemdup(s, len);
}

static int
read_header(struct reader *c)
{
	size_t known = 0;

	for (size_t k = 0; k < NCOLS; k++)
		c->col[k] = -1;
	for (size_t j = 0; j < c->nf; j++)
		for (size_t k = 0; k < NCOLS; k++)
			if (strcmp(c->f[j], colname[k]) == 0)
				known++;
	if (known == 0)
		return fail(c, c->recline, "header: not a header record (the first record "
		    "names the columns: id,category,match,pattern,speedup,problem,advice,"
		    "source,loop,finding): %s", c->f[0]);
	for (size_t j = 0; j < c->nf; j++) {
		size_t k;

		for (k = 0; k < NCOLS && strcmp(c->f[j], colname[k]) != 0; k++)
			;
		if (k == NCOLS)
			return fail(c, c->recline, "header: unknown column: %s", c->f[j]);
		if (c->col[k] >= 0)
			return fail(c, c->recline, "header: duplicate column: %s", c->f[j]);
		c->col[k] = (int)j;
	}
	for (size_t k = 0; k < NREQUIRED; k++)
		if (c->col[k] < 0)
			return fail(c, c->recline, "header: missing required column: %s", colname[k]);
	c->have_head = 1;
	c->nhead = c->nf;
	return 0;
}

/* The field of column k, "" when the header has no such column. */
static const char *
field(const struct reader *c, int k)
{
	return c->col[k] >= 0 ? c->f[c->col[k]] : "";
}

static int
compile(struct reader *c, regex_t *re, const char *text, const char *col)
{
	int e = regcomp(re, text, REG_EXTENDED | REG_NOSUB);

	if (e != 0) {
		char msg[256];

		regerror(e, re, msg, sizeof(msg));
		regfree(re);
		return fail(c, c->recline, "%s: %s: %s", col, msg, text);
	}
	return 0;
}

static int
parse_category(const char *s)
{
	for (int k = 0; k < RULES_BUILD; k++)
		if (strcasecmp(s, catname[k]) == 0)
			return k;
	return -1;
}

/* enum rules_match, or 4 for "off", -1 when none */
static int
parse_match(const char *s)
{
	static const char *const names[] = { "function", "kernel", "module", "other", "off" };

	for (int k = 0; k < 5; k++)
		if (strcasecmp(s, names[k]) == 0)
			return k;
	return -1;
}

/* The bits of a stacks field ("sleep disk"); RULES_ON_CPU when empty;
 * -1 when a word is none of them. */
static int
parse_stacks(const char *s)
{
	static const struct {
		const char *name;
		int bits;
	} words[] = {
		{ "cpu", RULES_ON_CPU }, { "sleep", RULES_ON_SLEEP }, { "disk", RULES_ON_DISK },
		{ "runnable", RULES_ON_RUNNABLE }, { "offcpu", RULES_ON_OFFCPU }, { "io", RULES_ON_IO },
		{ "wait", RULES_ON_WAIT }, { "alloc", RULES_ON_ALLOC }, { "leak", RULES_ON_LEAK },
		{ "threads", RULES_ON_THREADS },
	};
	int bits = 0;

	while (*s != '\0') {
		size_t n, k;

		s += strspn(s, " ");
		if ((n = strcspn(s, " ")) == 0)
			break;
		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strlen(words[k].name) == n && strncasecmp(s, words[k].name, n) == 0)
				break;
		if (k == sizeof(words) / sizeof(words[0]))
			return -1;
		bits |= words[k].bits;
		s += n;
	}
	return bits ? bits : RULES_ON_CPU;
}

static const struct op *
find_op(const struct reader *c, const char *id)
{
	for (size_t i = 0; i < c->nops; i++)
		if (strcmp(c->ops[i].r.id, id) == 0)
			return &c->ops[i];
	return NULL;
}

static const struct op *
find_other_op(const struct reader *c)
{
	for (size_t i = 0; i < c->nops; i++)
		if (!c->ops[i].off && c->ops[i].r.match == RULES_OTHER)
			return &c->ops[i];
	return NULL;
}

static int
read_rule(struct reader *c)
{
	const char *id = field(c, C_ID), *pattern = field(c, C_PATTERN);
	const char *source = field(c, C_SOURCE), *loop = field(c, C_LOOP);
	const char *speedup = field(c, C_SPEEDUP);
	const struct op *prev;
	struct op op = { .line = c->recline };
	struct rules_entry *r = &op.r;
	int match;

	if (c->nf != c->nhead)
		return fail(c, c->recline, "record: wrong number of fields (the header has %zu): %zu",
		    c->nhead, c->nf);
	if (*id == '\0')
		return fail(c, c->recline, "id: empty");
	if (c->nops >= RULES_MAX)
		return fail(c, c->recline, "record: more than %d rules in one file", RULES_MAX);
	if (strlen(pattern) > RULES_MAX_PATTERN)
		return fail(c, c->recline, "pattern: longer than %d bytes: %zu", RULES_MAX_PATTERN,
		    strlen(pattern));
	if (strlen(source) > RULES_MAX_PATTERN)
		return fail(c, c->recline, "source: longer than %d bytes: %zu", RULES_MAX_PATTERN,
		    strlen(source));
	if ((c->patbytes += strlen(pattern) + strlen(source)) > RULES_MAX_PATTERNS)
		return fail(c, c->recline, "pattern: the file's patterns pass %d bytes in all",
		    RULES_MAX_PATTERNS);
	if ((prev = find_op(c, id)) != NULL)
		return fail(c, c->recline, "id: a second record with this id (the first is on line %d): %s",
		    prev->line, id);
	if ((match = parse_match(field(c, C_MATCH))) < 0)
		return fail(c, c->recline, "match: not function, kernel, module, other or off: %s",
		    field(c, C_MATCH));
	if (match == 4) {
		op.off = 1;
		r->id = xstrdup(id);
		goto add;
	}
	r->match = match;
	if ((r->category = parse_category(field(c, C_CATEGORY))) < 0)
		return fail(c, c->recline, "category: not CPU, memory, I/O or locking: %s",
		    field(c, C_CATEGORY));
	if (match == RULES_OTHER && (prev = find_other_op(c)) != NULL)
		return fail(c, c->recline, "match: a second \"other\" rule (the first is %s, on line %d): %s",
		    prev->r.id, prev->line, id);
	if (match == RULES_OTHER && *pattern != '\0')
		return fail(c, c->recline, "pattern: not empty, but the match is other: %s", pattern);
	if (match != RULES_OTHER && *pattern == '\0')
		return fail(c, c->recline, "pattern: empty, but the match is %s", field(c, C_MATCH));
	if (json_decimal(speedup, strlen(speedup), &r->speedup) < 0 ||
	    !(r->speedup > 1 && r->speedup <= 1000))
		return fail(c, c->recline, "speedup: not a number > 1 and <= 1000: %s", speedup);
	if (*field(c, C_PROBLEM) == '\0')
		return fail(c, c->recline, "problem: empty");
	if (*field(c, C_ADVICE) == '\0')
		return fail(c, c->recline, "advice: empty");
	if (strcasecmp(loop, "yes") == 0)
		r->loop = 1;
	else if (*loop != '\0' && strcasecmp(loop, "no") != 0)
		return fail(c, c->recline, "loop: not yes, no or empty: %s", loop);
	if (r->loop && *source == '\0')
		return fail(c, c->recline, "loop: yes, but there is no source pattern for it: %s", loop);
	if ((r->stacks = parse_stacks(field(c, C_STACKS))) < 0)
		return fail(c, c->recline, "stacks: not cpu, sleep, disk, runnable, offcpu or io: %s",
		    field(c, C_STACKS));
	if (match != RULES_OTHER && compile(c, &r->pattern, pattern, "pattern") < 0)
		return -1;
	if (*source != '\0' && compile(c, &r->source, source, "source") < 0) {
		if (match != RULES_OTHER)
			regfree(&r->pattern);
		return -1;
	}
	r->id = xstrdup(id);
	r->pattern_text = xstrdup(pattern);
	r->problem = xstrdup(field(c, C_PROBLEM));
	r->advice = xstrdup(field(c, C_ADVICE));
	r->source_text = *source != '\0' ? xstrdup(source) : NULL;
	r->finding = xstrdup(field(c, C_FINDING));
add:
	if (c->nops == c->opcap) {
		c->opcap = c->opcap ? 2 * c->opcap : 16;
		c->ops = xreallocarray(c->ops, c->opcap, sizeof(*c->ops));
	}
	c->ops[c->nops++] = op;
	return 0;
}

static void
on_record(int term, void *data)
{
	struct reader *c = data;
	size_t j;

	(void)term;
	c->rows++;
	for (j = 0; j < c->nf && c->f[j][0] == '\0'; j++)
		;
	/* a blank record (spaces, or only commas) says nothing */
	if (!c->failed && j < c->nf) {
		if (!c->have_head)
			read_header(c);
		else
			read_rule(c);
	}
	for (j = 0; j < c->nf; j++)
		free(c->f[j]);
	c->nf = 0;
}

static int
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Reads the records of text into c->ops; 0, or -1 after a message. */
static int
read_records(struct reader *c, const char *text, size_t len)
{
	struct csv_parser p;
	const char *end = text + len;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		die("out of memory");
	/* a byte order mark (from an editor) is not the text's */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	/* fed a line at a time, so that a record knows the line it began on */
	for (const char *q = text, *nl; q < end && !c->failed; q = nl) {
		size_t rows = c->rows;

		nl = memchr(q, '\n', (size_t)(end - q));
		nl = nl != NULL ? nl + 1 : end;
		c->line++;
		if (!c->open)
			c->recline = c->line;
		if (csv_parse(&p, q, (size_t)(nl - q), on_field, on_record, c) != (size_t)(nl - q)) {
			fail(c, c->line, "CSV: %s", csv_strerror(csv_error(&p)));
			break;
		}
		/* libcsv ends a record at its newline, so one that did not end
		 * here goes on over the next line */
		if (c->rows == rows)
			c->open = c->open || !blank(q, (size_t)(nl - q));
		else
			c->open = 0;
	}
	if (!c->failed && csv_fini(&p, on_field, on_record, c) != 0)
		fail(c, c->recline, "CSV: a quoted field without its closing quote");
	csv_free(&p);
	for (size_t j = 0; j < c->nf; j++)
		free(c->f[j]);
	free(c->f);
	c->f = NULL;
	c->nf = 0;
	if (!c->failed && !c->have_head)
		fail(c, 1, "header: missing (the file has no records)");
	return c->failed ? -1 : 0;
}

static long
find_rule(const struct rules *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return (long)i;
	return -1;
}

/*
 * The rules of rs with c's over them, into out: c's new rules first, then
 * rs's, replaced in place or removed.  Nothing is freed; -1 after a
 * message when the result would break an invariant.
 */
static int
merge(struct reader *c, const struct rules *rs, struct rules *out)
{
	const struct op *fallback = NULL;
	const struct rules_entry *other = NULL;

	out->cap = rs->n + c->nops;
	out->v = xreallocarray(NULL, out->cap, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < c->nops; i++) {
		const struct op *o = &c->ops[i];

		if (o->off && find_rule(rs, o->r.id) < 0)
			return fail(c, o->line, "id: no rule with this id to turn off: %s", o->r.id);
		if (!o->off && find_rule(rs, o->r.id) < 0)
			out->v[out->n++] = o->r;
		if (!o->off && o->r.match == RULES_OTHER)
			fallback = o;
	}
	for (size_t i = 0; i < rs->n; i++) {
		const struct op *o = find_op(c, rs->v[i].id);

		if (o == NULL)
			out->v[out->n++] = rs->v[i];
		else if (!o->off)
			out->v[out->n++] = o->r;
	}
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].match == RULES_OTHER && other == NULL)
			other = &out->v[i];
		else if (out->v[i].match == RULES_OTHER && fallback != NULL)
			return fail(c, fallback->line, "match: a second \"other\" rule (%s is one "
			    "already; replace it by its id, or turn it off): %s",
			    strcmp(other->id, fallback->r.id) == 0 ? out->v[i].id : other->id,
			    fallback->r.id);
	return 0;
}

int
rules_parse(struct rules *rs, const char *text, size_t len, const char *name)
{
	struct reader c = { .name = name };
	struct rules out = { 0 };
	int ret = -1;

	if (read_records(&c, text, len) == 0 && merge(&c, rs, &out) == 0) {
		for (size_t i = 0; i < rs->n; i++)
			if (find_op(&c, rs->v[i].id) != NULL)
				rule_free(&rs->v[i]);
		for (size_t i = 0; i < c.nops; i++)
			if (c.ops[i].off)
				rule_free(&c.ops[i].r);
		free(rs->v);
		joined_drop(rs);
		*rs = out;
		joined_build(rs);
		ret = 0;
	} else {
		for (size_t i = 0; i < c.nops; i++)
			rule_free(&c.ops[i].r);
		free(out.v);
	}
	free(c.ops);
	return ret;
}

int
rules_read(struct rules *rs, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	int ret;

	if (fp == NULL) {
		warn("%s: cannot open:", path);
		return -1;
	}
	do {
		if (cap - n < 16384) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp)) {
		warn("%s: read error:", path);
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	ret = rules_parse(rs, buf, n, path);
	free(buf);
	return ret;
}

void
rules_builtin(struct rules *rs)
{
	if (rules_parse(rs, share_rules_csv, strlen(share_rules_csv), "share/prof/rules.csv") < 0)
		die("the built-in rule catalog is broken");
}

/* s[0..n) as a C string (any bytes; a NUL ends what regexec sees), in
 * buf when it fits. */
static char *
cstr(char *buf, size_t size, const char *s, size_t n)
{
	char *t = n < size ? buf : xmalloc(n + 1);

	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

static int
matches(const regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}

/*
 * Whether the ERE re means the same inside an alternation of
 * parenthesised patterns: its parentheses pair up (outside bracket
 * expressions and escapes; glibc takes a ')' without its '(' as an
 * ordinary character, and "(a)|b)" would not be "a)|b"), and it has no
 * back-reference (glibc's extension), whose number would change.
 */
static int
joinable(const char *re)
{
	int depth = 0;

	for (const char *s = re; *s != '\0'; s++) {
		if (*s == '\\' && s[1] >= '0' && s[1] <= '9') {
			return 0;
		} else if (*s == '\\' && s[1] != '\0') {
			s++;
		} else if (*s == '[') {
			s += s[1] == '^' ? 2 : 1;
			if (*s == ']')
				s++;
			for (; *s != '\0' && *s != ']'; s++)
				if (*s == '[' && (s[1] == ':' || s[1] == '.' || s[1] == '=')) {
					const char *e = strchr(s + 2, s[1]);

					while (e != NULL && e[1] != ']')
						e = strchr(e + 1, s[1]);
					if (e == NULL)
						return 0;
					s = e + 1;
				}
			if (*s == '\0')
				return 0;
		} else if (*s == '(') {
			depth++;
		} else if (*s == ')' && --depth < 0) {
			return 0;
		}
	}
	return depth == 0;
}

static size_t
count_kind(const struct rules *rs, int k)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++)
		n += rs->v[i].match == k;
	return n;
}

static void
joined_build(struct rules *rs)
{
	joined_drop(rs);
	for (int k = RULES_FUNCTION; k <= RULES_MODULE; k++) {
		size_t len = 0, nrules = 0;
		char *all, *t;

		for (size_t i = 0; i < rs->n; i++)
			if (rs->v[i].match == k) {
				if (!joinable(rs->v[i].pattern_text))
					break;
				len += strlen(rs->v[i].pattern_text) + 3;
				nrules++;
			}
		/* none to join, or one that cannot be, or too many (glibc's
		 * regcomp grows faster than the pattern): each is tried alone */
		if (nrules == 0 || nrules != count_kind(rs, k) || len > RULES_JOIN_MAX)
			continue;
		t = all = xmalloc(len + 1);
		for (size_t i = 0; i < rs->n; i++)
			if (rs->v[i].match == k)
				t += sprintf(t, "%s(%s)", t == all ? "" : "|", rs->v[i].pattern_text);
		rs->joined_ok[k] = regcomp(&rs->joined[k], all, REG_EXTENDED | REG_NOSUB) == 0;
		free(all);
	}
}

/* Whether some rule of kind k may match s. */
static int
may_match(const struct rules *rs, int k, const char *s)
{
	return !rs->joined_ok[k] || matches(&rs->joined[k], s);
}

void
rules_builtin_waits(struct rules *rs)
{
	if (rules_parse(rs, share_waits_csv, strlen(share_waits_csv), "share/prof/waits.csv") < 0)
		die("the built-in catalog of waits is broken");
}

const struct rules_entry *
rules_find(const struct rules *rs, const struct frame_parts *p)
{
	return rules_find_in(rs, p, RULES_ON_CPU);
}

const struct rules_entry *
rules_find_in(const struct rules *rs, const struct frame_parts *p, int stacks)
{
	int kernel = frame_annotation(p) == 'k', byname, bymodule;
	const char *mod = p->module;
	size_t modlen = p->module_len;
	char namebuf[512], modbuf[256], *name, *module;
	const struct rules_entry *found = NULL;

	/* a frame of a file mapped without symbols is named "[FILE]" */
	if (modlen == 0 && p->name_len >= 2 && p->name[0] == '[' && p->name[p->name_len - 1] == ']') {
		mod = p->name + 1;
		modlen = p->name_len - 2;
	}
	name = cstr(namebuf, sizeof(namebuf), p->name, p->name_len);
	module = cstr(modbuf, sizeof(modbuf), mod, modlen);
	byname = may_match(rs, kernel ? RULES_KERNEL : RULES_FUNCTION, name);
	bymodule = modlen > 0 && may_match(rs, RULES_MODULE, module);
	for (size_t i = 0; i < rs->n && found == NULL && (byname || bymodule); i++) {
		const struct rules_entry *r = &rs->v[i];

		if (!(r->stacks & stacks))
			continue;
		if (r->match == RULES_FUNCTION || r->match == RULES_KERNEL) {
			if (byname && kernel == (r->match == RULES_KERNEL) && matches(&r->pattern, name))
				found = r;
		} else if (r->match == RULES_MODULE) {
			if (bymodule && matches(&r->pattern, module))
				found = r;
		}
	}
	if (name != namebuf)
		free(name);
	if (module != modbuf)
		free(module);
	return found;
}

const struct rules_entry *
rules_other(const struct rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].match == RULES_OTHER)
			return &rs->v[i];
	return NULL;
}

static int
is_word(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_';
}

/*
 * Whether the line has a for, while or do as a word, outside string and
 * character literals and comments that begin on the line ("wait for it"
 * in a comment is not a loop).
 */
static int
has_loop(const char *s)
{
	while (*s != '\0') {
		if (*s == '"' || *s == '\'') {
			char q = *s++;

			while (*s != '\0' && *s != q)
				s += s[0] == '\\' && s[1] != '\0' ? 2 : 1;
			if (*s != '\0')
				s++;
		} else if (s[0] == '/' && s[1] == '/') {
			return 0;
		} else if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			if (e == NULL)
				return 0;
			s = e + 2;
		} else if (is_word(*s)) {
			const char *w = s;
			size_t n;

			while (is_word(*s))
				s++;
			n = (size_t)(s - w);
			if ((n == 3 && memcmp(w, "for", 3) == 0) ||
			    (n == 5 && memcmp(w, "while", 5) == 0) ||
			    (n == 2 && memcmp(w, "do", 2) == 0))
				return 1;
		} else {
			s++;
		}
	}
	return 0;
}

int
rules_confirm(const struct rules_entry *r, char *const lines[], size_t n, size_t hot)
{
	if (r->source_text == NULL || hot >= n || lines[hot] == NULL)
		return 0;
	if (regexec(&r->source, lines[hot], 0, NULL, 0) != 0)
		return 0;
	if (!r->loop)
		return 1;
	for (size_t i = hot >= 5 ? hot - 5 : 0; i <= hot; i++)
		if (lines[i] != NULL && has_loop(lines[i]))
			return 1;
	return 0;
}

void
rules_free(struct rules *rs)
{
	joined_drop(rs);
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
}
