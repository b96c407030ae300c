#include "core/xmlsafe.h"

#include <string.h>

#include "core/util.h"

static const char replacement[3] = { '\xef', '\xbf', '\xbd' };

/* The length of the well-formed UTF-8 sequence at s (n > 0 bytes left)
 * and its code point, or 0 if none starts there (RFC 3629's table). */
static size_t
utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t k;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef) {
		k = 3, c &= 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;      /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4, c &= 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;      /* nothing past U+10FFFF */
	} else
		return 0;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	c = (c << 6) | (s[1] & 0x3f);
	for (size_t i = 2; i < k; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return k;
}

static int
allowed(unsigned cp)
{
	return !(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff);
}

size_t
xmlsafe_clean(char *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned cp;
		size_t k;

		/* the common case: a run of printable ASCII */
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			dst[o++] = (char)s[i++];
			continue;
		}
		k = utf8_seq(s + i, n - i, &cp);
		if (k == 0 || !allowed(cp)) {
			memcpy(dst + o, replacement, 3);
			o += 3;
			i += k ? k : 1;
			continue;
		}
		memcpy(dst + o, s + i, k);
		o += k;
		i += k;
	}
	return o;
}

char *
xmlsafe_cleandup(const char *src, size_t n, size_t *len)
{
	char *d = xmalloc(XMLSAFE_CLEAN_MAX(n) + 1);
	size_t k = xmlsafe_clean(d, src, n);

	d[k] = '\0';
	if (len != NULL)
		*len = k;
	return d;
}

size_t
xmlsafe_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* The byte offset of character k of clean text s[0..n). */
static size_t
char_offset(const char *s, size_t n, size_t k)
{
	size_t i = 0;

	for (; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && k-- == 0)
			break;
	return i;
}

int
xmlsafe_cut(const char *s, size_t n, size_t nchars, size_t max, int right,
    size_t *off, size_t *len)
{
	size_t keep;

	*off = 0;
	if (nchars <= max) {
		*len = n;
		return 0;
	}
	if (max < 3) {
		*len = 0;
		return 0;
	}
	keep = max - 2;
	if (right) {
		*len = char_offset(s, n, keep);
		return 1;
	}
	*off = char_offset(s, n, nchars - keep);
	*len = n - *off;
	return -1;
}

size_t
xmlsafe_escape(char *dst, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		const char *e;
		size_t k;

		switch (s[i]) {
		case '&':
			e = "&amp;", k = 5;
			break;
		case '<':
			e = "&lt;", k = 4;
			break;
		case '>':
			e = "&gt;", k = 4;
			break;
		case '"':
			e = "&quot;", k = 6;
			break;
		default:
			dst[o++] = s[i];
			continue;
		}
		memcpy(dst + o, e, k);
		o += k;
	}
	return o;
}

void
xmlsafe_puts(FILE *fp, const char *s, size_t n)
{
	char clean[XMLSAFE_CLEAN_MAX(256)], esc[XMLSAFE_ESCAPE_MAX(sizeof(clean))];
	size_t i = 0;

	while (i < n) {
		size_t k = n - i < 256 ? n - i : 256, c;

		/* End the chunk where a character starts, so that no
		 * well-formed sequence is split between two chunks: a lead
		 * byte is at most 3 continuation bytes back (if none is, the
		 * byte at the boundary belongs to no sequence before it). */
		if (i + k < n) {
			size_t b = k;
			while (b > k - 3 && ((unsigned char)s[i + b] & 0xc0) == 0x80)
				b--;
			if (((unsigned char)s[i + b] & 0xc0) != 0x80)
				k = b;
		}
		c = xmlsafe_clean(clean, s + i, k);
		fwrite(esc, 1, xmlsafe_escape(esc, clean, c), fp);
		i += k;
	}
}
