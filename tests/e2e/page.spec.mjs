// The page loads isolated, with a working pool, and without errors. The first two tests only
// read the page: they share one load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';

const env = useBrowser();

test('the page is cross-origin isolated and its pool reports its threads', { timeout: 60_000 }, async () => {
  const pg = await env.shared('pool=2');
  assert.equal(await pg.page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await pg.testid('isolation').getAttribute('data-value'), 'true');
  assert.equal(await pg.testid('pool-status').getAttribute('data-state'), 'ready');
  assert.equal(await pg.poolWorkers(), 2);
  assert.ok(Number(await pg.testid('calibration').getAttribute('data-value')) > 1000);
  assert.deepEqual(pg.errors, []);
});

test('the page starts with its main module and loads the extras chunk once it is ready', { timeout: 60_000 }, async () => {
  const pg = await env.shared('pool=2');
  // The claims are the chunk's: once they are there, it has loaded (and the workers have it).
  await pg.page.waitForSelector('[data-testid=claims-panel] button');
  const ready = await pg.readyMs();
  const wasm = await pg.page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.wasm'))
    .map((e) => ({ file: e.name.split('/').pop(), start: e.startTime })));
  assert.equal(wasm.length, 2, JSON.stringify(wasm));
  const [main, extras] = [wasm.find((w) => w.file.endsWith('_bg.wasm')), wasm.find((w) => w.file.endsWith('_extras.wasm'))];
  assert.ok(main && extras, JSON.stringify(wasm));
  assert.equal(extras.file.replace('_extras.wasm', ''), main.file.replace('_bg.wasm', ''), 'the chunk of the same build');
  assert.ok(main.start < ready && extras.start >= ready - 1, `main at ${main.start} ms, extras at ${extras.start} ms, ready at ${ready} ms`);
  assert.deepEqual(pg.errors, []);
});

test('the served headers are the ones hosts are told to send', { timeout: 30_000 }, async () => {
  const res = await fetch(env.server.url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(res.headers.get('document-isolation-policy'), 'isolate-and-require-corp');
});

test('an experiment that only waits runs before the kernel is calibrated; one that computes waits for it', { timeout: 60_000 }, async () => {
  // What Run looks like at the first frame it is there, before anything else is awaited.
  const atFirstRun = () => new Promise((resolve) => {
    const look = () => {
      const run = document.querySelector('[data-testid=run]');
      if (!run) return requestAnimationFrame(look);
      resolve({
        enabled: !run.disabled,
        calibrated: document.querySelector('[data-testid=calibration][data-value]') !== null,
        why: document.querySelector('[data-testid=gate-async]')?.textContent ?? '',
      });
    };
    look();
  });
  const io = await env.newPage({ viewport: { width: 1280, height: 900 } });
  await io.goto(`${env.server.url}?pool=2`);
  const first = await io.evaluate(atFirstRun);
  assert.deepEqual(first, { enabled: true, calibrated: false, why: '' }, 'the articles\' 50 requests can run at once');
  await io.click('[data-testid=run]');
  await io.waitForSelector('[data-testid=result-async][data-state=done]', { timeout: 30_000 });
  assert.ok(Number(await io.getAttribute('[data-testid=result-async-makespan]', 'data-value')) >= 100);

  const cpu = await env.newPage({ viewport: { width: 1280, height: 900 } });
  await cpu.goto(`${env.server.url}?pool=2&workload=cpu&tasks=4`);
  const computes = await cpu.evaluate(atFirstRun);
  assert.equal(computes.enabled, false, JSON.stringify(computes));
  assert.match(computes.why, /calibrated/);
  await cpu.waitForSelector('[data-testid=calibration][data-value]', { state: 'attached', timeout: 30_000 });
  await cpu.waitForFunction(() => document.querySelector('[data-testid=run]')?.disabled === false, null, { timeout: 10_000 });
});
