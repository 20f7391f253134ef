// The page loads isolated, with a working pool, and without errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './playground.mjs';

let env;
before(async () => (env = await start()));
after(async () => env.stop());

test('the page is cross-origin isolated and its pool reports its threads', async () => {
  const pg = await env.open('pool=2');
  assert.equal(await pg.page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await pg.testid('isolation').getAttribute('data-value'), 'true');
  assert.equal(await pg.testid('pool-status').getAttribute('data-state'), 'ready');
  assert.equal(await pg.poolWorkers(), 2);
  assert.ok(Number(await pg.testid('calibration').getAttribute('data-value')) > 1000);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('the served headers are the ones hosts are told to send', async () => {
  const res = await fetch(env.server.url);
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(res.headers.get('document-isolation-policy'), 'isolate-and-require-corp');
});

test('without isolation headers the page says why threads are unavailable', async () => {
  const { serve } = await import('./serve.mjs');
  const bare = await serve({ headers: {} });
  const page = await env.browser.newPage();
  await page.goto(bare.url);
  await page.waitForFunction(() => document.body.innerText.includes('cross-origin isolated'), null, { timeout: 20_000 });
  const text = await page.locator('body').innerText();
  assert.match(text, /Cross-Origin-Opener-Policy/);
  await page.close();
  await bare.close();
});

test('without isolation processes are the parallel strategy: they need no shared memory', { timeout: 60_000 }, async () => {
  const { serve } = await import('./serve.mjs');
  const { Playground } = await import('./playground.mjs');
  const bare = await serve({ headers: {} });
  const pg = new Playground(await env.browser.newPage(), bare.url);
  await pg.open('workload=cpu&tasks=12&cpu_ms=50&threads=2');
  assert.equal(await pg.page.evaluate(() => self.crossOriginIsolated), false);
  const seq = await pg.run('sequential');
  const pro = await pg.run('processes');
  assert.equal(pro.state, 'done');
  assert.equal(pro.checksum, seq.checksum);
  assert.equal(pro.lanes, 2);
  assert.ok(pro.makespan * 1.3 <= seq.makespan, `processes ${pro.makespan} ms vs sequential ${seq.makespan} ms`);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
  await bare.close();
});
