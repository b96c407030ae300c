// t/helpers/flame-browser.js: opens a prof-flame SVG in headless Chromium
// (Debian's, through playwright-core) and checks what a user sees there.
//
//   node flame-browser.js FILE.svg STEP...
//
// The file is opened once untouched to learn its frames as drawn (the
// baseline), then the steps run in order on a fresh page; the first step
// that fails ends the run (exit 1), naming the element, what was expected
// and what was seen.  A frame is named by the first line of its <title>
// (NAME, or NAME@DEPTH when the name is drawn more than once).  Steps:
//
//   open[=?QUERY]   a fresh page on FILE (with QUERY); waits for load
//   reopen          a fresh page on the URL the last page shows now
//   load-ms=N       the last open rendered (load, then a frame) within N ms
//   frames=N        N frames are drawn (<g> in #frames)
//   click=FRAME     a mouse click on the frame's rectangle
//   zoomed=FRAME    FRAME spans the graph, its descendants scaled with it,
//                   its ancestors full width and dimmed, all else hidden
//   unzoomed        every frame where and how it was drawn, Reset Zoom hidden
//   reset           a click on "Reset Zoom"
//   key=KEY         a key press (Escape, Control+i), as playwright names it
//   search=TERM     Ctrl-F, then TERM typed into the prompt it opens
//   matches=A,B     exactly the frames A and B are in the search colour
//                   (a NAME: every frame of that name; empty: none)
//   matched=P[,Z]   "Matched:" shows P% of all (and Z% of the zoom); empty:
//                   nothing is shown
//   query=Q         location.search is Q exactly ("" after a reset)
//   hover=FRAME     the mouse over the frame
//   details=TEXT    the details line contains TEXT
//   label=TEXT      a frame's label reads TEXT (its whole text)
//   nolabel=TEXT    no frame's label contains TEXT
//   visible=FRAME   the frame's rectangle is inside the window
//   headshown       the title and the Reset Zoom button are inside the window
//
// Throughout, any script error, console error, dialog other than the
// search prompt, or request for anything but the file itself fails.
//
// PLAYWRIGHT_CORE (the module's directory) and CHROMIUM (the browser) are
// set by t/3500-flame-browser.t.
'use strict';

const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Headless, and no connections of its own: the machines of CI have no
// network beyond their package mirrors.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync', '--disable-quic',
	'--disable-extensions', '--disable-default-apps'];
const TOL = 0.1;	// pixels: the script rounds to 0.01

class Fail extends Error {}

function fail(lines) {
	throw new Fail(Array.isArray(lines) ? lines.join('\n') : lines);
}

// What the page shows of every frame, in document order.
function snapshot() {
	const fr = document.getElementById('frames');
	const out = [];
	if (!fr)
		return { frames: out, unzoom: null, matched: null, details: null, sc: null, labels: [] };
	const sc = fr.getAttribute('sc');
	const probe = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
	probe.style.fill = sc;
	fr.appendChild(probe);
	const scNorm = getComputedStyle(probe).fill;
	probe.remove();
	let k = 0;
	for (let g = fr.firstElementChild; g; g = g.nextElementSibling) {
		k++;
		const ti = g.querySelector('title'), r = g.querySelector('rect');
		const tip = ti ? ti.textContent : '';
		const b = r ? r.getBoundingClientRect() : { x: 0, width: 0 };
		let opacity = 1, shown = true;
		for (let n = r || g; n && n !== fr.parentNode; n = n.parentNode) {
			const cs = getComputedStyle(n);
			opacity *= parseFloat(cs.opacity);
			if (cs.display === 'none' || cs.visibility === 'hidden')
				shown = false;
		}
		out.push({
			k, name: tip.split('\n')[0], y: r ? parseFloat(r.getAttribute('y')) : NaN,
			x: b.x, w: b.width, shown: shown && b.width > 0, opacity,
			fill: r ? getComputedStyle(r).fill : '',
			hit: r ? getComputedStyle(r).fill === scNorm : false,
		});
	}
	const u = document.getElementById('unzoom');
	const us = u && getComputedStyle(u);
	const text = (id) => {
		const e = document.getElementById(id);
		return e ? e.textContent : null;
	};
	return {
		frames: out,
		unzoom: u ? { opacity: parseFloat(us.opacity), display: us.display,
		    events: us.pointerEvents } : null,
		matched: text('matched'), details: text('details'), sc,
		labels: [...fr.querySelectorAll(':scope > g > text')].map((t) => t.textContent),
	};
}

// Whether the element with this selector is inside the window.
function inWindow(selector) {
	const e = document.querySelector(selector);
	if (!e)
		return `${selector}: no such element`;
	const b = e.getBoundingClientRect();
	if (b.top < 0 || b.bottom > window.innerHeight || b.left < 0 || b.right > window.innerWidth)
		return `${selector}: expected inside the window (${window.innerWidth}x${window.innerHeight}), ` +
		    `actual at x ${Math.round(b.left)} y ${Math.round(b.top)}, ` +
		    `${Math.round(b.width)}x${Math.round(b.height)} (scrolled to ${Math.round(window.scrollY)})`;
	return null;
}

// The frames of a baseline snapshot, with depth, parent and name keys.
function index(snap) {
	const f = snap.frames;
	const ys = [...new Set(f.map((e) => e.y))].sort((a, b) => a - b);
	const root = f.reduce((a, e) => (e.w > a.w ? e : a), f[0]);
	// rows grow up from the root, or down in an icicle graph
	const up = ys.length > 1 && root.y === ys[ys.length - 1];
	for (const e of f)
		e.depth = up ? ys.length - 1 - ys.indexOf(e.y) : ys.indexOf(e.y);
	const count = {};
	for (const e of f)
		count[e.name] = (count[e.name] || 0) + 1;
	for (const e of f)
		e.key = count[e.name] > 1 ? `${e.name}@${e.depth}` : e.name;
	return { frames: f, root, L: root.x, S: root.w };
}

function sel(e) {
	return `#frames > g:nth-child(${e.k}) ("${e.key}") > rect`;
}

function near(a, b) {
	return Math.abs(a - b) <= TOL;
}

function px(v) {
	return Math.round(v * 100) / 100;
}

function find(base, key) {
	const hits = base.frames.filter((e) => e.key === key || e.name === key);
	if (hits.length === 0)
		fail(`no frame "${key}": the frames are ${base.frames.map((e) => e.key).join(', ')}`);
	if (hits.length > 1)
		fail(`"${key}" is drawn ${hits.length} times; name one as NAME@DEPTH: ` +
		    hits.map((e) => e.key).join(', '));
	return hits[0];
}

// a contains b: an ancestor (or itself) in the tree as drawn
function contains(a, b) {
	return a.depth <= b.depth && a.x <= b.x + TOL && a.x + a.w >= b.x + b.w - TOL;
}

function checkZoomed(base, now, z) {
	const bad = [];
	const { L, S } = base;
	for (let i = 0; i < base.frames.length; i++) {
		const o = base.frames[i], n = now.frames[i];
		if (contains(z, o)) {	// z or below it: scaled
			const x = L + (o.x - z.x) * S / z.w, w = o.w * S / z.w;
			if (!n.shown)
				bad.push(`${sel(o)}: expected shown (zoomed into ${z.key}), actual hidden`);
			else if (!near(n.x, x) || !near(n.w, w))
				bad.push(`${sel(o)}: expected x ${px(x)} width ${px(w)}, ` +
				    `actual x ${px(n.x)} width ${px(n.w)}`);
			if (n.opacity < 1)
				bad.push(`${sel(o)}: expected not dimmed, actual opacity ${n.opacity}`);
		} else if (contains(o, z)) {	// an ancestor: full width, dimmed
			if (!n.shown)
				bad.push(`${sel(o)}: expected shown (an ancestor of ${z.key}), actual hidden`);
			else if (!near(n.x, L) || !near(n.w, S))
				bad.push(`${sel(o)}: expected x ${px(L)} width ${px(S)} (an ancestor), ` +
				    `actual x ${px(n.x)} width ${px(n.w)}`);
			if (!(n.opacity < 1))
				bad.push(`${sel(o)}: expected dimmed (an ancestor of ${z.key}), actual opacity ${n.opacity}`);
		} else if (n.shown && n.w >= 0.5 && n.x + n.w > L + TOL && n.x < L + S - TOL) {
			bad.push(`${sel(o)}: expected hidden or out of the graph (not under ${z.key}), ` +
			    `actual shown at x ${px(n.x)} width ${px(n.w)}`);
		}
	}
	if (!now.unzoom || now.unzoom.opacity === 0 || now.unzoom.display === 'none' ||
	    now.unzoom.events === 'none')
		bad.push(`#unzoom: expected "Reset Zoom" shown, actual ${JSON.stringify(now.unzoom)}`);
	if (bad.length)
		fail(bad);
}

function checkUnzoomed(base, now) {
	const bad = [];
	for (let i = 0; i < base.frames.length; i++) {
		const o = base.frames[i], n = now.frames[i];
		if (!n.shown)
			bad.push(`${sel(o)}: expected shown, actual hidden`);
		else if (!near(n.x, o.x) || !near(n.w, o.w))
			bad.push(`${sel(o)}: expected x ${px(o.x)} width ${px(o.w)} (as drawn), ` +
			    `actual x ${px(n.x)} width ${px(n.w)}`);
		if (n.opacity !== o.opacity)
			bad.push(`${sel(o)}: expected opacity ${o.opacity}, actual ${n.opacity}`);
	}
	if (now.unzoom && now.unzoom.opacity !== 0 && now.unzoom.display !== 'none')
		bad.push(`#unzoom: expected "Reset Zoom" hidden, actual opacity ${now.unzoom.opacity}`);
	if (bad.length)
		fail(bad);
}

function checkMatches(base, now, want) {
	const names = want === '' ? [] : want.split(',');
	for (const k of names)
		if (!base.frames.some((e) => e.key === k || e.name === k))
			fail(`no frame "${k}": the frames are ${base.frames.map((e) => e.key).join(', ')}`);
	const bad = [];
	for (let i = 0; i < base.frames.length; i++) {
		const o = base.frames[i], n = now.frames[i];
		const should = names.includes(o.key) || names.includes(o.name);
		if (should && !n.hit)
			bad.push(`${sel(o)}: expected fill ${now.sc} (a match), actual ${n.fill}`);
		else if (!should && n.fill !== o.fill)
			bad.push(`${sel(o)}: expected fill ${o.fill} (as drawn), actual ${n.fill}`);
	}
	if (bad.length)
		fail(bad);
}

function checkMatched(now, want) {
	const text = now.matched;
	if (want === '') {
		if (text === null || text.trim() !== '')
			fail(`#matched: expected no text, actual ${JSON.stringify(text)}`);
		return;
	}
	const nums = want.split(',').map(Number);
	const got = (text || '').match(/-?[0-9]+(\.[0-9]+)?(?=%)/g) || [];
	const ok = /^Matched:/.test(text || '') && got.length === nums.length &&
	    nums.every((v, i) => Math.abs(parseFloat(got[i]) - v) < 0.005 + 1e-9) &&
	    (nums.length < 2 || /of zoom/.test(text));
	if (!ok)
		fail(`#matched: expected "Matched: ${nums.map((v) => v + '%').join(' (')}` +
		    `${nums.length > 1 ? ' of zoom)' : ''}", actual ${JSON.stringify(text)}`);
}

async function main() {
	const [file, ...steps] = process.argv.slice(2);
	if (!file) {
		console.error('usage: node flame-browser.js FILE.svg STEP...');
		process.exit(2);
	}
	const url = pathToFileURL(path.resolve(file)).href;
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
	const problems = [];
	let prompts = [];	// answers for the next prompt()
	let page = null, base = null, loadMs = null;

	async function open(where) {
		if (page)
			await page.close();
		page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
		page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
		page.on('console', (m) => {
			if (m.type() === 'error')
				problems.push(`console error: ${m.text()}`);
		});
		page.on('request', (r) => {
			if (r.url().split('?')[0] !== url)
				problems.push(`the page requested ${r.url()}: not self-contained`);
		});
		page.on('dialog', async (d) => {
			if (d.type() === 'prompt' && prompts.length) {
				await d.accept(prompts[0]);
				prompts.shift();
			} else {
				problems.push(`unexpected ${d.type()} dialog: ${JSON.stringify(d.message())}`);
				await d.dismiss();
			}
		});
		const t0 = Date.now();
		await page.goto(where, { waitUntil: 'load' });
		// rendered: the first frame after load is painted
		await page.evaluate(() => new Promise((r) =>
		    requestAnimationFrame(() => requestAnimationFrame(r))));
		loadMs = Date.now() - t0;
	}

	async function frameRect(key) {
		const e = find(base, key);
		return page.locator(`#frames > g:nth-child(${e.k}) > rect`);
	}

	// the baseline: the file as drawn, before any step; on a warm browser,
	// so that load-ms times the page and not the browser's start
	await open('about:blank');
	await open(url);
	base = index(await page.evaluate(snapshot));
	if (base.frames.length === 0)
		fail('#frames > g: expected frames, actual none');
	if (problems.length)
		fail(problems.splice(0));

	for (const step of steps) {
		const eq = step.indexOf('=');
		const verb = eq < 0 ? step : step.slice(0, eq), arg = eq < 0 ? '' : step.slice(eq + 1);
		const now = async () => page.evaluate(snapshot);
		try {
			switch (verb) {
			case 'open':
				await open(url + arg);
				break;
			case 'reopen':
				// the page's own word: page.url() learns of replaceState
				// only when an event comes back from the browser
				await open(await page.evaluate(() => location.href));
				break;
			case 'load-ms':
				if (!(loadMs <= Number(arg)))
					fail(`load: expected within ${arg} ms, actual ${loadMs} ms`);
				console.log(`# rendered in ${loadMs} ms`);
				break;
			case 'frames': {
				const n = (await now()).frames.length;
				if (n !== Number(arg))
					fail(`#frames > g: expected ${arg} frames, actual ${n}`);
				break;
			}
			case 'click':
				await (await frameRect(arg)).click();
				break;
			case 'zoomed':
				checkZoomed(base, await now(), find(base, arg));
				break;
			case 'unzoomed':
				checkUnzoomed(base, await now());
				break;
			case 'reset':
				await page.locator('#unzoom').click();
				break;
			case 'key':
				await page.keyboard.press(arg);
				break;
			case 'search': {
				prompts = [arg];
				await page.keyboard.press('Control+f');
				// the prompt is answered as it opens; wait till it is
				for (let i = 0; i < 250 && prompts.length; i++)
					await page.waitForTimeout(20);
				if (prompts.length)
					fail('Ctrl-F: expected a prompt for the search term, actual none');
				break;
			}
			case 'matches':
				checkMatches(base, await now(), arg);
				break;
			case 'matched':
				checkMatched(await now(), arg);
				break;
			case 'query': {
				const q = await page.evaluate(() => location.search);
				if (q !== arg)
					fail(`location.search: expected ${JSON.stringify(arg)}, actual ${JSON.stringify(q)}`);
				break;
			}
			case 'hover':
				await (await frameRect(arg)).hover();
				break;
			case 'label': {
				const l = (await now()).labels;
				if (!l.includes(arg))
					fail(`#frames text: expected a label ${JSON.stringify(arg)}, actual ${JSON.stringify(l)}`);
				break;
			}
			case 'nolabel': {
				const l = (await now()).labels.filter((t) => t.includes(arg));
				if (l.length)
					fail(`#frames text: expected no label with ${JSON.stringify(arg)}, actual ${JSON.stringify(l)}`);
				break;
			}
			case 'visible': {
				const e = find(base, arg);
				const why = await page.evaluate(inWindow, `#frames > g:nth-child(${e.k}) > rect`);
				if (why)
					fail(why);
				break;
			}
			case 'headshown':
				for (const id of ['#title', '#unzoom']) {
					const why = await page.evaluate(inWindow, id);
					if (why)
						fail(why);
				}
				break;
			case 'details': {
				const d = (await now()).details;
				if (d === null || !d.includes(arg))
					fail(`#details: expected to contain ${JSON.stringify(arg)}, actual ${JSON.stringify(d)}`);
				break;
			}
			default:
				console.error(`flame-browser.js: unknown step ${JSON.stringify(step)}`);
				process.exit(2);
			}
			// let the page's handlers run, so their errors are seen here
			await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
			if (problems.length)
				fail(problems.splice(0));
		} catch (e) {
			if (!(e instanceof Fail))
				throw e;
			console.log(`FAIL ${step}:`);
			console.log(e.message.replace(/^/gm, '  '));
			await browser.close();
			process.exit(1);
		}
		console.log(`ok ${step}`);
	}
	await browser.close();
}

main().catch((e) => {
	console.log(`FAIL: ${e instanceof Fail ? e.message : e.stack || e}`);
	process.exit(1);
});
