#include "folded/unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int kind;
} kinds[] = {
	{ "samples", UNIT_SAMPLES }, { "nanoseconds", UNIT_NS }, { "ns", UNIT_NS },
	{ "bytes", UNIT_BYTES }, { "objects", UNIT_OBJECTS }, { "threads", UNIT_THREADS },
	{ "calls", UNIT_CALLS },
};

static const struct {
	const char *name;
	int type;
} types[] = {
	{ "cpu", UNIT_TYPE_CPU }, { "wall", UNIT_TYPE_WALL }, { "offcpu", UNIT_TYPE_OFFCPU },
	{ "io", UNIT_TYPE_IO }, { "memory", UNIT_TYPE_MEMORY }, { "lock", UNIT_TYPE_LOCK },
	{ "block", UNIT_TYPE_BLOCK }, { "threadcreate", UNIT_TYPE_THREADCREATE },
};

/* A memory profile's views (prof-record --view), and what they measure. */
static const struct {
	const char *view, *measure;
} views[] = {
	{ "alloc-space", "bytes allocated" }, { "alloc-objects", "allocations" },
	{ "inuse-space", "bytes not freed" }, { "inuse-objects", "blocks not freed" },
	{ "peak", "bytes live at the peak" },
};

static const char *const states[] = { NULL, "sleep", "disk", "runnable" };

/*
 * Parses "NUMBER UNIT" (spaces optional) where UNIT is one of units[];
 * returns the number times the unit's factor, or 0 when s is not so.
 */
static double
parse_quantity(const char *s, const char *const *units, const double *factors)
{
	count_t c;
	size_t n = 0;
	int st;

	while (*s == ' ' || *s == '\t')
		s++;
	while ((unsigned)(s[n] - '0') <= 9 || s[n] == '.')
		n++;
	st = count_parse(s, n, &c);
	if (st != COUNT_OK && st != COUNT_ROUNDED)
		return 0;
	s += n;
	while (*s == ' ' || *s == '\t')
		s++;
	for (size_t i = 0; units[i] != NULL; i++) {
		size_t k = strlen(units[i]);
		if (strncmp(s, units[i], k) == 0 && strspn(s + k, " \t") == strlen(s + k))
			return count_double(c) * factors[i];
	}
	return 0;
}

void
unit_from_meta(const struct meta *m, struct unit *u)
{
	static const char *const time_units[] = { "ns", "us", "ms", "s", NULL };
	static const double time_factors[] = { 1, 1e3, 1e6, 1e9 };
	static const char *const hz_units[] = { "Hz", NULL };
	static const double hz_factors[] = { 1 };
	const char *name = m ? meta_get(m, "unit") : NULL, *v;
	double freq;

	u->kind = UNIT_SAMPLES;
	u->name = "samples";
	u->period_ns = 0;
	u->type_name = m ? meta_get(m, "type") : NULL;
	u->view = m ? meta_get(m, "view") : NULL;
	u->type = u->type_name ? UNIT_TYPE_OTHER : UNIT_TYPE_NONE;
	for (size_t i = 0; u->type_name && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(u->type_name, types[i].name) == 0)
			u->type = types[i].type;
	if (name != NULL) {
		u->kind = UNIT_OTHER;
		u->name = name;
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strcmp(name, kinds[i].name) == 0)
				u->kind = kinds[i].kind;
	}
	if (u->kind != UNIT_SAMPLES || m == NULL)
		return;
	if ((v = meta_get(m, "period")) != NULL)
		u->period_ns = parse_quantity(v, time_units, time_factors);
	if (u->period_ns == 0 && (v = meta_get(m, "frequency")) != NULL &&
	    (freq = parse_quantity(v, hz_units, hz_factors)) > 0)
		u->period_ns = 1e9 / freq;
}

/* Removes the zeros that end the decimals of buf, and a bare point. */
static size_t
trim_zeros(char *buf)
{
	size_t n = strlen(buf);

	if (strchr(buf, '.') == NULL)
		return n;
	while (buf[n - 1] == '0')
		n--;
	if (buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	return n;
}

/* Writes x > 0 with 3 significant digits at most and no trailing zeros;
 * returns x as written. */
static double
sig3(double x, char *buf, size_t sz)
{
	int decimals = 0;

	if (x < 1000) {
		decimals = 2 - (int)floor(log10(x));
		if (decimals < 0)
			decimals = 0;
	}
	snprintf(buf, sz, "%.*f", decimals, x);
	trim_zeros(buf);
	return strtod(buf, NULL);
}

/* Writes x > 0 in the first of the units (each base times the one before
 * it) where it shows below 1000, or in the last. */
static size_t
scaled(double x, double base, const char *const *units, char buf[UNIT_BUFSZ])
{
	char num[UNIT_BUFSZ - 8];
	size_t i = 0;

	while (sig3(x, num, sizeof(num)) >= 1000 && units[i + 1] != NULL) {
		x /= base;
		i++;
	}
	snprintf(buf, UNIT_BUFSZ, "%s%s", num, units[i]);
	return strlen(buf);
}

static size_t
show_time(double ns, char buf[UNIT_BUFSZ])
{
	static const char *const units[] = { "ns", "us", "ms", "s", NULL };

	return scaled(ns, 1000, units, buf);
}

size_t
unit_show(const struct unit *u, count_t c, char buf[UNIT_BUFSZ])
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB", NULL };
	double x = count_double(c);
	size_t n;

	if (c == 0) {
		buf[0] = '0';
		buf[1] = '\0';
		return 1;
	}
	if (u->kind == UNIT_NS)
		return show_time(x, buf);
	if (u->kind == UNIT_SAMPLES && u->period_ns > 0)
		return show_time(x * u->period_ns, buf);
	if (u->kind == UNIT_BYTES)
		return scaled(x, 1024, bytes, buf);
	if (c % COUNT_ONE == 0) {
		char tmp[COUNT_BUFSZ];
		n = count_format(c, tmp);
		memcpy(buf, tmp, n + 1);
		return n;
	}
	snprintf(buf, UNIT_BUFSZ, "%.2f", x);
	return trim_zeros(buf);
}

size_t
unit_show_delta(const struct unit *u, count_t a, count_t b, char buf[UNIT_BUFSZ])
{
	char t[UNIT_BUFSZ];

	if (a == b) {
		buf[0] = '0';
		buf[1] = '\0';
		return 1;
	}
	unit_show(u, a > b ? a - b : b - a, t);
	snprintf(buf, UNIT_BUFSZ, "%c%.*s", a > b ? '+' : '-', UNIT_BUFSZ - 2, t);
	return strlen(buf);
}

size_t
unit_describe(const struct unit *u, char buf[UNIT_BUFSZ])
{
	char t[UNIT_BUFSZ];

	if (u->kind == UNIT_SAMPLES && u->period_ns > 0) {
		show_time(u->period_ns, t);
		snprintf(buf, UNIT_BUFSZ, "samples of %.*s", UNIT_BUFSZ - 12, t);
	} else
		snprintf(buf, UNIT_BUFSZ, "%s", u->kind == UNIT_NS ? "nanoseconds" : u->name);
	return strlen(buf);
}

size_t
unit_measure(const struct unit *u, char buf[UNIT_BUFSZ])
{
	const char *s = "";
	int time = u->kind == UNIT_NS || (u->kind == UNIT_SAMPLES && u->period_ns > 0);

	if (u->type == UNIT_TYPE_OFFCPU)
		s = time ? "off-CPU time" : "off-CPU";
	else if (u->type == UNIT_TYPE_WALL)
		s = time ? "wall-clock time" : "wall-clock samples";
	else if (u->type == UNIT_TYPE_IO)
		s = time ? "I/O time" : u->kind == UNIT_BYTES ? "I/O bytes" :
		    u->kind == UNIT_CALLS ? "I/O calls" : "I/O";
	else if (u->type == UNIT_TYPE_MEMORY) {
		s = u->kind == UNIT_OBJECTS ? "allocations" : "bytes allocated";
		for (size_t i = 0; u->view && i < sizeof(views) / sizeof(views[0]); i++)
			if (strcmp(u->view, views[i].view) == 0)
				s = views[i].measure;
	} else if (u->type == UNIT_TYPE_LOCK)
		s = "lock wait time";
	else if (u->type == UNIT_TYPE_BLOCK)
		s = "blocked time";
	else if (u->type == UNIT_TYPE_THREADCREATE)
		s = "threads created";
	snprintf(buf, UNIT_BUFSZ, "%s", s);
	return strlen(buf);
}

int
unit_same(const struct unit *a, const struct unit *b)
{
	if (a->kind != b->kind)
		return 0;
	return a->kind != UNIT_OTHER || strcmp(a->name, b->name) == 0;
}

int
unit_has_states(const struct unit *u)
{
	return u->type == UNIT_TYPE_OFFCPU || u->type == UNIT_TYPE_WALL;
}

int
unit_state(const char *frame, size_t len)
{
	for (int i = UNIT_STATE_SLEEP; i <= UNIT_STATE_RUNNABLE; i++) {
		size_t k = strlen(states[i]);
		if (len == k + 2 && frame[0] == '[' && frame[len - 1] == ']' &&
		    memcmp(frame + 1, states[i], k) == 0)
			return i;
	}
	return UNIT_STATE_NONE;
}

const char *
unit_state_name(int state)
{
	return state > UNIT_STATE_NONE && state <= UNIT_STATE_RUNNABLE ? states[state] : NULL;
}
