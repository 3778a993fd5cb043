// The lint page in Firefox: Debian's firefox-esr, headless, driven over WebDriver BiDi by
// puppeteer-core (installed by `make deps` into tests/browser/node_modules, version pinned
// in package-lock.json).  The same person's path as page.test.js in Chromium, shorter:
// check the old documentation example, route its converted form, compare two versions,
// by keyboard, at phone width, with no console error and no request leaving the origin.
// Run by tests/suites/page.sh.
//
// usage: node firefox.test.js URL OLD_DOCS_YAML CONVERTED_YAML DIFF_OLD DIFF_NEW
// Prints "ok - ..." / "FAIL - ..." per assertion and "firefox: N passed, N failed" last.
'use strict';
const fs = require('fs');
const puppeteer = require('puppeteer-core');

const [url, oldFile, convFile, diffOld, diffNew] = process.argv.slice(2);
const origin = new URL(url).origin;
let pass = 0, fail = 0;
const ok = (name) => { pass++; console.log('ok   - firefox: ' + name); };
const bad = (name, why) => { fail++; console.log('FAIL - firefox: ' + name + (why ? '\n   ' + why : '')); };
const check = (name, cond, why) => (cond ? ok(name) : bad(name, why));

// fill a text box as a paste does: the value, then an input event
async function paste(page, sel, text) {
  await page.$eval(sel, (e, t) => { e.value = t; e.dispatchEvent(new Event('input')); }, text);
}

async function main() {
  const browser = await puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', headless: true,
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    extraPrefsFirefox: {   // no background traffic
      'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false,
      'browser.safebrowsing.malware.enabled': false, 'browser.safebrowsing.phishing.enabled': false,
      'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false, 'extensions.update.enabled': false,
      'browser.search.update': false, 'network.dns.disablePrefetch': true, 'network.prefetch-next': false,
    },
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    const consoleErrors = [], foreign = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') consoleErrors.push(m.type() + ': ' + m.text()); });
    page.on('pageerror', (e) => consoleErrors.push('pageerror: ' + e.message));
    // a data: URL leaves nothing (Firefox loads one font of its own that way)
    page.on('request', (r) => { const u = new URL(r.url());
      if (u.protocol !== 'data:' && u.origin !== origin) foreign.push(r.url()); });

    await page.goto(url, { waitUntil: 'load' });
    check('the page loads: title', (await page.title()) === 'ingress-warden lint', await page.title());

    const oldText = fs.readFileSync(oldFile, 'utf8'), conv = fs.readFileSync(convFile, 'utf8');
    await paste(page, '#manifest', oldText);
    await page.click('#lint');
    await page.waitForSelector('#lint-summary');
    const line1 = await page.$$eval('#findings .msg[data-line="1"]', (ns) => ns.map((n) => n.textContent));
    check('old example: line 1 shows the error naming networking.k8s.io/v1',
          line1.some((t) => t.includes('no matches for kind "Ingress" in version "extensions/v1beta1"') &&
                            t.includes('networking.k8s.io/v1')), JSON.stringify(line1));

    await paste(page, '#manifest', conv);
    await paste(page, '#route-host', 'any.example.com');
    await paste(page, '#route-path', '/testpath/x');
    await page.click('#route');
    await page.waitForSelector('#route-decision');
    const decision = await page.$eval('#route-decision', (n) => n.textContent);
    check('converted example: any.example.com /testpath/x -> service test port 80',
          decision.includes('service test port 80') && decision.includes('default/test-ingress'), decision);

    await paste(page, '#manifest', fs.readFileSync(diffOld, 'utf8'));
    await paste(page, '#manifest-new', fs.readFileSync(diffNew, 'utf8'));
    await page.focus('#manifest-new');
    await page.keyboard.down('Control');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Control');
    await page.waitForSelector('#diff-summary');
    const rows = await page.$$eval('#diff-result tr.diff-row', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    check('diff by keyboard (Ctrl+Enter): /api/v2 went from web/api to team-b/api-v2',
          rows.some((r) => r[0] === 'shop.example.com/api/v2' && r[1].includes('service web/api:80') &&
                           r[2].includes('service team-b/api-v2:80')), JSON.stringify(rows));

    await page.setViewport({ width: 390, height: 844 });
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check('phone width (390 px): no horizontal scrolling of the page', over <= 0, 'overflow ' + over + ' px');
    check('no console errors or warnings', consoleErrors.length === 0, consoleErrors.join('\n   '));
    check('no request left ' + origin, foreign.length === 0, foreign.join('\n   '));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { bad('the browser test ran to its end', e && e.stack || String(e)); })
  .finally(() => { console.log(`firefox: ${pass} passed, ${fail} failed`); process.exit(fail ? 1 : 0); });
