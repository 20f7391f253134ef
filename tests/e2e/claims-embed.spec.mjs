// `embed=claims` with autorun in a blog's frame, 360 px wide: every claim judged once, one
// verdict message per claim to the embedding page. Which verdicts a claim gets is
// claims.spec's and claims-measured.spec's to check: here every claim must be judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';
import { RUN_CLAIMS, MEASURED_CLAIMS } from './claims.mjs';

const env = useBrowser();
const KEYS = [...Object.keys(RUN_CLAIMS), ...Object.keys(MEASURED_CLAIMS)];
const VERDICTS = ['holds', 'partly', 'does-not-hold'];
const ENVIRONMENT = /^Chromium \d+, \d+ cores?, cross-origin isolated, threads build$/;

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
