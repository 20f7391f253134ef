// Faults are reported, never hung on: a task that panics or traps in a worker or on the main
// thread, a worker that cannot start, and a run the browser throttled in a hidden tab.
// `fault=` is the test-only injection parameter (README: "Test-only parameters").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';

const env = useBrowser();

/**
 * Runs `run` (a click that runs, and its row); the row, and ms from the click to the run's
 * end as seen from here. A failed run's row has no makespan (no task finished), so a failed
 * run and a whole one are timed alike this way.
 */
async function timed(run) {
  const t0 = performance.now();
  const row = await run();
  return { row, ms: Math.round(performance.now() - t0) };
}

for (const fault of ['worker-panic', 'worker-trap']) {
  test(`a ${fault} fails the threads run with a message, and a restarted pool runs again`, { timeout: 60_000 }, async () => {
    const pg = await env.open(`pool=2&workload=cpu&tasks=6&cpu_ms=200&threads=2&strategy=threads&fault=${fault}`);
    assert.doesNotMatch(pg.page.url(), /fault=/, 'links never keep the injection');
    const failed = await timed(() => pg.run('threads'));
    const r = failed.row;
    assert.equal(r.state, 'failed');
    const error = await pg.runError();
    assert.match(error, fault === 'worker-panic' ? /Threads failed: worker \d: .*injected fault/ : /Threads failed: worker \d: .*unreachable/);
    const reportMs = Number(await pg.attr('run-error', 'data-report-ms'));
    await pg.waitPool('failed');
    assert.match(await pg.testid('gate-threads').innerText(), /restart/);
    await pg.testid('pool-restart').click();
    await pg.waitPool('ready');
    assert.equal(await pg.poolWorkers(), 2);
    const whole = await timed(() => pg.runDone('threads'));
    // Task 0 faults as it starts: the run ended on the fault, and said so, well before the
    // same run without it computed its other tasks (on the same machine, moments apart).
    assert.ok(failed.ms < whole.ms / 2, `the failed run took ${failed.ms} ms, the whole run ${whole.ms} ms`);
    assert.ok(reportMs >= 0 && reportMs < whole.row.makespan / 2, `reported after ${reportMs} ms; the whole run took ${whole.row.makespan} ms`);
    // The demos' code is in the extras chunk: the new workers instantiated it before the pool
    // was ready, so the queue demo's threads run there.
    await pg.testid('field-queue-items').fill('50');
    const ended = Number(await pg.attr('demos', 'data-ended'));
    await pg.testid('queue-run').click();
    await pg.page.waitForFunction((n) => Number(document.querySelector('[data-testid=demos]').dataset.ended) > n, ended, { timeout: 30_000, polling: 100 });
    assert.equal(await pg.attr('queue-threads', 'data-samples'), '100');
    assert.deepEqual(pg.errors, []);
    await pg.page.close();
  });
}

for (const fault of ['worker-panic', 'worker-trap']) {
  test(`a ${fault} in a process fails the processes run with a message, and the next run works`, { timeout: 60_000 }, async () => {
    const pg = await env.open(`pool=2&workload=cpu&tasks=6&cpu_ms=200&threads=2&strategy=processes&fault=${fault}`);
    const failed = await timed(() => pg.run('processes'));
    assert.equal(failed.row.state, 'failed');
    assert.match(await pg.runError(), fault === 'worker-panic' ? /Processes failed: process \d: .*injected fault/ : /Processes failed: process \d: .*unreachable/);
    // Processes live and die with their run: the thread pool is untouched, the next run starts fresh ones.
    await pg.waitPool('ready');
    const whole = await timed(() => pg.runDone('processes'));
    // Both start their processes; the failed one ended on the fault instead of computing.
    assert.ok(failed.ms < whole.ms / 2, `the failed run took ${failed.ms} ms, the whole run ${whole.ms} ms`);
    assert.equal((await pg.runDone('threads')).state, 'done');
    assert.deepEqual(pg.errors, []);
    await pg.page.close();
  });
}

for (const fault of ['main-panic', 'main-trap']) {
  test(`a ${fault} reloads the page with the same experiment, keeps earlier results and marks the run failed`, { timeout: 60_000 }, async () => {
    const pg = await env.open(`pool=2&workload=io&tasks=5&io_ms=20&threads=2&strategy=threads&fault=${fault}`);
    // A threads run is not struck (the fault is for the main thread's next run).
    const earlier = await pg.runDone('threads');
    await pg.chooseStrategy('async');
    await pg.testid('run').click();
    // The page dies and reloads by itself.
    await pg.page.waitForSelector('[data-testid=run-error]', { timeout: 20_000 });
    await pg.waitReady();
    assert.match(await pg.runError(), /restarted after a fault on the main thread/);
    if (fault === 'main-panic') assert.match(await pg.runError(), /injected fault/);
    assert.ok(Number(await pg.attr('run-error', 'data-report-ms')) >= 0);
    assert.match(pg.page.url(), /workload=io/);
    assert.match(pg.page.url(), /tasks=5/);
    const kept = await pg.result('threads');
    assert.equal(kept.state, 'done');
    assert.equal(kept.makespan, earlier.makespan);
    assert.equal(kept.checksum, earlier.checksum);
    assert.equal((await pg.result('async')).state, 'failed');
    // The fault struck once: the same run now completes.
    assert.equal((await pg.runDone('async')).state, 'done');
    await pg.page.close();
  });
}

test('a pool whose worker cannot start says so and offers to start it again', { timeout: 60_000 }, async () => {
  const page = await env.newPage();
  await page.goto(`${env.server.url}?pool=3&fault=worker-start`);
  await page.waitForSelector('[data-testid=pool-status][data-state=failed]', { timeout: 30_000 });
  assert.match(await page.locator('[data-testid=pool-status]').innerText(), /failed while starting/);
  assert.match(await page.locator('[data-testid=gate-threads]').innerText(), /restart/);
  const smaller = page.locator('[data-testid=pool-smaller]');
  if (await smaller.count()) assert.match(await smaller.innerText(), /Start [12] workers? instead/);
  await page.locator('[data-testid=pool-restart]').click();
  await page.waitForSelector('[data-testid=pool-status][data-state=ready]', { timeout: 30_000 });
  assert.equal(await page.locator('[data-testid=pool-status]').getAttribute('data-workers'), '3');
  await page.close();
});

test('a run during which the page was hidden is marked untrustworthy, in the results and the findings', { timeout: 60_000 }, async () => {
  const pg = await env.open('pool=2&workload=io&tasks=10&io_ms=300&strategy=async');
  await pg.testid('run').click();
  await pg.page.waitForSelector('[data-testid=controls][data-state=running]');
  // What the browser does when the tab goes to the background, and back.
  const flip = (hidden) => pg.page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await flip(true);
  await pg.page.waitForTimeout(100);
  await flip(false);
  await pg.waitIdle();
  const row = pg.testid('result-async');
  assert.equal(await row.getAttribute('data-disturbed'), 'true');
  assert.match(await pg.testid('result-async-disturbed').innerText(), /page hidden .* untrustworthy/);
  const finding = pg.page.locator('[data-testid=insights] li[data-rule=disturbed][data-strategy=async]');
  assert.match(await finding.innerText(), /hidden for .* cannot be trusted/);
  // A run with the page visible throughout is not marked.
  await pg.run('async');
  assert.equal(await row.getAttribute('data-disturbed'), 'false');
  await pg.page.close();
});

test('an uncaught error that is not a trap leaves the app running (no reload)', { timeout: 30_000 }, async () => {
  const pg = await env.open('pool=2&workload=io&tasks=5&io_ms=20');
  const first = await pg.runDone('async');
  // What a browser notice or an extension's script looks like to the page.
  await pg.page.evaluate(() => {
    window.sameDocument = true;
    setTimeout(() => { throw new Error('ResizeObserver loop completed with undelivered notifications'); });
  });
  await pg.page.waitForTimeout(500);
  assert.equal(await pg.page.evaluate(() => window.sameDocument), true, 'the page did not reload');
  assert.equal(await pg.runError(), null, 'no fault reported');
  assert.equal((await pg.result('async')).makespan, first.makespan, 'the same page, results in place');
  await pg.page.close();
});
