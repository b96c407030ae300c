// flame-html.js FILE.html TERM PERCENT: opens prof-flame's HTML page in
// headless Chromium, in a window 1,400 by 1,000 pixels, checks it loads
// without errors, that the table's Function column (its header and first
// row) is in view, and that there is one search box (the SVG's own Search
// button hidden; Ctrl-F goes to the page's box, no prompt); types TERM in
// the box and presses Enter, then expects the SVG's "Matched:" text to
// start with PERCENT%, Esc to empty the box with the search, and a click
// on the table's Self header to sort the rows ascending.  Exits non-zero
// with a message naming what differed.
'use strict';
const { pathToFileURL } = require('url');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--disable-quic', '--disable-extensions', '--disable-default-apps'];

(async () => {
	const [file, term, percent] = process.argv.slice(2);
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
	const errors = [];
	try {
		const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
		page.on('pageerror', e => errors.push('page error: ' + e.message));
		page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
		page.on('dialog', d => { errors.push('dialog: ' + d.message()); d.dismiss(); });
		await page.goto(pathToFileURL(file).href);
		// the Function column: in the window, and not cut off by the
		// table's box
		const cut = await page.evaluate(() => {
			const side = document.getElementById('side').getBoundingClientRect();
			const out = [];
			for (const sel of ['#top th:last-child', '#top tbody tr:first-child td:last-child']) {
				const e = document.querySelector(sel);
				if (!e) {
					out.push(`${sel}: missing`);
					continue;
				}
				const b = e.getBoundingClientRect();
				const left = Math.max(b.left, side.left, 0);
				const right = Math.min(b.right, side.right, window.innerWidth);
				if (right - left < Math.min(b.width, 60) || b.top < 0 || b.bottom > window.innerHeight)
					out.push(`${sel}: expected in view, actual x ${Math.round(b.left)}..${Math.round(b.right)} ` +
					    `y ${Math.round(b.top)} (its box ${Math.round(side.left)}..${Math.round(side.right)}, ` +
					    `the window ${window.innerWidth} wide)`);
			}
			return out;
		});
		if (cut.length)
			throw new Error(cut.join('; '));
		// one search box
		const boxes = await page.evaluate(() => {
			const shown = (e) => e && getComputedStyle(e).display !== 'none' &&
			    e.getBoundingClientRect().width > 0;
			return { q: shown(document.getElementById('q')), svg: shown(document.getElementById('search')),
			    inputs: document.querySelectorAll('input').length };
		});
		if (!boxes.q || boxes.svg || boxes.inputs !== 1)
			throw new Error(`search: expected the page's box alone, actual ${JSON.stringify(boxes)}`);
		await page.click('#graph svg', { position: { x: 5, y: 5 } });
		await page.keyboard.press('Control+f');
		if (await page.evaluate(() => document.activeElement && document.activeElement.id) !== 'q')
			throw new Error('Ctrl-F: expected the search box focused');
		await page.fill('#q', term);
		await page.press('#q', 'Enter');
		await page.waitForTimeout(200);
		const matched = await page.textContent('#matched');
		if (!matched || !matched.includes(percent + '%'))
			throw new Error(`#matched: expected ${percent}%, actual ${JSON.stringify(matched)}`);
		await page.click('#graph svg', { position: { x: 5, y: 5 } });
		await page.keyboard.press('Escape');
		const left = await page.inputValue('#q');
		if (left !== '' || (await page.textContent('#matched')).trim() !== '')
			throw new Error(`Esc: expected the search reset and the box empty, actual ${JSON.stringify(left)}`);
		await page.click('#top th:first-child');
		const self = await page.$$eval('#top tbody tr td:first-child', tds => tds.map(t => parseFloat(t.getAttribute('data-v'))));
		for (let i = 1; i < self.length; i++)
			if (self[i - 1] > self[i])
				throw new Error(`after a click on Self: rows not ascending: ${self.join(',')}`);
		if (errors.length)
			throw new Error(errors.join('; '));
	} catch (e) {
		console.error(e.message);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
})();
