/*
 * The script of prof-flame's SVG, embedded in each file (lib/svg.c).
 *
 * A frame is a <g p="X" v="N"> in <g id="frames">: X the count left of it
 * and N its count (exact decimals), then a <title> whose first line is the
 * name (names never hold a newline), a <rect>, and a <text> when a label
 * fits.  A frame with a source location or a module (prof-folded(5)) has
 * l="C" too: the title's second line is its location and module, the
 * location's C characters first, which the label shows after the name,
 * lighter (a <tspan class="l">), when both fit.  #frames says how the writer laid them out: cw (pixels a
 * character), fh (row height), xp (margin), y0 and dy (the y of depth 0 and
 * the step to the next depth), to (the text's baseline below its rect's
 * top), tr (1: cut labels on the right), sc (search colour), nt (name
 * type).  Labels are cut here as the writer cuts them.
 *
 * Click a frame: it becomes full width, its ancestors full width and
 * dimmed, all else hidden; click the bottom frame, "Reset Zoom" or Esc to
 * go back.  A graph taller than the window opens scrolled to its root (or
 * to the frame the URL zooms into), its head kept at the top.  Search (Ctrl-F) colours the frames whose name matches a regular
 * expression and shows the share they cover of all and of the zoomed
 * frame; "ic" (Ctrl-I) ignores case.  The view is kept in the URL,
 * ?x=X&y=DEPTH (the zoomed frame) &s=TERM &i=1 (ignore case), so a link
 * reopens it.  window.profFlame gives the same actions to other scripts,
 * and calls its onsearch(term), when set, at each search and reset.
 */
(function () {
	"use strict";
	var fr = document.getElementById("frames");
	if (!fr)
		return;
	var svg = fr.ownerSVGElement, svgNS = "http://www.w3.org/2000/svg";
	function num(e, a) { return parseFloat(e.getAttribute(a)); }
	function byId(id) { return document.getElementById(id); }
	var cw = num(fr, "cw"), xp = num(fr, "xp"), y0 = num(fr, "y0"), dy = num(fr, "dy"), to = num(fr, "to");
	var cutRight = fr.getAttribute("tr") === "1", searchColor = fr.getAttribute("sc"), nameType = fr.getAttribute("nt");
	var span = num(svg, "width") - 2 * xp;
	var details = byId("details"), matched = byId("matched");
	var unzoomBtn = byId("unzoom"), searchBtn = byId("search"), icBtn = byId("ic");
	var all = null, total = 0, zoomed = null, term = null, ignoreCase = false, hits = [];

	function r2(v) { return Math.round(v * 100) / 100; }
	function pct(a, b) { return (b > 0 ? 100 * a / b : 0).toFixed(2) + "%"; }

	function frameOf(g) {
		if (g.profFrame)
			return g.profFrame;
		var ti = g.firstElementChild, r = ti.nextElementSibling, t = r.nextElementSibling;
		var tip = ti.textContent, lines = tip.split("\n"), l = g.getAttribute("l");
		var f = {
			g: g, ti: ti, r: r, t: t, tip: tip, name: lines[0],
			/* the location line, and the location at its start */
			where: l === null ? "" : lines[1],
			loc: l === null ? "" : Array.from(lines[1]).slice(0, parseInt(l, 10)).join(""),
			p: g.getAttribute("p"), x: num(g, "p"), w: num(g, "v"),
			d: Math.round((num(r, "y") - y0) / dy),
			ox: r.getAttribute("x"), ow: r.getAttribute("width"), orig: t ? t.cloneNode(true) : null,
			cls: "", moved: false, hit: false
		};
		g.profFrame = f;
		return f;
	}

	function frames() {
		if (all)
			return all;
		all = [];
		for (var g = fr.firstElementChild; g; g = g.nextElementSibling) {
			var f = frameOf(g);
			all.push(f);
			if (f.d === 0 && f.w > total)
				total = f.w;
		}
		return all;
	}

	function setClass(f, cls) {
		if (f.cls === cls)
			return;
		if (cls)
			f.g.setAttribute("class", cls);
		else
			f.g.removeAttribute("class");
		f.cls = cls;
	}

	function label(f, x, w) {
		var m = Math.floor((w - 3) / cw), s = f.name, txt = "", loc = "";
		var c = Array.from(s);
		if (m >= 3) {
			if (c.length <= m)
				txt = s;
			else if (cutRight)
				txt = c.slice(0, m - 2).join("") + "..";
			else
				txt = ".." + c.slice(c.length - (m - 2)).join("");
			if (f.loc && c.length + 1 + Array.from(f.loc).length <= m)
				loc = " " + f.loc;
		}
		if (!f.t) {
			if (!txt)
				return;
			f.t = document.createElementNS(svgNS, "text");
			f.t.setAttribute("y", r2(num(f.r, "y") + to));
			f.g.appendChild(f.t);
		}
		f.t.setAttribute("x", r2(x + 3));
		f.t.textContent = txt;
		if (loc) {
			var ts = document.createElementNS(svgNS, "tspan");
			ts.setAttribute("class", "l");
			ts.textContent = loc;
			f.t.appendChild(ts);
		}
	}

	/* Draws f from pixel x1 to x2, rounded as the writer rounds. */
	function place(f, x1, x2) {
		x1 = r2(x1);
		x2 = r2(x2);
		f.r.setAttribute("x", x1);
		f.r.setAttribute("width", r2(x2 - x1));
		label(f, x1, x2 - x1);
		f.moved = true;
	}

	function restore(f) {
		f.r.setAttribute("x", f.ox);
		f.r.setAttribute("width", f.ow);
		if (f.t) {
			/* the label as drawn, or none where there was none */
			if (f.orig) {
				var t = f.orig.cloneNode(true);
				f.g.replaceChild(t, f.t);
				f.t = t;
			} else {
				f.t.setAttribute("x", r2(parseFloat(f.ox) + 3));
				f.t.textContent = "";
			}
		}
		f.moved = false;
	}

	function zoom(z) {
		frames();
		if (z.d === 0) {
			unzoom();
			return;
		}
		var x0 = z.x, w0 = z.w, eps = total * 1e-12;
		zoomed = z;
		for (var i = 0; i < all.length; i++) {
			var f = all[i];
			if (f.d < z.d) {
				if (f.x <= x0 + eps && f.x + f.w >= x0 + w0 - eps) {
					place(f, xp, xp + span);
					setClass(f, "a");
				} else {
					setClass(f, "h");
				}
			} else if (f.x >= x0 - eps && f.x + f.w <= x0 + w0 + eps) {
				place(f, xp + (f.x - x0) / w0 * span, xp + (f.x + f.w - x0) / w0 * span);
				setClass(f, "");
			} else {
				setClass(f, "h");
			}
		}
		unzoomBtn.classList.remove("off");
		showMatched();
		saveUrl();
	}

	function unzoom() {
		if (!zoomed)
			return;
		zoomed = null;
		for (var i = 0; i < all.length; i++) {
			setClass(all[i], "");
			if (all[i].moved)
				restore(all[i]);
		}
		unzoomBtn.classList.add("off");
		showMatched();
		saveUrl();
	}

	function search(s) {
		var re, flags = ignoreCase ? "i" : "";
		frames();
		try {
			re = new RegExp(s, flags);
		} catch (e) {
			/* not a regular expression: the text itself */
			re = new RegExp(s.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"), flags);
		}
		term = s;
		hits = [];
		for (var i = 0; i < all.length; i++) {
			var f = all[i];
			/* the name, or the name and where it is: "parse app.c:42" */
			if (re.test(f.name) || (f.where && re.test(f.name + " " + f.where))) {
				f.r.style.fill = searchColor;
				f.hit = true;
				hits.push(f);
			} else if (f.hit) {
				f.r.style.removeProperty("fill");
				f.hit = false;
			}
		}
		searchBtn.classList.add("on");
		searchBtn.textContent = "Reset Search";
		showMatched();
		saveUrl();
		told(s);
	}

	function resetSearch() {
		if (term === null)
			return;
		for (var i = 0; i < hits.length; i++) {
			hits[i].r.style.removeProperty("fill");
			hits[i].hit = false;
		}
		hits = [];
		term = null;
		searchBtn.classList.remove("on");
		searchBtn.textContent = "Search";
		showMatched();
		saveUrl();
		told(null);
	}

	/* A page around the graph (prof-flame --format html) may keep its own
	 * search box in step: window.profFlame.onsearch(term or null). */
	function told(s) {
		var pf = window.profFlame;
		if (pf && typeof pf.onsearch === "function")
			pf.onsearch(s);
	}

	/* The count the matched frames cover in [lo, hi]: a frame inside a
	 * matched one is not counted twice. */
	function cover(lo, hi) {
		var iv = [], sum = 0, end = -Infinity;
		for (var i = 0; i < hits.length; i++) {
			var a = Math.max(hits[i].x, lo), b = Math.min(hits[i].x + hits[i].w, hi);
			if (b > a)
				iv.push([a, b]);
		}
		iv.sort(function (p, q) { return p[0] - q[0] || q[1] - p[1]; });
		for (i = 0; i < iv.length; i++) {
			if (iv[i][1] <= end)
				continue;
			sum += iv[i][1] - Math.max(iv[i][0], end);
			end = iv[i][1];
		}
		return sum;
	}

	function showMatched() {
		if (term === null) {
			matched.textContent = " ";
			return;
		}
		var s = "Matched: " + pct(cover(-Infinity, Infinity), total);
		if (zoomed)
			s += " (" + pct(cover(zoomed.x, zoomed.x + zoomed.w), zoomed.w) + " of zoom)";
		matched.textContent = s;
	}

	function toggleCase() {
		ignoreCase = !ignoreCase;
		icBtn.classList.toggle("on", ignoreCase);
		if (term !== null)
			search(term);
		else
			saveUrl();
	}

	function ask() {
		var s = prompt("Search for names matching a regular expression (e.g. ^ext4_)" +
		    (ignoreCase ? ", ignoring case" : ""), term === null ? "" : term);
		if (s === null)
			return;
		if (s === "")
			resetSearch();
		else
			search(s);
	}

	function saveUrl() {
		var q = [];
		if (zoomed)
			q.push("x=" + encodeURIComponent(zoomed.p), "y=" + zoomed.d);
		if (term !== null)
			q.push("s=" + encodeURIComponent(term));
		if (ignoreCase)
			q.push("i=1");
		try {
			history.replaceState(history.state, "",
			    location.pathname + (q.length ? "?" + q.join("&") : "") + location.hash);
		} catch (e) {
			/* a document that may not change its URL */
		}
	}

	function readUrl() {
		var v = {}, q = location.search.slice(1);
		if (!q)
			return;
		q.split("&").forEach(function (kv) {
			var i = kv.indexOf("=");
			if (i <= 0)
				return;
			try {
				v[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
			} catch (e) {
				/* a malformed escape: ignore the parameter */
			}
		});
		if (v.i === "1") {
			ignoreCase = true;
			icBtn.classList.add("on");
		}
		if (v.x !== undefined && v.y !== undefined)
			zoomTo(v.x, parseInt(v.y, 10));
		if (v.s)
			search(v.s);
	}

	/* Zooms to the frame at count x (as its p attribute reads) and depth d;
	 * returns whether there is one. */
	function zoomTo(x, d) {
		var f = frames();
		for (var i = 0; i < f.length; i++)
			if (f[i].p === String(x) && f[i].d === d) {
				zoom(f[i]);
				return true;
			}
		return false;
	}

	function frameAt(ev) {
		for (var n = ev.target; n && n !== fr; n = n.parentNode)
			if (n.parentNode === fr)
				return frameOf(n);
		return null;
	}

	fr.addEventListener("mouseover", function (ev) {
		var f = frameAt(ev);
		if (!f)
			return;
		var tip = f.tip;
		if (zoomed && f.d >= zoomed.d)
			tip += "\n" + pct(f.w, zoomed.w) + " of the zoomed frame";
		if (f.ti.textContent !== tip)
			f.ti.textContent = tip;
		var lines = tip.split("\n");
		details.textContent = nameType + " " + lines[0] +
		    (lines.length > 1 ? " \u2014 " + lines.slice(1).join("; ") : "");
	});
	fr.addEventListener("mouseout", function () { details.textContent = " "; });
	fr.addEventListener("click", function (ev) {
		var f = frameAt(ev);
		if (f)
			zoom(f);
	});
	unzoomBtn.addEventListener("click", unzoom);
	searchBtn.addEventListener("click", function () {
		if (term !== null)
			resetSearch();
		else
			ask();
	});
	icBtn.addEventListener("click", toggleCase);
	window.addEventListener("keydown", function (ev) {
		var k = ev.key, ctrl = ev.ctrlKey || ev.metaKey;
		if (k === "F3" || (ctrl && (k === "f" || k === "F"))) {
			ev.preventDefault();
			ask();
		} else if (ctrl && (k === "i" || k === "I")) {
			ev.preventDefault();
			toggleCase();
		} else if (k === "Escape") {
			unzoom();
			resetSearch();
		}
	});

	/* The head (title, buttons) stays at the top of what is shown of a
	 * graph taller than its window (or its box in a page), on its band. */
	var head = byId("head"), band = byId("band"), H = num(svg, "height");
	function stick() {
		var r = svg.getBoundingClientRect(), top = 0, y;
		if (!head || !(r.height > 0))
			return;
		for (var n = svg.parentNode; n && n.nodeType === 1; n = n.parentNode) {
			var o = getComputedStyle(n).overflowY;
			if (o === "auto" || o === "scroll" || o === "hidden")
				top = Math.max(top, n.getBoundingClientRect().top);
		}
		y = Math.min(Math.max(0, (top - r.top) * H / r.height), H - num(band, "height"));
		if (y < 1)
			y = 0;
		if (y)
			head.setAttribute("transform", "translate(0," + r2(y) + ")");
		else
			head.removeAttribute("transform");
		band.style.display = y ? "inline" : "none";
	}
	window.addEventListener("scroll", stick, true);
	window.addEventListener("resize", stick);

	/* A graph taller than its window opens on its widest part: a flame
	 * graph's root is at the bottom (an icicle's at the top, in view),
	 * or on the frame the URL zooms into. */
	function reveal() {
		var f = zoomed, all = frames();
		for (var i = 0; !f && i < all.length; i++)
			if (all[i].d === 0)
				f = all[i];
		/* a flame graph's root, and the lines under it */
		if (f)
			show(f.r, !zoomed && dy < 0);
		stick();
	}

	/* Scrolls what is needed, the boxes around the graph then the window,
	 * to bring element e into view (to the graph's bottom if down). */
	function show(e, down) {
		function box() {
			var b = e.getBoundingClientRect();
			return { top: b.top, bottom: down ? svg.getBoundingClientRect().bottom : b.bottom };
		}
		for (var n = svg.parentNode; n && n.nodeType === 1; n = n.parentNode) {
			var o = getComputedStyle(n).overflowY;
			if ((o === "auto" || o === "scroll") && n.scrollHeight > n.clientHeight)
				n.scrollTop += off(box(), n.getBoundingClientRect());
		}
		window.scrollBy(0, off(box(), { top: 0, bottom: window.innerHeight }));
	}

	/* How far to scroll so that rectangle b is within c (its top if both
	 * cannot be). */
	function off(b, c) {
		if (b.top < c.top || b.bottom - b.top > c.bottom - c.top)
			return b.top - c.top;
		return b.bottom > c.bottom ? b.bottom - c.bottom : 0;
	}

	window.profFlame = {
		zoomTo: zoomTo, unzoom: unzoom, search: search, resetSearch: resetSearch,
		toggleCase: toggleCase,
		state: function () {
			return { x: zoomed ? zoomed.p : null, y: zoomed ? zoomed.d : null,
			    s: term, i: ignoreCase, matched: matched.textContent };
		}
	};
	readUrl();
	reveal();
})();
