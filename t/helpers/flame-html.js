// flame-html.js FILE.html TERM PERCENT: opens prof-flame's HTML page in
// headless Chromium, checks it loads without errors, types TERM in the
// search box and presses Enter, then expects the SVG's "Matched:" text to
// start with PERCENT%, and a click on the table's Self header to sort the
// rows ascending.  Exits non-zero with a message naming what differed.
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
		const page = await browser.newPage();
		page.on('pageerror', e => errors.push('page error: ' + e.message));
		page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
		page.on('dialog', d => { errors.push('dialog: ' + d.message()); d.dismiss(); });
		await page.goto(pathToFileURL(file).href);
		await page.fill('#q', term);
		await page.press('#q', 'Enter');
		await page.waitForTimeout(200);
		const matched = await page.textContent('#matched');
		if (!matched || !matched.includes(percent + '%'))
			throw new Error(`#matched: expected ${percent}%, actual ${JSON.stringify(matched)}`);
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
