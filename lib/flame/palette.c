#include "flame/palette.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/outfile.h"
#include "core/util.h"
#include "folded/unit.h"

static const char *const names[] = {
	"hot", "mem", "io", "wakeup", "chain", "java", "js", "perl", "python",
	"rust", "red", "green", "blue", "aqua", "yellow", "purple", "orange"
};

const char palette_names[] = "hot, mem, io, wakeup, chain, java, js, perl, "
    "python, rust, red, green, blue, aqua, yellow, purple, orange";

int
palette_find(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static double
unit(uint64_t h)
{
	return (double)(mix(h) >> 11) * 0x1p-53;
}

void
palette_hash(const char *name, size_t len, double v[3])
{
	const char *tick = memchr(name, '`', len);
	uint64_t fwd = 0xcbf29ce484222325ull, back = 0x84222325cbf29ce4ull;

	/* DTrace's "module`function": the function decides */
	if (tick != NULL) {
		len -= (size_t)(tick + 1 - name);
		name = tick + 1;
	}
	for (size_t i = 0; i < len; i++) {
		fwd = (fwd ^ (unsigned char)name[i]) * 0x100000001b3ull;
		back = (back ^ (unsigned char)name[len - 1 - i]) * 0x100000001b3ull;
	}
	v[0] = unit(fwd);
	v[1] = v[2] = unit(back);
}

static int
has(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == what[0] && memcmp(s + i, what, k) == 0)
			return 1;
	return 0;
}

static int
ends(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	return n >= k && memcmp(s + n - k, what, k) == 0;
}

static int
starts(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	return n >= k && memcmp(s, what, k) == 0;
}

/* The plain palette a multi palette gives this name. */
static int
pick(int pal, const char *s, size_t n)
{
	switch (pal) {
	case PALETTE_JAVA:
	case PALETTE_JS:
		if (ends(s, n, "_[j]"))
			return PALETTE_GREEN;
		if (ends(s, n, "_[i]"))
			return PALETTE_AQUA;
		if (ends(s, n, "_[k]"))
			return PALETTE_ORANGE;
		if (pal == PALETTE_JAVA)
			return memchr(s, '/', n) ? PALETTE_GREEN :
			    has(s, n, "::") ? PALETTE_YELLOW : PALETTE_RED;
		if (has(s, n, "::"))
			return PALETTE_YELLOW;
		if (memchr(s, '/', n))
			return PALETTE_GREEN;
		if (memchr(s, ':', n))
			return PALETTE_AQUA;
		if (n == 1 && s[0] == ' ')
			return PALETTE_GREEN;
		return PALETTE_RED;
	case PALETTE_PERL:
		if (ends(s, n, "_[k]"))
			return PALETTE_ORANGE;
		if (has(s, n, "::"))
			return PALETTE_YELLOW;
		if (has(s, n, "Perl") || has(s, n, ".pl"))
			return PALETTE_GREEN;
		return PALETTE_RED;
	case PALETTE_PYTHON:
		if (ends(s, n, "_[k]"))
			return PALETTE_ORANGE;
		if (has(s, n, ".py") || has(s, n, "<module>"))
			return PALETTE_GREEN;
		if (has(s, n, "::"))
			return PALETTE_YELLOW;
		return PALETTE_RED;
	case PALETTE_RUST:
		if (ends(s, n, "_[k]"))
			return PALETTE_ORANGE;
		/* "<alloc::vec::Vec<T> as core::ops::Drop>::drop" */
		while (n > 0 && (s[0] == '<' || s[0] == '&'))
			s++, n--;
		if (starts(s, n, "std::") || starts(s, n, "core::") || starts(s, n, "alloc::"))
			return PALETTE_AQUA;
		if (has(s, n, "::"))
			return PALETTE_GREEN;
		return PALETTE_RED;
	case PALETTE_WAKEUP:
		return PALETTE_AQUA;
	case PALETTE_CHAIN:
		return has(s, n, "_[w]") ? PALETTE_AQUA : PALETTE_BLUE;
	default:
		return pal;
	}
}

static uint32_t
rgb(double r, double g, double b)
{
	return (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

uint32_t
palette_color(int pal, const char *name, size_t len, const double v[3])
{
	double a = v[0];

	if (len == 2 && memcmp(name, "--", 2) == 0)
		return 0xa0a0a0;
	if (len == 1 && name[0] == '-')
		return 0xc8c8c8;
	switch (pick(pal, name, len)) {
	case PALETTE_MEM:
		return rgb(0, 190 + 50 * v[1], 210 * a);
	case PALETTE_IO:
		return rgb(80 + 60 * a, 80 + 60 * a, 190 + 55 * v[1]);
	case PALETTE_RED:
		return rgb(200 + 55 * a, 50 + 80 * a, 50 + 80 * a);
	case PALETTE_GREEN:
		return rgb(50 + 60 * a, 200 + 55 * a, 50 + 60 * a);
	case PALETTE_BLUE:
		return rgb(80 + 60 * a, 80 + 60 * a, 205 + 50 * a);
	case PALETTE_AQUA:
		return rgb(50 + 60 * a, 165 + 55 * a, 165 + 55 * a);
	case PALETTE_YELLOW:
		return rgb(175 + 55 * a, 175 + 55 * a, 50 + 20 * a);
	case PALETTE_PURPLE:
		return rgb(190 + 65 * a, 80 + 60 * a, 190 + 65 * a);
	case PALETTE_ORANGE:
		return rgb(190 + 65 * a, 90 + 65 * a, 0);
	default:        /* hot */
		return rgb(205 + 50 * v[2], 230 * a, 55 * v[1]);
	}
}

uint32_t
palette_state(int state, const double v[3])
{
	int pal = state == UNIT_STATE_SLEEP ? PALETTE_BLUE : state == UNIT_STATE_DISK ?
	    PALETTE_AQUA : state == UNIT_STATE_RUNNABLE ? PALETTE_PURPLE : PALETTE_HOT;

	return palette_color(pal, "", 0, v);
}

uint32_t
palette_diff(double change, double max)
{
	double s = max > 0 ? (change < 0 ? -change : change) / max : 0;
	double c;

	if (change == 0)
		return 0xffffff;
	if (s > 1)
		s = 1;
	/* the smallest change still shows a tint */
	c = 220 * (1 - s);
	return change > 0 ? rgb(255, c, c) : rgb(c, c, 255);
}

int
palette_background(const char *spec, int pal, uint32_t bg[2])
{
	static const struct {
		const char *name;
		uint32_t top, bottom;
	} bgs[] = {
		{ "yellow", 0xeeeeee, 0xeeeeb0 },
		{ "blue", 0xeeeeee, 0xe0e0ff },
		{ "green", 0xeef2ee, 0xe0ffe0 },
		{ "grey", 0xf8f8f8, 0xe8e8e8 },
	};

	if (spec == NULL)
		spec = pal == PALETTE_MEM ? "blue" : pal == PALETTE_IO ? "grey" : "yellow";
	for (size_t i = 0; i < sizeof(bgs) / sizeof(bgs[0]); i++)
		if (strcmp(spec, bgs[i].name) == 0) {
			bg[0] = bgs[i].top;
			bg[1] = bgs[i].bottom;
			return 0;
		}
	if (spec[0] == '#' && strlen(spec) == 7 && strspn(spec + 1, "0123456789abcdefABCDEF") == 6) {
		bg[0] = bg[1] = (uint32_t)strtoul(spec + 1, NULL, 16);
		return 0;
	}
	return -1;
}

struct entry {
	char *name;
	size_t len;
	uint32_t rgb;
};

struct palette_map {
	char *path;
	struct entry *v;        /* open addressing; name NULL: empty */
	size_t n, size;
	int changed;
};

static size_t
slot(const struct palette_map *m, const char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (size_t k = 0; k < len; k++)
		h = (h ^ (unsigned char)name[k]) * 0x100000001b3ull;
	for (i = mix(h) & (m->size - 1); m->v[i].name != NULL; i = (i + 1) & (m->size - 1))
		if (m->v[i].len == len && memcmp(m->v[i].name, name, len) == 0)
			break;
	return i;
}

static void
insert(struct palette_map *m, const char *name, size_t len, uint32_t rgb)
{
	size_t i;

	if ((m->n + 1) * 2 > m->size) {
		struct entry *old = m->v;
		size_t oldsize = m->size;

		m->size = m->size ? m->size * 2 : 256;
		m->v = xcalloc(m->size, sizeof(*m->v));
		for (size_t k = 0; k < oldsize; k++)
			if (old[k].name != NULL)
				m->v[slot(m, old[k].name, old[k].len)] = old[k];
		free(old);
	}
	i = slot(m, name, len);
	if (m->v[i].name == NULL) {
		m->v[i].name = xmemdup(name, len);
		m->v[i].len = len;
		m->n++;
	}
	m->v[i].rgb = rgb;
}

/* "rgb(R,G,B)" or "#rrggbb", the whole of s[0..n). */
static int
parse_color(const char *s, size_t n, uint32_t *out)
{
	char buf[32];
	unsigned r, g, b;
	int k = -1;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '#') {
		if (n != 7 || strspn(buf + 1, "0123456789abcdefABCDEF") != 6)
			return -1;
		*out = (uint32_t)strtoul(buf + 1, NULL, 16);
		return 0;
	}
	if (sscanf(buf, "rgb(%3u,%3u,%3u)%n", &r, &g, &b, &k) != 3 || k != (int)n ||
	    r > 255 || g > 255 || b > 255)
		return -1;
	*out = r << 16 | g << 8 | b;
	return 0;
}

struct palette_map *
palette_map_open(const char *path, char *err, size_t errlen)
{
	struct palette_map *m = xcalloc(1, sizeof(*m));
	struct stat st;
	FILE *fp = NULL;
	char *line = NULL;
	size_t cap = 0, lines = 0, read = 0;
	ssize_t n;
	int fd;

	m->path = xstrdup(path);
	m->size = 256;
	m->v = xcalloc(m->size, sizeof(*m->v));
	/* O_NONBLOCK: a FIFO given as the map must not hang the program */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return m;
		snprintf(err, errlen, "%s: cannot read the palette map: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a palette map: not a regular file", path);
		close(fd);
		goto fail;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot read the palette map: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		const char *arrow = NULL;
		uint32_t c;

		lines++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		for (ssize_t i = n - 2; i >= 0; i--)
			if (line[i] == '-' && line[i + 1] == '>') {
				arrow = line + i;
				break;
			}
		if (arrow == NULL || parse_color(arrow + 2, (size_t)(line + n - arrow - 2), &c) < 0)
			continue;
		insert(m, line, (size_t)(arrow - line), c);
		read++;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: cannot read the palette map: %s", path, strerror(errno));
		goto fail;
	}
	/* The map is rewritten at the end: a file with lines but no colour
	 * is something else (a script, the profile itself), not to be lost. */
	if (lines > 0 && read == 0) {
		snprintf(err, errlen, "%s: not a palette map (no line NAME->rgb(R,G,B)); "
		    "it would be overwritten: name a new file", path);
		goto fail;
	}
	free(line);
	fclose(fp);
	return m;
fail:
	free(line);
	if (fp != NULL)
		fclose(fp);
	palette_map_close(m, NULL, 0);
	return NULL;
}

int
palette_map_get(const struct palette_map *m, const char *name, size_t len, uint32_t *rgb)
{
	size_t i = slot(m, name, len);

	if (m->v[i].name == NULL)
		return 0;
	*rgb = m->v[i].rgb;
	return 1;
}

void
palette_map_put(struct palette_map *m, const char *name, size_t len, uint32_t rgb)
{
	if (memchr(name, '\n', len) != NULL)
		return;
	insert(m, name, len, rgb);
	m->changed = 1;
}

static int
by_name(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int
save(struct palette_map *m, char *err, size_t errlen)
{
	size_t k = 0;
	struct entry *v = xreallocarray(NULL, m->n ? m->n : 1, sizeof(*v));
	struct outfile *o;
	FILE *fp;
	int rc = 0;

	for (size_t i = 0; i < m->size; i++)
		if (m->v[i].name != NULL)
			v[k++] = m->v[i];
	qsort(v, k, sizeof(*v), by_name);
	/* outfile says why it cannot, and replaces the map atomically */
	if ((o = outfile_create(m->path, 0)) == NULL) {
		snprintf(err, errlen, "%s: the palette map is not saved", m->path);
		free(v);
		return -1;
	}
	fp = outfile_fp(o);
	for (size_t i = 0; i < k; i++) {
		fwrite(v[i].name, 1, v[i].len, fp);
		fprintf(fp, "->rgb(%u,%u,%u)\n", v[i].rgb >> 16, (v[i].rgb >> 8) & 0xff, v[i].rgb & 0xff);
	}
	if (outfile_commit(o) < 0) {
		snprintf(err, errlen, "%s: the palette map is not saved", m->path);
		rc = -1;
	}
	free(v);
	return rc;
}

int
palette_map_close(struct palette_map *m, char *err, size_t errlen)
{
	int rc = 0;

	if (m == NULL)
		return 0;
	if (m->changed && err != NULL)
		rc = save(m, err, errlen);
	for (size_t i = 0; i < m->size; i++)
		free(m->v[i].name);
	free(m->v);
	free(m->path);
	free(m);
	return rc;
}
