#define _GNU_SOURCE
#include "flame/flamehtml.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "core/util.h"
#include "core/xmlsafe.h"
#include "folded/unit.h"

struct fn {
	const char *name;
	size_t len;
	count_t self, total;
	unsigned active;        /* frames of this name on the current path */
	UT_hash_handle hh;
};

static struct fn *
fn_get(struct fn **map, const char *name, size_t len)
{
	struct fn *e;

	HASH_FIND(hh, *map, name, len, e);
	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->name = name;
		e->len = len;
		HASH_ADD_KEYPTR(hh, *map, e->name, len, e);
	}
	return e;
}

/* Self and total by name, depth first; a name already on the path does
 * not add its total again (recursion counts once). */
static struct fn *
functions(const struct flame *f)
{
	struct fn *map = NULL;
	uint32_t *path = xreallocarray(NULL, f->maxdepth + 2, sizeof(*path));
	struct fn **fns = xreallocarray(NULL, f->maxdepth + 2, sizeof(*fns));
	int depth = 0;
	uint32_t i = f->v[0].child;

	while (depth >= 0 && i != 0) {
		const struct flame_node *v = &f->v[i];
		struct fn *e = fn_get(&map, v->name, v->len);

		e->self += v->self[0];
		if (e->active++ == 0)
			e->total += v->total[0];
		path[depth] = i;
		fns[depth] = e;
		if (v->child != 0 && !flame_dropped(f, v->child) && depth + 1 <= (int)f->maxdepth) {
			depth++;
			i = v->child;
			continue;
		}
		/* climb until a node has a next sibling */
		for (;;) {
			fns[depth]->active--;
			uint32_t next = f->v[path[depth]].next;
			while (next != 0 && flame_dropped(f, next))
				next = f->v[next].next;
			if (next != 0) {
				i = next;
				break;
			}
			if (--depth < 0)
				break;
		}
	}
	free(path);
	free(fns);
	return map;
}

static int
by_self(const void *a, const void *b)
{
	const struct fn *x = *(struct fn *const *)a, *y = *(struct fn *const *)b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	return x->total < y->total ? 1 : x->total > y->total ? -1 : 0;
}

/* The graph takes the room the table leaves, scaled (its script works in
 * the SVG's own units), so the table, names included, fits beside it in
 * a window 1,400 pixels wide; a long name is cut, whole in its tooltip.
 * The page's box is the one search: the SVG's own button is hidden. */
static const char page_style[] =
"body{font-family:Verdana,sans-serif;font-size:13px;margin:8px}\n"
"#bar{margin:4px 0}#q{width:24em}\n"
"#wrap{display:flex;gap:12px;align-items:flex-start}\n"
"#graph{flex:1 1 0;min-width:0;max-height:90vh;overflow:auto}#graph>svg{width:100%;height:auto;display:block}\n"
"#graph #search{display:none}\n"
"#top{border-collapse:collapse;font-size:12px}\n"
"#top th{cursor:pointer;background:#eee;text-align:left;padding:2px 6px}\n"
"#top td{padding:1px 6px;white-space:nowrap}\n"
"#top td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
"#top td:last-child{max-width:22em;overflow:hidden;text-overflow:ellipsis}\n"
"#top .l{color:#888}\n"
"#side{flex:0 1 auto;max-width:45%;max-height:90vh;overflow:auto}\n";

/* Sorting the table by a column (it starts by self, largest first; a
 * click on the same column turns the order, on another sorts by it,
 * counts largest first); the search box drives the SVG's search. */
static const char page_script[] =
"(function(){\n"
"var q=document.getElementById('q'),pf=window.profFlame;\n"
"function go(){if(pf){if(q.value)pf.search(q.value);else pf.resetSearch();}}\n"
"q.addEventListener('change',go);q.addEventListener('keyup',function(e){if(e.key==='Enter')go();});\n"
"if(pf){var s=pf.state().s;if(s!==null)q.value=s;pf.onsearch=function(t){q.value=t===null?'':t;};}\n"
"window.addEventListener('keydown',function(e){var c=e.ctrlKey||e.metaKey;\n"
" if(e.key==='F3'||(c&&(e.key==='f'||e.key==='F'))){e.preventDefault();e.stopPropagation();q.focus();q.select();}},true);\n"
"var t=document.getElementById('top'),hs=t.tHead.rows[0].cells,by=0,desc=true;\n"
"for(var k=0;k<hs.length;k++)(function(k){hs[k].addEventListener('click',function(){\n"
" var rows=Array.prototype.slice.call(t.tBodies[0].rows);\n"
" if(k===by)desc=!desc;else{by=k;desc=k<2;}\n"
" rows.sort(function(a,b){var x=a.cells[k].getAttribute('data-v'),y=b.cells[k].getAttribute('data-v');\n"
"  var c=k<2?(parseFloat(x)-parseFloat(y)):(x<y?-1:x>y?1:0);return desc?-c:c;});\n"
" rows.forEach(function(r){t.tBodies[0].appendChild(r);});});})(k);\n"
"})();\n";

/* A count, exact in data-v (the sort's key), shown in its unit when
 * there is one, as the tooltips show it. */
static void
cell_count(FILE *out, const struct unit *u, count_t c, count_t total)
{
	char buf[COUNT_BUFSZ], show[UNIT_BUFSZ];

	count_format(c, buf);
	if (u != NULL)
		unit_show(u, c, show);
	fprintf(out, "<td class=\"n\" data-v=\"%s\">%s (%.2f%%)</td>", buf, u ? show : buf,
	    total ? 100 * count_double(c) / count_double(total) : 0.0);
}

/* " FILE:LINE in MODULE", the parts of a frame's label it has. */
static void
put_where(FILE *out, const struct flame_label *l)
{
	if (l->loc_len > 0) {
		fputc(' ', out);
		xmlsafe_puts(out, l->loc, l->loc_len);
	}
	if (l->module_len > 0) {
		fputs(" in ", out);
		xmlsafe_puts(out, l->module, l->module_len);
	}
}

/* A frame as a reader writes it (flametext.h): its location and module
 * after it, lighter, and whole in the cell's tooltip. */
static void
cell_name(FILE *out, const char *name, size_t len, char **fn, size_t *cap)
{
	struct flame_label l;

	if (len > *cap)
		*fn = xrealloc(*fn, *cap = len);
	flame_label(name, len, *fn, &l);
	if (l.loc_len + l.module_len == 0) {
		fputs("<td data-v=\"", out);
		xmlsafe_puts(out, name, len);
		fputs("\">", out);
		xmlsafe_puts(out, name, len);
		fputs("</td>", out);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		fputs(pass == 0 ? "<td data-v=\"" : "\" title=\"", out);
		xmlsafe_puts(out, l.fn, l.fn_len);
		put_where(out, &l);
	}
	fputs("\">", out);
	xmlsafe_puts(out, l.fn, l.fn_len);
	fputs("<span class=\"l\">", out);
	put_where(out, &l);
	fputs("</span></td>", out);
}

int
flamehtml_write(FILE *out, const struct flame *f, const struct svg_opts *o, char *err, size_t errlen)
{
	char *svg = NULL, *start;
	size_t svglen = 0, n = 0;
	FILE *m = open_memstream(&svg, &svglen);
	struct fn *map, *e, *tmp, **v;
	const char *title = o->title ? o->title : "Flame Graph";
	char *fn = NULL;
	size_t fncap = 0;

	if (m == NULL)
		die("open_memstream:");
	if (svg_write(m, f, o, err, errlen) < 0) {
		fclose(m);
		free(svg);
		return -1;
	}
	fclose(m);
	/* the XML declaration has no place inside an HTML page */
	start = strstr(svg, "<svg");
	if (start == NULL)
		start = svg;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", out);
	xmlsafe_puts(out, title, strlen(title));
	fprintf(out, "</title>\n<style>\n%s</style></head><body>\n", page_style);
	fputs("<div id=\"bar\"><label>Search: <input id=\"q\" placeholder=\"regular expression, Enter\"></label></div>\n", out);
	fputs("<div id=\"wrap\"><div id=\"graph\">\n", out);
	fwrite(start, 1, svglen - (size_t)(start - svg), out);
	fputs("</div>\n<div id=\"side\"><table id=\"top\"><thead><tr><th>Self</th><th>Total</th><th>Function</th></tr></thead><tbody>\n", out);
	map = functions(f);
	v = xreallocarray(NULL, HASH_COUNT(map) + 1, sizeof(*v));
	HASH_ITER(hh, map, e, tmp)
		v[n++] = e;
	qsort(v, n, sizeof(*v), by_self);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", out);
		cell_count(out, o->unit, v[i]->self, f->v[0].total[0]);
		cell_count(out, o->unit, v[i]->total, f->v[0].total[0]);
		cell_name(out, v[i]->name, v[i]->len, &fn, &fncap);
		fputs("</tr>\n", out);
	}
	fprintf(out, "</tbody></table></div></div>\n<script>\n%s</script>\n</body></html>\n", page_script);
	HASH_ITER(hh, map, e, tmp) {
		HASH_DEL(map, e);
		free(e);
	}
	free(v);
	free(svg);
	free(fn);
	return 0;
}
