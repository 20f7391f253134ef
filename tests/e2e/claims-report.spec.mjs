// "Judge every claim": Cancel stops it, a whole pass writes the claims report (a verdict and
// its chart for every claim), which copies as Markdown and downloads as JSON (the claims'
// embedded view is claims-embed.spec's, so the two passes run side by side). Which verdicts a claim
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
