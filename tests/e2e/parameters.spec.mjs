// Parameters: links reproduce experiments, bad input is explained and never run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';

const env = useBrowser();

test('a link opens with its parameters, and edits update the link', { timeout: 60_000 }, async () => {
  const pg = await env.open('workload=mixed&tasks=7&io_ms=30&rounds=3&strategy=threads');
  assert.equal(await pg.testid('field-tasks').inputValue(), '7');
  assert.equal(await pg.testid('field-rounds').inputValue(), '3');
  assert.equal(await pg.testid('strategy-threads').isChecked(), true);
  await pg.setField('tasks', '9');
  await pg.page.waitForFunction(() => location.search.includes('tasks=9'));
  assert.match(pg.page.url(), /v=1/);
  assert.match(pg.page.url(), /io_ms=30/);
  await pg.page.close();
});

test('bad link values fall back to defaults with a visible notice', { timeout: 60_000 }, async () => {
  const pg = await env.open('tasks=banana&io_ms=-5&unknown=1');
  const notices = await pg.testid('notices').innerText();
  assert.match(notices, /tasks=banana/);
  assert.match(notices, /io_ms=-5/);
  assert.equal(await pg.testid('field-tasks').inputValue(), '50');
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('hostile link values are clamped with a sentence each, and the tab stays alive and runs', { timeout: 60_000 }, async () => {
  // Servers refuse longer addresses (the e2e server at 16 KB, as Node does); 1 MB values are
  // the fuzzer's (examples/fuzz.rs).
  const long = 'x'.repeat(6000);
  const query = `tasks=1e12&io_ms=NaN&cpu_ms=-5&rounds=${long}&threads=%zz&jitter=%&tasks=4&workload=io&pool=0&theme=${long.slice(0, 3000)}`;
  const pg = await env.open(query);
  const notices = await pg.page.$$eval('[data-testid=notices] li', (li) => li.map((l) => l.textContent));
  for (const key of ['tasks=1e12', 'io_ms=NaN', 'cpu_ms=-5', 'rounds=', 'threads=%zz', 'jitter=%', 'pool=0', 'theme=']) {
    assert.ok(notices.some((n) => n.startsWith(key) || n.includes(` ${key}`) || n.includes(key)), `no notice for ${key}: ${notices.join(' | ')}`);
  }
  assert.ok(notices.every((n) => n.length < 300), 'each notice is a sentence: values are clipped');
  // The later, valid tasks=4 wins; the rest are defaults.
  assert.equal(await pg.testid('field-tasks').inputValue(), '4');
  await pg.testid('field-io_ms').fill('5');
  const r = await pg.runDone('async');
  assert.ok(r.makespan > 0);
  assert.ok(!pg.page.url().includes('xxxxxxxxxx'), 'the link keeps only what runs');
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('a bad field shows a message beside it and nothing runs', { timeout: 60_000 }, async () => {
  const pg = await env.open();
  await pg.setField('tasks', '0');
  assert.match(await pg.fieldError('tasks'), /from 1 to 1,000,000/);
  assert.equal(await pg.testid('run').isDisabled(), true);
  assert.equal(await pg.testid('run-all').isDisabled(), true);
  await pg.setField('tasks', 'lots');
  assert.match(await pg.fieldError('tasks'), /not a number/);
  await pg.setField('tasks', '20');
  assert.equal(await pg.fieldError('tasks'), '');
  assert.equal(await pg.testid('run').isDisabled(), false);
  await pg.page.close();
});

test('a CPU run over the budget is refused with the reason', { timeout: 60_000 }, async () => {
  const pg = await env.open('workload=cpu&tasks=10000&cpu_ms=100');
  assert.match(await pg.fieldError('cpu_ms'), /budget/);
  await pg.page.close();
});

test('a strategy that would take too long is refused while the others run', { timeout: 60_000 }, async () => {
  const pg = await env.open('workload=io&tasks=100000&io_ms=100');
  assert.match(await pg.testid('gate-sequential').innerText(), /limit/);
  await pg.chooseStrategy('async');
  assert.equal(await pg.testid('run').isDisabled(), false);
  await pg.page.close();
});

test('asking for more threads than the pool has offers a restart with a larger pool', { timeout: 60_000 }, async () => {
  const pg = await env.open('pool=2&threads=8');
  assert.match(await pg.testid('gate-threads').innerText(), /pool has 2/);
  await pg.testid('pool-restart').click();
  await pg.page.waitForURL(/pool=8/);
  await pg.waitPool('ready');
  assert.equal(await pg.poolWorkers(), 8);
  assert.equal(await pg.testid('field-threads').inputValue(), '8');
  await pg.page.close();
});

test('cancel stops a long run quickly and the page stays usable', { timeout: 60_000 }, async () => {
  // Both workers sit in waits of IO_MS (a blocking sleep): cancel must cut those waits short,
  // not wait them out, and must leave the pool free for the next run.
  const IO_MS = 6_000;
  const pg = await env.open(`pool=2&workload=io&tasks=20&io_ms=${IO_MS}&threads=2&strategy=threads`);
  await pg.testid('run').click();
  await pg.page.waitForSelector('[data-testid=controls][data-state=running]');
  await pg.page.waitForTimeout(200);
  const t0 = Date.now();
  await pg.testid('cancel').click();
  await pg.waitIdle(2 * IO_MS);
  const cancelMs = Date.now() - t0;
  assert.ok(cancelMs < IO_MS / 2, `cancel took ${cancelMs} ms with workers in ${IO_MS} ms waits`);
  assert.equal(await pg.testid('result-threads').getAttribute('data-state'), 'cancelled');
  await pg.setField('io_ms', '10');
  const again = await pg.run('threads');
  assert.equal(again.state, 'done');
  // Workers still stuck in the cancelled waits would hold this run's tasks back until then.
  assert.ok(again.makespan < IO_MS / 2, `the next run took ${again.makespan} ms`);
  await pg.page.close();
});
