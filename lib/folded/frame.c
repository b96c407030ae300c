#include "folded/frame.h"

#include <string.h>

static int
is_suffix(const char *s)
{
	return s[0] == '_' && s[1] == '[' && s[3] == ']' && s[2] != '\0' &&
	    strchr("kjiw", s[2]) != NULL;
}

void
frame_split(const char *f, size_t n, struct frame_parts *p)
{
	const char *tab, *end;
	size_t i;

	p->suffix = f + n;
	p->suffix_len = 0;
	if (n >= 4 && is_suffix(f + n - 4)) {
		n -= 4;
		p->suffix = f + n;
		p->suffix_len = 4;
	}
	end = f + n;

	p->name = f;
	tab = memchr(f, '\t', n);
	p->name_len = (tab ? tab : end) - f;
	p->loc = p->file = p->module = end;
	p->loc_len = p->file_len = p->module_len = 0;
	if (tab == NULL)
		return;

	p->loc = tab + 1;
	tab = memchr(p->loc, '\t', end - p->loc);
	p->loc_len = (tab ? tab : end) - p->loc;
	if (tab != NULL) {
		p->module = tab + 1;
		p->module_len = end - p->module;
	}

	/* ":LINE" only when LINE is digits, so "C:\src\a.c" stays a file */
	p->file = p->loc;
	p->file_len = p->loc_len;
	for (i = p->loc_len; i > 0 && (unsigned)(p->loc[i - 1] - '0') <= 9; i--)
		;
	if (i > 0 && i < p->loc_len && p->loc[i - 1] == ':')
		p->file_len = i - 1;
}

int
frame_annotation(const struct frame_parts *p)
{
	return p->suffix_len == 4 ? (unsigned char)p->suffix[2] : 0;
}

/* REG_STARTEND: a part with a NUL byte is matched whole; it is still
 * copied and terminated, since not every regexec (nor a sanitizer's
 * wrapper of it) honours the end it is given. */
static int
part_matches(const regex_t *re, const char *s, size_t n, char *scratch)
{
	regmatch_t m[1] = { { .rm_so = 0, .rm_eo = (regoff_t)n } };

	if (s != scratch)
		memcpy(scratch, s, n);
	scratch[n] = '\0';
	return regexec(re, scratch, 1, m, REG_STARTEND) == 0;
}

int
frame_match(const regex_t *re, const struct frame_parts *p, char *scratch)
{
	/* the name and its suffix need not be adjacent in the frame */
	memcpy(scratch, p->name, p->name_len);
	memcpy(scratch + p->name_len, p->suffix, p->suffix_len);
	/* a name is always there, if empty ("^$" finds it); an absent
	 * location or module is no part to match */
	return part_matches(re, scratch, p->name_len + p->suffix_len, scratch) ||
	    (p->loc_len > 0 && part_matches(re, p->loc, p->loc_len, scratch)) ||
	    (p->module_len > 0 && part_matches(re, p->module, p->module_len, scratch));
}
