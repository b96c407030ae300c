/*
 * fuzz-palette: palette maps (flamegraph.pl's palette.map, prof-flame
 * --cp; lib/flame/palette), read from a file as prof-flame reads them.
 * Properties: a map saved and read again gives every name the colour it
 * had (names taken from the input's lines, as the reader splits them), or
 * the one put last (a name added before the save, which may be in the
 * input already with another colour); a file refused as no map (it has
 * lines, none of them NAME->colour) is left byte for byte as it was, and
 * a file read as a map is empty or has a name in it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flame/palette.h"
#include "fuzz.h"

struct pair {
	const char *name;
	size_t len;
	uint32_t rgb;
};

static char map_dir[] = "/tmp/prof-fuzz-palette.XXXXXX";
static char map_file[64];

/* The directory of the map goes when the process ends (not after a crash). */
static void
remove_dir(void)
{
	unlink(map_file);
	rmdir(map_dir);
}

static const char *
map_path(void)
{
	if (map_file[0] == '\0') {
		if (mkdtemp(map_dir) == NULL)
			fuzz_fail("mkdtemp");
		snprintf(map_file, sizeof(map_file), "%s/palette.map", map_dir);
		atexit(remove_dir);
	}
	return map_file;
}

/* Whether the file at path holds data[0..size) exactly. */
static int
same_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "rb");
	size_t got = 0;
	int c, same = 1;

	if (fp == NULL)
		return 0;
	while ((c = getc(fp)) != EOF)
		if (got >= size || (uint8_t)c != data[got++])
			same = 0;
	fclose(fp);
	return same && got == size;
}

static void
put_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		fuzz_fail("cannot write %s", path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = map_path();
	struct palette_map *m;
	struct pair *v = NULL;
	size_t n = 0;
	char err[512];
	uint32_t rgb;
	static const char added[] = "fuzz;added->name";

	put_file(path, data, size);
	if ((m = palette_map_open(path, err, sizeof(err))) == NULL) {
		if (size == 0)
			fuzz_fail("an empty map refused: %s", err);
		if (!same_file(path, data, size))
			fuzz_fail("a refused file was changed (%s)", err);
		unlink(path);
		return 0;
	}
	/* every line's name: what is before its last "->" */
	for (const char *s = (const char *)data, *end = s + size; s < end; ) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

		for (size_t i = len; i >= 2; i--)
			if (s[i - 2] == '-' && s[i - 1] == '>') {
				if (palette_map_get(m, s, i - 2, &rgb)) {
					v = realloc(v, (n + 1) * sizeof(*v));
					v[n++] = (struct pair){ s, i - 2, rgb };
				}
				break;
			}
		s = nl ? nl + 1 : end;
	}
	if (size > 0 && n == 0)
		fuzz_fail("a file with no colour read as a map");
	palette_map_put(m, added, sizeof(added) - 1, 0x123456);
	for (size_t i = 0; i < n; i++)
		if (v[i].len == sizeof(added) - 1 && memcmp(v[i].name, added, v[i].len) == 0)
			v[i].rgb = 0x123456;
	if (palette_map_close(m, err, sizeof(err)) < 0)
		fuzz_fail("%s", err);

	if ((m = palette_map_open(path, err, sizeof(err))) == NULL)
		fuzz_fail("%s", err);
	for (size_t i = 0; i < n; i++) {
		if (!palette_map_get(m, v[i].name, v[i].len, &rgb))
			fuzz_fail("name %zu (%.*s) lost when the map was saved", i,
			    (int)v[i].len, v[i].name);
		if (rgb != v[i].rgb)
			fuzz_fail("name %.*s: %06x put, %06x after a save", (int)v[i].len,
			    v[i].name, v[i].rgb, rgb);
	}
	if (!palette_map_get(m, added, sizeof(added) - 1, &rgb) || rgb != 0x123456)
		fuzz_fail("the name added was not saved");
	palette_map_close(m, NULL, 0);
	unlink(path);
	free(v);
	return 0;
}
