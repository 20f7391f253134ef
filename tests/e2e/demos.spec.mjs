// The "Interleaving and shared state" demos run in the page and show what really happened:
// async traces repeat and thread traces do not, fixed counters are exact, bounded queues stay
// bounded, and a deadlock is detected with its locks named while the pool keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, needsFreeCore } from './playground.mjs';

const env = useBrowser();

/** Clicks a demo's Run and waits until that run has ended (the section counts ended runs). */
async function runDemo(pg, id, timeout = 60_000) {
  const ended = Number(await pg.attr('demos', 'data-ended'));
  await pg.page.waitForSelector(`[data-testid=${id}-run]:not([disabled])`, { timeout: 30_000 });
  await pg.testid(`${id}-run`).click();
  await pg.page.waitForFunction((n) => Number(document.querySelector('[data-testid=demos]').dataset.ended) > n, ended, { timeout, polling: 100 });
}

const text = async (pg, id) => (await pg.testid(id).textContent()).trim();

test('async logs one order every time while threads interleave differently between runs', { timeout: 90_000 }, async (t) => {
  const pg = await env.open('pool=2');
  await pg.testid('field-interleave-steps').fill('8');
  await pg.testid('field-interleave-runs').fill('20');
  const before = await pg.freeCores();
  await runDemo(pg, 'interleave');
  const after = await pg.freeCores();
  assert.equal(await pg.attr('interleave-async-distinct', 'data-value'), '1', 'one async order in 20 runs');
  const first = await pg.attr('interleave-async-trace', 'data-order');
  assert.equal(first, '01'.repeat(8), 'async alternates at every await');
  const threads = Number(await pg.attr('interleave-threads-distinct', 'data-value'));
  assert.equal((await pg.attr('interleave-threads-trace', 'data-order')).length, 16, 'every step logged');
  const verdict = await text(pg, 'interleave-verdict');
  assert.match(verdict, /^In 20 runs, async logged 1 order every time, switching only at its awaits; threads /);
  // Threads interleave when they run at once: on one core they may take turns whole.
  await needsFreeCore(t, 'threads interleave differently between runs', [before, after], `threads logged ${threads} orders in 20 runs`, (_, why) => {
    assert.ok(threads >= 2, `threads logged ${threads} orders in 20 runs. ${why}`);
    assert.match(verdict, /; threads logged \d+ different orders/);
  });
  await runDemo(pg, 'interleave');
  assert.equal(await pg.attr('interleave-async-trace', 'data-order'), first, 'the same async order on the next press');
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('unsynchronised counters fall short and every fix counts exactly', { timeout: 90_000 }, async () => {
  const pg = await env.open('pool=2');
  await pg.testid('field-race-tasks').fill('2');
  await pg.testid('field-race-increments').fill('20000');
  await runDemo(pg, 'race');
  const row = async (key) => ({
    counted: Number(await pg.attr(`race-${key}`, 'data-counted')),
    expected: Number(await pg.attr(`race-${key}`, 'data-expected')),
    lost: Number(await pg.attr(`race-${key}`, 'data-lost')),
  });
  for (const key of ['threads-lock', 'threads-atomic', 'async-lock']) {
    assert.deepEqual(await row(key), { counted: 40_000, expected: 40_000, lost: 0 }, key);
  }
  // Both async tasks read before either writes: every round loses one of the two updates.
  assert.deepEqual(await row('async-unsync'), { counted: 20_000, expected: 40_000, lost: 20_000 });
  const unsync = await row('threads-unsync');
  assert.equal(unsync.counted + unsync.lost, 40_000);
  const verdict = await text(pg, 'race-verdict');
  assert.match(verdict, /with a lock: 0 lost, with an atomic add: 0 lost\. Async lost 20,000 of 40,000 updates \(50\.0%\); with an async mutex: 0 lost\.$/);
  console.log(`# threads unsynchronised: ${unsync.counted} of 40000 counted (${unsync.lost} lost)`);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('bounded queues stay within their capacity in both models, and bad input is refused', { timeout: 90_000 }, async () => {
  const pg = await env.open('pool=2');
  await pg.testid('field-queue-capacity').fill('0');
  assert.equal(await text(pg, 'error-queue-capacity'), 'must be from 1 to 100');
  assert.equal(await pg.testid('queue-run').isDisabled(), true);
  await pg.testid('field-queue-capacity').fill('4');
  await pg.testid('field-queue-items').fill('5000');
  assert.match(await text(pg, 'error-queue-budget'), /at most 3\.00 s per run/);
  assert.equal(await pg.testid('queue-run').isDisabled(), true);
  await pg.testid('field-queue-items').fill('200');
  for (const work of ['wait', 'compute']) {
    await pg.testid('field-queue-work').selectOption(work);
    await runDemo(pg, 'queue');
    for (const model of ['async', 'threads']) {
      assert.equal(await pg.attr(`queue-${model}`, 'data-samples'), '400', `${work} ${model}: a sample per put and get`);
      assert.equal(await pg.attr(`queue-${model}`, 'data-max-depth'), '4', `${work} ${model}: filled to the capacity, never beyond`);
      assert.ok(Number(await pg.attr(`queue-${model}`, 'data-throughput')) > 0);
    }
    console.log(`# ${work}: ${await text(pg, 'queue-verdict')}`);
  }
  assert.equal(await pg.page.locator('[data-testid=queue-chart] polyline').count(), 2);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('a deadlock is detected with its locks named, stopped, and the pool runs an experiment afterwards', { timeout: 90_000 }, async () => {
  const pg = await env.open('pool=2&workload=io&tasks=4&io_ms=20&threads=2');
  // While a demo holds the workers, experiments and the other demos wait for it.
  const ended = Number(await pg.attr('demos', 'data-ended'));
  await pg.testid('deadlock-run').click();
  await pg.page.waitForSelector('[data-testid=deadlock-run][data-state=running]');
  assert.equal(await pg.testid('run').isDisabled(), true, 'Run waits for the demo');
  assert.equal(await pg.testid('race-run').isDisabled(), true, 'another demo waits too');
  await pg.page.waitForFunction((n) => Number(document.querySelector('[data-testid=demos]').dataset.ended) > n, ended, { timeout: 60_000, polling: 100 });
  assert.equal(await pg.testid('run').isDisabled(), false);
  for (const model of ['threads', 'async']) {
    assert.equal(await pg.attr(`deadlock-${model}`, 'data-ending'), 'stopped', model);
    assert.equal(await pg.attr(`deadlock-${model}`, 'data-cycle'), 'yes', model);
    const holds = await pg.page.locator(`[data-testid=deadlock-${model}-holds]`).allTextContents();
    assert.deepEqual(holds, ['task 1 holds lock_a and waits for lock_b', 'task 2 holds lock_b and waits for lock_a'], model);
  }
  assert.match(await text(pg, 'deadlock-threads-after'), /both workers returned in .*; the pool then ran a job in .*; both locks are free/);
  assert.match(await text(pg, 'deadlock-verdict'), /^Both deadlocked, each task holding one lock and waiting for the other's, until the watchdog stopped them after .* \(threads\) and .* \(async\) without progress\.$/);
  const row = await pg.runDone('threads');
  assert.equal(row.lanes, 2, 'both workers ran the experiment');
  // Taking the locks in the same order is the fix.
  await pg.testid('field-deadlock-order').selectOption('same');
  await runDemo(pg, 'deadlock');
  assert.equal(await pg.attr('deadlock-threads', 'data-ending'), 'completed');
  assert.equal(await pg.attr('deadlock-async', 'data-ending'), 'completed');
  assert.match(await text(pg, 'deadlock-verdict'), /^Both finished their 5 rounds without a deadlock/);
  // A hold as long as the watchdog's wait would look like a stall: refused.
  await pg.testid('field-deadlock-hold').fill('500');
  assert.match(await text(pg, 'error-deadlock-times'), /must be shorter than the watchdog's wait/);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('with one worker the threads half says why and the async half still runs', { timeout: 60_000 }, async () => {
  const pg = await env.open('pool=1');
  await pg.waitPool('ready');
  assert.match(await text(pg, 'demo-race'), /Threads: threads need 2 workers at once; the pool has 1\./);
  await pg.testid('field-race-increments').fill('1000');
  await runDemo(pg, 'race');
  assert.equal(await text(pg, 'race-threads-error'), 'Threads did not run: the threads need 2 workers at once; the pool has 1.');
  assert.equal(await pg.attr('race-async-lock', 'data-lost'), '0');
  assert.equal(await pg.attr('race-async-unsync', 'data-counted'), '1000');
  assert.equal(await pg.page.locator('[data-testid^=race-threads-]:not([data-testid=race-threads-error])').count(), 0, 'no threads row');
  assert.match(await text(pg, 'race-verdict'), /^Async lost 1,000 of 2,000 updates \(50\.0%\); with an async mutex: 0 lost\.$/);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});
