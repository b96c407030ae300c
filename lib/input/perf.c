#define _GNU_SOURCE
#include "input/perf.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "folded/folded.h"
#include "sym/sym.h"

/* Perl's \s, \d and \w on byte strings (ASCII only), as one table lookup:
 * these tests run on every byte of the input's indentation and addresses. */
enum { C_WS = 1, C_DIGIT = 2, C_WORD = 4 };
#define R10(b, c) [b] = c, [b + 1] = c, [b + 2] = c, [b + 3] = c, [b + 4] = c, \
	[b + 5] = c, [b + 6] = c, [b + 7] = c, [b + 8] = c, [b + 9] = c
static const unsigned char cclass[256] = {
	[' '] = C_WS, ['\t'] = C_WS, ['\r'] = C_WS, ['\n'] = C_WS, ['\f'] = C_WS, ['\v'] = C_WS,
	R10('0', C_DIGIT | C_WORD), ['_'] = C_WORD,
	R10('a', C_WORD), R10('k', C_WORD), ['u'] = C_WORD, ['v'] = C_WORD,
	['w'] = C_WORD, ['x'] = C_WORD, ['y'] = C_WORD, ['z'] = C_WORD,
	R10('A', C_WORD), R10('K', C_WORD), ['U'] = C_WORD, ['V'] = C_WORD,
	['W'] = C_WORD, ['X'] = C_WORD, ['Y'] = C_WORD, ['Z'] = C_WORD,
};
#undef R10

/* Bytes of a function name that the reference's tidying acts on. */
enum { N_DASH = 1, N_PAREN = 2, N_SEMI = 4, N_QUOTE = 8 };
static const unsigned char nclass[256] = {
	['-'] = N_DASH, ['('] = N_PAREN, [';'] = N_SEMI, ['"'] = N_QUOTE, ['\''] = N_QUOTE,
};

static inline int
is_ws(unsigned char c)
{
	return cclass[c] & C_WS;
}

static inline int
is_digit(unsigned char c)
{
	return cclass[c] & C_DIGIT;
}

static inline int
is_word(unsigned char c)
{
	return cclass[c] & C_WORD;
}

static int
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}

struct span {
	const char *p;
	size_t n;
};

struct header {
	struct span comm, pid, tid, event, period;
};

/*
 * The reference's header pattern, by hand: the comm ends at
 * the first run of white space followed by digits, an optional "/digits",
 * and white space.  (Its ".+?" needs two characters; we take one, so that a
 * command named "a" is read.)
 */
static int
match_header(const char *L, size_t n, struct header *h)
{
	if (n == 0 || is_ws((unsigned char)L[0]))
		return 0;
	for (size_t i = 1; i < n; i++) {
		size_t j, d0, d1, t0;

		if (!is_ws((unsigned char)L[i]) || is_ws((unsigned char)L[i - 1]))
			continue;
		for (j = i; j < n && is_ws((unsigned char)L[j]); j++)
			;
		for (d0 = j; j < n && is_digit((unsigned char)L[j]); j++)
			;
		if (j == d0 || j == n)
			continue;
		d1 = j;
		t0 = j;
		if (L[j] == '/') {
			while (j < n && L[j] == '/')
				j++;
			for (t0 = j; j < n && is_digit((unsigned char)L[j]); j++)
				;
		}
		if (j == n || !is_ws((unsigned char)L[j]))
			continue;
		h->comm = (struct span){ L, i };
		/* Without a second number (or with "0" there, Perl's false),
		 * the number is the TID and the PID is unknown. */
		if (j > t0 && !(j - t0 == 1 && L[t0] == '0')) {
			h->pid = (struct span){ L + d0, d1 - d0 };
			h->tid = (struct span){ L + t0, j - t0 };
		} else {
			h->pid = (struct span){ "?", 1 };
			h->tid = (struct span){ L + d0, d1 - d0 };
		}
		return 1;
	}
	return 0;
}

/*
 * The reference's /:\s*(\d+)*\s+(\S+):\s*$/: the line ends in "EVENT:",
 * after "TIME: PERIOD" or "TIME:".
 */
static int
match_event(const char *L, size_t n, struct header *h)
{
	size_t e = n, ts, w, xs, v;

	while (e > 0 && is_ws((unsigned char)L[e - 1]))
		e--;
	if (e < 2 || L[e - 1] != ':')
		return 0;
	for (ts = e - 1; ts > 0 && !is_ws((unsigned char)L[ts - 1]); ts--)
		;
	if (ts == e - 1 || ts == 0)
		return 0;
	for (w = ts; w > 0 && is_ws((unsigned char)L[w - 1]); w--)
		;
	if (w == 0)
		return 0;
	for (xs = w; xs > 0 && !is_ws((unsigned char)L[xs - 1]); xs--)
		;
	/* perf prints no NUL; an event holding one could not be kept as a
	 * C string (the filter) and would not match itself */
	if (memchr(L + ts, '\0', e - 1 - ts) != NULL)
		return 0;
	h->event = (struct span){ L + ts, e - 1 - ts };
	h->period = (struct span){ NULL, 0 };
	if (all_digits(L + xs, w - xs)) {
		if (xs == 0)
			return 0;
		for (v = xs; v > 0 && is_ws((unsigned char)L[v - 1]); v--)
			;
		if (v == 0 || L[v - 1] != ':')
			return 0;
		h->period = (struct span){ L + xs, w - xs };
		return 1;
	}
	const char *c = memrchr(L + xs, ':', w - xs);
	if (c != NULL && all_digits(c + 1, (size_t)(L + w - c - 1))) {
		h->period = (struct span){ c + 1, (size_t)(L + w - c - 1) };
		return 1;
	}
	return L[w - 1] == ':';
}

/*
 * The reference's /^\s*(\w+)\s*(.+) \((.*)\)/ with Perl's backtracking:
 * the module is between the last " (" that has a ')' after it and the last
 * ')'; the address is the word before the function.  The caller may have
 * skipped ws bytes of leading white space already.
 */
static int
match_frame(const char *L, size_t n, size_t ws, struct span *pc, struct span *func, struct span *mod)
{
	size_t pe, S = 0, R, E, start;
	const char *r, *q;

	while (ws < n && is_ws((unsigned char)L[ws]))
		ws++;
	for (pe = ws; pe < n && is_word((unsigned char)L[pe]); pe++)
		;
	if (pe == ws)
		return 0;
	r = memrchr(L, ')', n);
	if (r == NULL)
		return 0;
	R = (size_t)(r - L);
	for (q = L + R;;) {
		q = memrchr(L, '(', (size_t)(q - L));
		if (q == NULL || q == L)
			return 0;
		if (q[-1] == ' ')
			break;
	}
	E = (size_t)(q - L) - 1;
	while (pe + S < n && is_ws((unsigned char)L[pe + S]))
		S++;
	if (E >= 1 + pe) {
		size_t s = E - 1 - pe < S ? E - 1 - pe : S;
		*pc = (struct span){ L + ws, pe - ws };
		start = pe + s;
	} else if (E >= 2 + ws) {
		/* \w+ gives back characters until the function can start. */
		*pc = (struct span){ L + ws, E - 1 - ws };
		start = E - 1;
	} else {
		return 0;
	}
	*func = (struct span){ L + start, E - start };
	*mod = (struct span){ L + E + 2, R - E - 2 };
	return 1;
}

static void
grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	*buf = xrealloc(*buf, c);
	*cap = c;
}

/* Adds n bytes to the group's text and returns them, for the caller to fill. */
static char *
gspace(struct perf_parser *p, size_t n)
{
	grow(&p->gbuf, &p->gcap, p->glen + n);
	p->glen += n;
	return p->gbuf + p->glen - n;
}

static void
gput(struct perf_parser *p, const char *s, size_t n)
{
	memcpy(gspace(p, n), s, n);
}

static void
group_end(struct perf_parser *p)
{
	if (p->ngroups + 2 > p->goffcap) {
		p->goffcap = p->goffcap ? p->goffcap * 2 : 64;
		p->goff = xreallocarray(p->goff, p->goffcap, sizeof(*p->goff));
	}
	p->goff[++p->ngroups] = p->glen;
}

/*
 * Finds needle in s[0..n).  glibc's memmem costs more to set up than the
 * short names searched here take to scan, so find the first byte with
 * memchr and compare the rest.
 */
static const char *
find(const char *s, size_t n, const char *needle, size_t k)
{
	const char *end = s + n, *q = s;

	if (k == 0 || k > n)
		return k == 0 ? s : NULL;
	while ((q = memchr(q, needle[0], (size_t)(end - q) - (k - 1))) != NULL) {
		if (memcmp(q + 1, needle + 1, k - 1) == 0)
			return q;
		q++;
		if ((size_t)(end - q) < k)
			return NULL;
	}
	return NULL;
}

static int
has(const char *s, size_t n, const char *needle)
{
	return find(s, n, needle, strlen(needle)) != NULL;
}

static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* m:/tmp/perf-\d+\.map: */
static int
is_jit_map(const char *s, size_t n)
{
	const char *end = s + n, *q = s;

	while ((q = find(q, (size_t)(end - q), "/tmp/perf-", 10)) != NULL) {
		const char *d = q + 10;
		while (d < end && is_digit((unsigned char)*d))
			d++;
		if (d > q + 10 && end - d >= 4 && memcmp(d, ".map", 4) == 0)
			return 1;
		q++;
	}
	return 0;
}

/* m/(perf-\d+.map|kernel\.|\[[^\]]+\])/: modules --inline leaves alone. */
static int
inline_skips(const char *s, size_t n)
{
	const char *end = s + n, *q = s;

	if (has(s, n, "kernel."))
		return 1;
	while ((q = find(q, (size_t)(end - q), "perf-", 5)) != NULL) {
		const char *d = q + 5;
		while (d < end && is_digit((unsigned char)*d))
			d++;
		if (d > q + 5 && end - d >= 4 && memcmp(d + 1, "map", 3) == 0)
			return 1;
		q++;
	}
	for (q = s; (q = memchr(q, '[', (size_t)(end - q))) != NULL; q++) {
		const char *c = q + 1;
		if (c < end && *c != ']' && memchr(c, ']', (size_t)(end - c)) != NULL)
			return 1;
	}
	return 0;
}

/*
 * One function name of a frame, tidied as the reference does, appended to
 * the current group.  tmp is scratch of at least n + 64 + mod.n + pc.n.
 */
static void
put_func(struct perf_parser *p, const char *f, size_t n, int inlined,
    struct span pc, struct span mod, unsigned seen)
{
	char *t;
	size_t tn = 0, cap;
	static const char anon[] = "anonymous namespace)";
	const size_t anonlen = sizeof(anon) - 1;

	if (n == 9 && memcmp(f, "[unknown]", 9) == 0) {
		const char *base = "unknown";
		size_t bn = 7;
		if (!(mod.n == 9 && memcmp(mod.p, "[unknown]", 9) == 0)) {
			const char *slash = memrchr(mod.p, '/', mod.n);
			base = slash ? slash + 1 : mod.p;
			bn = (size_t)(mod.p + mod.n - base);
		}
		cap = bn + pc.n + 8;
		t = alloca(cap);
		t[tn++] = '[';
		memcpy(t + tn, base, bn);
		tn += bn;
		if (p->o->addrs) {
			memcpy(t + tn, " <", 2);
			tn += 2;
			memcpy(t + tn, pc.p, pc.n);
			tn += pc.n;
			t[tn++] = '>';
		}
		t[tn++] = ']';
		f = t;
		n = tn;
		seen = N_PAREN | N_SEMI | N_QUOTE;
	}

	/* s/;/:/g, then cut at the first '(' that does not open
	 * "(anonymous namespace)", unless it looks like a Go method. */
	size_t keep = n;
	const char *paren = seen & N_PAREN ? memchr(f, '(', n) : NULL;
	if (paren != NULL) {
		/* /\.\(.*\)\./: "pkg.(*T).Method" keeps its parentheses. */
		const char *dp = find(f, n, ".(", 2);
		int go = dp != NULL && find(dp + 2, (size_t)(f + n - dp - 2), ").", 2) != NULL;
		for (const char *q = paren; !go && q != NULL;
		    q = memchr(q + 1, '(', (size_t)(f + n - q - 1))) {
			size_t i = (size_t)(q - f);
			if (!(n - i - 1 >= anonlen && memcmp(q + 1, anon, anonlen) == 0)) {
				keep = i;
				break;
			}
		}
	}
	size_t start = p->glen;
	int java = p->pname_len == 4 && memcmp(p->pname, "java", 4) == 0;
	grow(&p->gbuf, &p->gcap, p->glen + keep + 5);
	{
		/* tr/;/:/ and tr/"'//d; both bytes are rare, so copy, then look. */
		char *dst = p->gbuf + p->glen, *q, *end = dst + keep;
		size_t k = keep;
		memcpy(dst, f, keep);
		if (seen & N_SEMI)
			for (q = dst; (q = memchr(q, ';', (size_t)(end - q))) != NULL; q++)
				*q = ':';
		if ((seen & N_QUOTE) && (memchr(dst, '"', keep) != NULL || memchr(dst, '\'', keep) != NULL)) {
			k = 0;
			for (size_t i = 0; i < keep; i++)
				if (dst[i] != '"' && dst[i] != '\'')
					dst[k++] = dst[i];
		}
		p->glen += k;
	}
	char *g = p->gbuf + start;
	size_t gn = p->glen - start;
	if (java && gn > 0 && g[0] == 'L' && memchr(g, '/', gn) != NULL) {
		memmove(g, g + 1, gn - 1);
		p->glen--;
		gn--;
	}
	if (inlined) {
		if (!has(g, gn, "_[i]"))
			gput(p, "_[i]", 4);
	} else if (p->o->kernel && mod.n > 0 && (mod.p[0] == '[' ||
	    ends_with(mod.p, mod.n, "vmlinux")) && !has(mod.p, mod.n, "unknown")) {
		gput(p, "_[k]", 4);
	} else if (p->o->jit && is_jit_map(mod.p, mod.n)) {
		if (!has(g, gn, "_[j]"))
			gput(p, "_[j]", 4);
	}
}

static void
put_clean(struct perf_parser *p, const char *s, size_t n)
{
	folded_name(gspace(p, n), s, n);
}

static int
put_inline(struct perf_parser *p, struct span pc, struct span mod)
{
	const struct sym_frame *fr;
	char path[4096];
	uint64_t addr = 0;
	int nf;

	if (mod.n == 0 || mod.n >= sizeof(path) || pc.n > 16)
		return 0;
	for (size_t i = 0; i < pc.n; i++) {
		unsigned char c = (unsigned char)pc.p[i];
		int d = is_digit(c) ? c - '0' : ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (c | 0x20) - 'a' + 10 : -1;
		if (d < 0)
			return 0;
		addr = addr * 16 + (uint64_t)d;
	}
	memcpy(path, mod.p, mod.n);
	path[mod.n] = '\0';
	/* perf prints return addresses for the callers (every frame after
	 * the leaf); the call is the byte before, which may be in another
	 * line or inline scope. */
	if (p->ngroups > 0 && addr > 0)
		addr--;
	nf = sym_resolve(p->sym, path, addr, &fr);
	for (int i = 0; i < nf; i++) {
		if (i > 0)
			gput(p, ";", 1);
		put_clean(p, fr[i].name, strlen(fr[i].name));
		if (p->o->context && fr[i].file != NULL) {
			char num[24];
			gput(p, "\t", 1);
			put_clean(p, fr[i].file, strlen(fr[i].file));
			if (fr[i].line > 0)
				gput(p, num, (size_t)snprintf(num, sizeof(num), ":%d", fr[i].line));
		}
		if (i > 0)
			gput(p, "_[i]", 4);
	}
	return nf;
}

static void
frame_line(struct perf_parser *p, struct span pc, struct span func, struct span mod)
{
	const char *f = func.p;
	size_t n = func.n;

	if (p->o->inline_frames && !inline_skips(mod.p, mod.n) && put_inline(p, pc, mod) > 0) {
		group_end(p);
		return;
	}
	/* s/\+0x[\da-f]+$//: perf >= 4.8 prints symbol offsets. */
	{
		size_t k = n;
		while (k > 0 && (is_digit((unsigned char)f[k - 1]) || (f[k - 1] >= 'a' && f[k - 1] <= 'f')))
			k--;
		if (k < n && k >= 3 && memcmp(f + k - 3, "+0x", 3) == 0)
			n = k - 3;
	}
	if (n > 0 && f[0] == '(')
		return;
	/* Perl's split /->/ keeps leading empty fields and drops trailing ones;
	 * "->" cannot overlap itself, so trimming from the end is the same. */
	while (n >= 2 && f[n - 2] == '-' && f[n - 1] == '>')
		n -= 2;
	if (n == 0)
		return;
	/* One pass says which of the tidying searches can find anything. */
	unsigned seen = 0;
	for (size_t i = 0; i < n; i++)
		seen |= nclass[(unsigned char)f[i]];
	const char *s = f, *end = f + n;
	for (int count = 0;; count++) {
		const char *a = seen & N_DASH ? find(s, (size_t)(end - s), "->", 2) : NULL;
		if (count > 0)
			gput(p, ";", 1);
		put_func(p, s, a ? (size_t)(a - s) : (size_t)(end - s), count > 0, pc, mod, seen);
		if (a == NULL)
			break;
		s = a + 2;
	}
	group_end(p);
}

void
perf_init(struct perf_parser *p, const struct perf_opts *o, const char *event, struct stacktable *out)
{
	memset(p, 0, sizeof(*p));
	p->o = o;
	p->out = out;
	p->event = event;
	if (o->inline_frames)
		p->sym = sym_new();
	p->goffcap = 64;
	p->goff = xreallocarray(NULL, p->goffcap, sizeof(*p->goff));
	p->goff[0] = 0;
}

void
perf_free(struct perf_parser *p)
{
	free(p->pname);
	free(p->gbuf);
	free(p->goff);
	free(p->kbuf);
	free(p->event_owned);
	free(p->other_event);
	if (p->sym)
		sym_free(p->sym);
	memset(p, 0, sizeof(*p));
}

static void
sample_reset(struct perf_parser *p)
{
	p->in_sample = 0;
	p->skip_sample = 0;
	p->glen = 0;
	p->ngroups = 0;
}

static void
sample_end(struct perf_parser *p)
{
	if (p->in_sample) {
		size_t len = p->pname_len, need = p->pname_len + p->glen + p->ngroups + 1;
		count_t n[2] = { p->period, 0 };

		grow(&p->kbuf, &p->kcap, need);
		memcpy(p->kbuf, p->pname, p->pname_len);
		/* perf prints the leaf first; a stack is written root first. */
		for (size_t i = p->ngroups; i > 0; i--) {
			size_t a = p->goff[i - 1], b = p->goff[i];
			p->kbuf[len++] = ';';
			memcpy(p->kbuf + len, p->gbuf + a, b - a);
			len += b - a;
		}
		stacktable_add(p->out, p->kbuf, len, n);
		p->samples++;
	}
	sample_reset(p);
}

/*
 * The filter names the event exactly, or, without a ':', names it without
 * the modifiers perf prints after one ("cpu-clock" for "cpu-clock:ppp").
 */
static int
event_matches(const char *filter, const char *ev, size_t n)
{
	size_t k = strlen(filter);

	if (k == n)
		return memcmp(filter, ev, n) == 0;
	return k < n && ev[k] == ':' && memcmp(filter, ev, k) == 0 && strchr(filter, ':') == NULL;
}

static void
header_line(struct perf_parser *p, const char *L, size_t n, struct header *h)
{
	count_t period = COUNT_ONE;

	if (match_event(L, n, h)) {
		if (p->event == NULL) {
			p->event = p->event_owned = xmemdup(h->event.p, h->event.n);
		} else if (!event_matches(p->event, h->event.p, h->event.n)) {
			p->skip_sample = 1;
			if (p->filtered++ == 0 && p->other_event == NULL)
				p->other_event = xmemdup(h->event.p, h->event.n);
			return;
		}
		/* Perl's "not $period": none, or "0", counts one. */
		if (p->o->period && h->period.n > 0 && !(h->period.n == 1 && h->period.p[0] == '0')) {
			count_t v;
			if (count_parse(h->period.p, h->period.n, &v) == COUNT_OK)
				period = v;
		}
	}
	p->period = period;
	p->in_sample = 1;
	size_t need = h->comm.n + h->pid.n + h->tid.n + 3;
	grow(&p->pname, &p->pname_cap, need);
	char *s = p->pname;
	size_t k = 0;
	for (size_t i = 0; i < h->comm.n; i++)
		s[k++] = h->comm.p[i] == ' ' ? '_' : h->comm.p[i];
	if (p->o->tid || p->o->pid) {
		s[k++] = '-';
		memcpy(s + k, h->pid.p, h->pid.n);
		k += h->pid.n;
		if (p->o->tid) {
			s[k++] = '/';
			memcpy(s + k, h->tid.p, h->tid.n);
			k += h->tid.n;
		}
	}
	p->pname_len = k;
}

/*
 * Whether line L (i bytes of leading white space) is a sample header as
 * perf_line reads it; indented_ok says an indented line may be one (no
 * callchain sample is being read).  Fills h; *hn is the header's length from
 * h->comm.p (shorter than the line for a one-line sample, whose frame is then
 * in *pc, *func, *mod and *one_line is set); *event says it names an event.
 */
static int
header_of(const char *L, size_t n, size_t i, int indented_ok, struct header *h,
    size_t *hn, int *event, int *one_line, struct span *pc, struct span *func, struct span *mod)
{
	const char *H;

	if (!match_header(L, n, h) && !(i > 0 && indented_ok && match_header(L + i, n - i, h)))
		return 0;
	H = h->comm.p;
	*hn = (size_t)(L + n - H);
	*one_line = 0;
	*event = match_event(H, *hn, h);
	/* A one-line sample: "comm PID TIME: PERIOD EVENT: ADDR SYM (DSO)".
	 * The reference reads the header and drops the frame; we keep it. */
	if (!*event) {
		for (const char *c = H; (c = memchr(c, ':', (size_t)(L + n - c))) != NULL; c++) {
			size_t k = (size_t)(c - H) + 1;
			if (k < *hn && is_ws((unsigned char)H[k]) && match_event(H, k, h) &&
			    match_frame(H + k, *hn - k, 0, pc, func, mod)) {
				*hn = k;
				*one_line = *event = 1;
				break;
			}
		}
	}
	/* Without callchains, perf script right-aligns the comm, so a header
	 * may be indented like a frame; it is one only if it names an event. */
	return H == L || *event;
}

int
perf_first_event(const char *buf, size_t n, const char **ev, size_t *evlen)
{
	const char *L = buf, *end = buf + n;
	int in_sample = 0, one_line = 0;

	/* perf_line's states that decide what is a header, without the
	 * samples: no event is kept yet, so none is skipped. */
	for (; L < end; ) {
		const char *nl = memchr(L, '\n', (size_t)(end - L));
		size_t len = nl ? (size_t)(nl - L) : (size_t)(end - L), i, hn;
		struct header h;
		struct span pc, func, mod;
		int event, one;

		for (i = 0; i < len && is_ws((unsigned char)L[i]); i++)
			;
		if (len > 0 && L[0] == '#') {
			/* a comment */
		} else if (i == len) {
			in_sample = 0;
		} else if (header_of(L, len, i, !in_sample || one_line, &h, &hn, &event, &one,
		    &pc, &func, &mod)) {
			if (event) {
				*ev = h.event.p;
				*evlen = h.event.n;
				return 1;
			}
			in_sample = 1;
			one_line = h.comm.p != L;
		}
		L = nl ? nl + 1 : end;
	}
	return 0;
}

const char *
perf_line(struct perf_parser *p, const char *L, size_t n)
{
	struct header h;
	struct span pc, func, mod;
	size_t i, hn;
	int event, one_line;

	if (n > 0 && L[0] == '#')
		return NULL;
	for (i = 0; i < n && is_ws((unsigned char)L[i]); i++)
		;
	if (i == n) {
		sample_end(p);
		return NULL;
	}
	if (header_of(L, n, i, !p->in_sample || p->one_line, &h, &hn, &event, &one_line,
	    &pc, &func, &mod)) {
		const char *H = h.comm.p;

		if (p->in_sample || p->skip_sample)
			sample_end(p);
		header_line(p, H, hn, &h);
		/* Indented lines after a callchain sample's header are its
		 * frames; after a one-line sample, more samples. */
		p->one_line = one_line || H != L;
		if (one_line && p->in_sample)
			frame_line(p, pc, func, mod);
		return NULL;
	}
	if (match_frame(L, n, i, &pc, &func, &mod)) {
		if (p->skip_sample)
			return NULL;
		if (!p->in_sample)
			return "frame outside a sample";
		frame_line(p, pc, func, mod);
		return NULL;
	}
	return "unrecognized line";
}

void
perf_set_event(struct perf_parser *p, const char *event)
{
	free(p->event_owned);
	p->event_owned = NULL;
	p->event = event;
}

void
perf_finish(struct perf_parser *p)
{
	sample_end(p);
}
