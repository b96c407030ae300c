/*
 * The script of prof-flame's SVG, embedded in each file (lib/svg.c).
 *
 * A frame is a <g p="X" v="N"> in <g id="frames">: X the count left of it
 * and N its count (exact decimals), then a <title> whose first line is the
 * name (names never hold a newline), a <rect>, and a <text> when a label
 * fits.  #frames says how the writer laid them out: cw (pixels a
 * character), fh (row height), xp (margin), y0 and dy (the y of depth 0 and
 * the step to the next depth), to (the text's baseline below its rect's
 * top), tr (1: cut labels on the right), sc (search colour), nt (name
 * type).  Labels are cut here as the writer cuts them.
 *
 * Click a frame: it becomes full width, its ancestors full width and
 * dimmed, all else hidden; click the bottom frame, "Reset Zoom" or Esc to
 * go back.  Search (Ctrl-F) colours the frames whose name matches a regular
 * expression and shows the share they cover of all and of the zoomed
 * frame; "ic" (Ctrl-I) ignores case.  The view is kept in the URL,
 * ?x=X&y=DEPTH (the zoomed frame) &s=TERM &i=1 (ignore case), so a link
 * reopens it.  window.profFlame gives the same actions to other scripts.
 */
(function () {
	"use strict";
	var fr = document.getElementById("frames");
	if (!fr)
		return;
	var svg = fr.ownerSVGElement;
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
		var tip = ti.textContent, nl = tip.indexOf("\n");
		var f = {
			g: g, ti: ti, r: r, t: t, tip: tip, name: nl < 0 ? tip : tip.slice(0, nl),
			p: g.getAttribute("p"), x: num(g, "p"), w: num(g, "v"),
			d: Math.round((num(r, "y") - y0) / dy),
			ox: r.getAttribute("x"), ow: r.getAttribute("width"), ot: t ? t.textContent : "",
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
		var m = Math.floor((w - 3) / cw), s = f.name, txt = "";
		if (m >= 3) {
			if (s.length <= m) {
				txt = s;
			} else {
				var c = Array.from(s);
				if (c.length <= m)
					txt = s;
				else if (cutRight)
					txt = c.slice(0, m - 2).join("") + "..";
				else
					txt = ".." + c.slice(c.length - (m - 2)).join("");
			}
		}
		if (!f.t) {
			if (!txt)
				return;
			f.t = document.createElementNS("http://www.w3.org/2000/svg", "text");
			f.t.setAttribute("y", r2(num(f.r, "y") + to));
			f.g.appendChild(f.t);
		}
		f.t.setAttribute("x", r2(x + 3));
		f.t.textContent = txt;
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
			f.t.setAttribute("x", r2(parseFloat(f.ox) + 3));
			f.t.textContent = f.ot;
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
			if (re.test(f.name)) {
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

	window.profFlame = {
		zoomTo: zoomTo, unzoom: unzoom, search: search, resetSearch: resetSearch,
		toggleCase: toggleCase,
		state: function () {
			return { x: zoomed ? zoomed.p : null, y: zoomed ? zoomed.d : null,
			    s: term, i: ignoreCase, matched: matched.textContent };
		}
	};
	readUrl();
})();
