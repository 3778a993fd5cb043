// The lint page in a real browser: Debian's chromium, headless, driven by playwright-core
// (installed by `make deps` into tests/browser/node_modules, version pinned in
// package-lock.json).  Run by tests/suites/page.sh, which starts the lint server.
//
// usage: node page.test.js URL OLD_DOCS_YAML CONVERTED_YAML EXPECT_JSON DIFF_OLD DIFF_NEW DIFF_JSON [SCREENSHOT_DIR]
//   DIFF_JSON: what `ingress-warden diff DIFF_OLD --to DIFF_NEW -o json` printed
//   EXPECT_JSON: what `ingress-warden lint -o json OLD_DOCS_YAML` printed: the page must
//   show the same messages at the same lines.
// Prints "ok - ..." / "FAIL - ..." per assertion and "page: N passed, N failed" last.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, oldFile, convFile, expectFile, diffOld, diffNew, diffExpect, shots] = process.argv.slice(2);
const origin = new URL(url).origin;
let pass = 0, fail = 0;
const ok = (name) => { pass++; console.log('ok   - ' + name); };
const bad = (name, why) => { fail++; console.log('FAIL - ' + name + (why ? '\n   ' + why : '')); };
const check = (name, cond, why) => (cond ? ok(name) : bad(name, why));

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // as in /work/.library machines' "known to work": no background traffic at all
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-features=Translate,OptimizationHints,MediaRouter'],
  });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const consoleErrors = [], foreign = [], failed = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.type() + ': ' + m.text()); });
  page.on('pageerror', (e) => consoleErrors.push('pageerror: ' + e.message));
  page.on('requestfailed', (r) => failed.push(r.url() + ' ' + (r.failure() || {}).errorText));
  // Every request the page makes is seen here; one that would leave this origin is
  // recorded and never sent.
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (new URL(u).origin === origin) return route.continue();
    foreign.push(u);
    return route.abort();
  });

  await page.goto(url, { waitUntil: 'load' });
  check('the page loads: title', (await page.title()) === 'ingress-warden lint', await page.title());
  const local = await page.textContent('#local');
  check('the page says nothing leaves the machine', /Nothing leaves this machine/.test(local) && local.includes(origin), local);
  for (const id of ['manifest', 'lint', 'findings', 'route-host', 'route-path', 'route', 'route-result'])
    check('element #' + id + ' is there', (await page.$('#' + id)) !== null);

  // 1. the old documentation example: what lint says, at its line, on the page
  const oldText = fs.readFileSync(oldFile, 'utf8');
  const expect = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
  await page.fill('#manifest', oldText);
  await page.click('#lint');
  await page.waitForSelector('#lint-summary');
  const msgs = await page.$$eval('#findings .msg', (ns) => ns.map((n) => ({
    line: Number(n.getAttribute('data-line')), sev: n.getAttribute('data-severity'), text: n.textContent })));
  const want = [];
  for (const o of expect.results) {
    for (const e of o.errors) want.push({ line: e.line, sev: 'error', text: e.message });
    for (const f of o.findings) want.push({ line: f.line, sev: f.severity, text: f.message });
  }
  for (const p of expect.problems) want.push({ line: p.line, sev: 'error', text: p.message });
  check('old example: the page shows as many messages as lint prints', msgs.length === want.length,
        JSON.stringify(msgs) + ' vs ' + JSON.stringify(want));
  for (const w of want)
    check(`old example: line ${w.line} shows the ${w.sev} "${w.text.slice(0, 60)}"`,
          msgs.some((m) => m.line === w.line && m.sev === w.sev && m.text.includes(w.text)), JSON.stringify(msgs));
  const line1 = msgs.filter((m) => m.line === 1);
  check('old example: line 1 carries a message naming networking.k8s.io/v1',
        line1.some((m) => m.text.includes('networking.k8s.io/v1')), JSON.stringify(line1));
  const listed = await page.$eval('#findings .listing', (n) => n.querySelector('[data-line="1"] .src').textContent);
  check('old example: line 1 of the listing is the apiVersion line', listed === oldText.split('\n')[0], listed);
  const summary = await page.textContent('#lint-summary');
  check('old example: the summary is lint\'s summary line',
        summary === 'denied 1 object checked, 1 denied: 1 error (1 from the API server\'s rules, 0 from checks, 0 input), 0 warnings; 0 documents of other kinds skipped',
        summary);
  const verdict = await page.$eval('#findings table.verdicts tbody tr', (tr) => tr.textContent);
  const o0 = expect.results[0];
  check('old example: the verdict row names the object and its verdict',
        verdict.includes('Ingress default/test-ingress') && verdict.includes(o0.allowed ? 'allowed' : 'denied'), verdict);

  // 2. the converted example: which backend serves any.example.com/testpath/x
  await page.fill('#manifest', fs.readFileSync(convFile, 'utf8'));
  await page.fill('#route-host', 'any.example.com');
  await page.fill('#route-path', '/testpath/x');
  await page.click('#route');
  await page.waitForSelector('#route-decision');
  const decision = await page.textContent('#route-decision');
  check('converted example: any.example.com /testpath/x -> service test port 80',
        decision.includes('service test port 80') && decision.includes('default/test-ingress'), decision);
  const explain = await page.textContent('#route-result pre.explain');
  check('converted example: the explanation names the chosen candidate',
        explain.includes('decision: rule default/test-ingress -> service test:80'), explain);
  // the README's picture: the old example's findings and the route of its converted form
  await page.fill('#manifest', oldText);
  await page.click('#lint');
  await page.waitForFunction(() => document.querySelector('#findings .listing [data-line="1"] .src').textContent.includes('extensions'));
  await shot(page, 'lint-page.png', true);
  await page.fill('#manifest', fs.readFileSync(convFile, 'utf8'));

  // 3. by keyboard: Enter in the path field routes, Ctrl+Enter in the manifests checks
  await page.fill('#route-path', '/elsewhere');
  await page.focus('#route-path');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /no match|service/.test(document.querySelector('#route-decision').textContent) &&
                                   document.querySelector('#route-result pre').textContent.includes('/elsewhere'));
  const d2 = await page.textContent('#route-decision');
  check('keyboard: Enter in #route-path routes /elsewhere (no rule: the default backend)', /no match/.test(d2), d2);
  await page.focus('#manifest');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('#lint-status').textContent === 'Nothing denied.' ||
                                   document.querySelector('#lint-status').textContent === 'Something is denied.');
  const st = await page.textContent('#lint-status');
  const sum = await page.textContent('#lint-summary');
  check('keyboard: Ctrl+Enter in #manifest checks the converted example', /1 object checked/.test(sum), st + ' / ' + sum);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check('keyboard: Tab leaves the text box for the next control', focused === 'lint', focused);

  // 4. what changes between two versions: what `ingress-warden diff -o json` says of them
  const dOld = fs.readFileSync(diffOld, 'utf8'), dNew = fs.readFileSync(diffNew, 'utf8');
  const dWant = JSON.parse(fs.readFileSync(diffExpect, 'utf8'));
  await page.fill('#manifest', dOld);
  await page.fill('#manifest-new', dNew);
  await page.click('#diff');
  await page.waitForSelector('#diff-summary');
  const dsum = await page.textContent('#diff-summary');
  check('diff: the summary is diff\'s (' + dWant.checked + ' requests checked, ' + dWant.differ + ' differ)',
        dsum.endsWith(`${dWant.checked} requests checked, ${dWant.differ} differ.`), dsum);
  const causes = await page.$$eval('#diff-result .cause h3', (hs) => hs.map((h) => h.textContent));
  check('diff: the causes are diff\'s, with their counts',
        JSON.stringify(causes) === JSON.stringify(dWant.causes.map((c) => c.cause + ' (' + c.count + ')')), JSON.stringify(causes));
  const rows = await page.$$eval('#diff-result tr.diff-row', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const line = (w) => (w ? ' (line ' + w.replace(/^.*:/, '') + ')' : '');
  const out = (o) => (o.status ? o.status + ' ' : '') + (o.target || '') + (o.object ? ' · ' + (o.kind || '') + ' ' + o.object : '') + line(o.where);
  const want2 = [];
  for (const c of dWant.causes) for (const q of c.requests)
    want2.push([(q.request.host || '(no Host)') + q.request.path, out(q.old), out(q.new)]);
  check('diff: every request diff lists, with both outcomes and lines, in its order (' + want2.length + ')',
        JSON.stringify(rows) === JSON.stringify(want2), JSON.stringify(rows) + '\n   vs ' + JSON.stringify(want2));
  check('diff: /api/v2 went from web/api to team-b/api-v2',
        rows.some((r) => r[0] === 'shop.example.com/api/v2' && r[1].includes('service web/api:80') && r[2].includes('service team-b/api-v2:80')),
        JSON.stringify(rows));
  await shotOf(page, 'section[aria-labelledby="h-diff"]', 'lint-page-diff.png');
  await page.fill('#manifest-new', dOld);
  await page.focus('#manifest-new');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => /, 0 differ\.$/.test(document.querySelector('#diff-summary').textContent));
  check('diff: Ctrl+Enter compares; the same manifests: nothing differs',
        /, 0 differ\.$/.test(await page.textContent('#diff-summary')), await page.textContent('#diff-summary'));
  const conv = fs.readFileSync(convFile, 'utf8');
  // opening files (what dropping does): each added under a "# NAME" line
  await page.fill('#manifest', '');
  await page.setInputFiles('#files', convFile);
  await page.waitForFunction(() => document.querySelector('#manifest').value.length > 0);
  const opened = await page.inputValue('#manifest');
  check('Open files: the file is added under its name', opened === '# ' + path.basename(convFile) + '\n' + conv, opened.slice(0, 80));

  // 5. phone width: nothing wider than the screen
  await page.setViewportSize({ width: 390, height: 844 });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check('phone width (390 px): no horizontal scrolling of the page', over <= 0, 'overflow ' + over + ' px');
  await shot(page, 'lint-page-phone.png', true);

  check('no console errors or warnings', consoleErrors.length === 0, consoleErrors.join('\n   '));
  check('no request left ' + origin, foreign.length === 0, foreign.join('\n   '));
  check('no request failed', failed.length === 0, failed.join('\n   '));
  await browser.close();
}

async function shotOf(page, selector, name) {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  await (await page.$(selector)).screenshot({ path: path.join(shots, name) });
}

async function shot(page, name, full) {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, name), fullPage: !!full });
}

main().catch((e) => { bad('the browser test ran to its end', e && e.stack || String(e)); })
  .finally(() => { console.log(`page: ${pass} passed, ${fail} failed`); process.exit(fail ? 1 : 0); });
