// "Judge every claim": Cancel stops it, a whole pass writes the claims report (a verdict and
// its chart for every claim), which copies as Markdown and downloads as JSON; `embed=claims`
// with autorun in a blog's frame posts one verdict message per claim. Which verdicts a claim
// gets is claims.spec's and claims-measured.spec's to check (some depend on the machine's
// load): here every claim must be judged, not skipped, and say where it was measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, Playground } from './playground.mjs';
import { RUN_CLAIMS, MEASURED_CLAIMS } from './claims.mjs';

const env = useBrowser();
const KEYS = [...Object.keys(RUN_CLAIMS), ...Object.keys(MEASURED_CLAIMS)];
const VERDICTS = ['holds', 'partly', 'does-not-hold'];
const ENVIRONMENT = /^Chromium \d+, \d+ cores?, cross-origin isolated, threads build$/;

test('Judge every claim: Cancel stops it; a whole pass writes the report, copied as Markdown and downloaded as JSON', { timeout: 420_000 }, async () => {
  const context = await env.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  const pg = new Playground(await context.newPage(), env.server.url);
  await pg.open('');
  const all = pg.testid('claims-judge-all');

  // Cancel during the second claim: no report, and the button is back.
  await all.click();
  await pg.page.waitForSelector('[data-testid=claims-progress][data-at="1"]', { timeout: 60_000 });
  await pg.testid('claims-cancel').click();
  await pg.testid('claims-progress').waitFor({ state: 'detached', timeout: 60_000 });
  assert.equal(await pg.testid('claims-report').count(), 0, 'a cancelled pass writes no report');
  await pg.page.waitForFunction(() => !document.querySelector('[data-testid=claims-judge-all]').disabled, null, { timeout: 30_000 });

  await all.click();
  const report = pg.testid('claims-report');
  await report.waitFor({ timeout: 360_000 });
  const rows = await report.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({ key: tr.dataset.claim, holds: tr.dataset.holds, text: tr.innerText })));
  assert.deepEqual(rows.map((r) => r.key).sort(), [...KEYS].sort(), 'a row per claim');
  for (const r of rows) assert.ok(VERDICTS.includes(r.holds), `${r.key} was not judged: ${r.text}`);
  assert.match(await report.innerText(), /Measured in Chromium \d+, \d+ cores?, cross-origin isolated, threads build on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  // Each card shows the figures it judged on, as a chart beside its verdict.
  for (const key of KEYS) {
    const bars = await pg.page.locator(`[data-testid=claim-${key}-chart] [data-testid=claim-bar]`).count();
    assert.ok(bars >= 1, `${key}: no chart`);
    assert.match(await pg.testid(`claim-${key}-verdict-where`).innerText(), /^Measured in Chromium \d+, /);
  }

  await pg.testid('claims-report-copy').click();
  await pg.page.waitForFunction(() => document.querySelector('[data-testid=claims-report-said]')?.textContent.includes('Copied'), null, { timeout: 10_000 });
  const markdown = await pg.page.evaluate(() => navigator.clipboard.readText());
  assert.match(markdown, /^### The asyncio-vs-threading claims, judged in a browser\n\nMeasured in Chromium \d+, /);
  assert.equal(markdown.split('\n').filter((l) => l.startsWith('| ')).length, KEYS.length + 1, 'a header and a line per claim');

  const [download] = await Promise.all([pg.page.waitForEvent('download'), pg.testid('claims-report-json').click()]);
  const json = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(json.format, 'async-vs-threads/claims');
  assert.match(json.environment, ENVIRONMENT);
  assert.equal(json.claims.length, KEYS.length);
  // The runs a verdict judged, by experiment and checksum: the same work in every strategy.
  const requests = json.claims.find((c) => c.key === 'requests');
  assert.deepEqual(requests.runs.map((r) => r.strategy), ['sequential', 'threads', 'async']);
  assert.equal(new Set(requests.runs.map((r) => r.checksum)).size, 1, JSON.stringify(requests.runs));
  for (const c of json.claims) {
    assert.ok(VERDICTS.includes(c.holds), `${c.key}: ${c.holds}`);
    assert.ok(c.figures.length >= 1 && c.figures.every((f) => Number.isFinite(f.value)), `${c.key}: ${JSON.stringify(c.figures)}`);
  }
  assert.deepEqual(pg.errors, []);
});

test('embed=claims with autorun in a blog post, 360 px wide, posts one verdict per claim', { timeout: 420_000 }, async () => {
  const blog = await env.serveBlog();
  const src = `${env.server.url}?embed=claims&autorun=1`;
  const url = blog.add('claims', `<!doctype html><html><head><meta charset="utf-8"><title>claims</title></head>
<body style="margin:0"><iframe src="${src}" width="360" height="640" allow="cross-origin-isolated; clipboard-write"></iframe>
<script>
  window.messages = [];
  addEventListener('message', (e) => messages.push({ origin: e.origin, data: e.data }));
</script></body></html>`);
  const page = await env.newPage({ viewport: { width: 360, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  const verdicts = () => page.evaluate(() => messages.filter((m) => m.data?.type === 'async-vs-threads:verdict').map((m) => m.data));
  await page.waitForFunction((n) => messages.filter((m) => m.data?.type === 'async-vs-threads:verdict').length >= n, KEYS.length, { timeout: 400_000 });
  const got = await verdicts();
  assert.deepEqual(got.map((v) => v.claim).sort(), [...KEYS].sort(), 'one verdict message per claim');
  for (const v of got) {
    assert.equal(v.v, 1);
    assert.ok([...VERDICTS, 'skipped'].includes(v.holds), `${v.claim}: ${v.holds}`);
    // In a blog's frame, Chromium isolates the page with Document-Isolation-Policy: threads run.
    assert.ok(VERDICTS.includes(v.holds), `${v.claim} skipped: ${v.skipped}`);
    assert.match(v.environment, ENVIRONMENT);
    assert.ok(typeof v.verdict === 'string' && v.figures.length >= 1, `${v.claim}: ${JSON.stringify(v)}`);
  }
  const frame = page.frames().find((f) => f !== page.mainFrame());
  assert.equal(await frame.locator('[data-testid=claims-report]').count(), 1, 'the frame shows the report');
  // Fits 360 px: nothing wider than the frame.
  const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the claims view overflows its 360 px frame by ${overflow} px`);
  assert.deepEqual(errors, []);
});
