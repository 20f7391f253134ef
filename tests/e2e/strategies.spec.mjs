// Every strategy runs every workload to completion with the same work done, and the
// relative timings the articles claim hold in one run on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkParallel, inMost } from './playground.mjs';

const env = useBrowser();

for (const workload of ['io', 'cpu', 'mixed']) {
  test(`every strategy completes a ${workload} workload with equal checksums`, { timeout: 120_000 }, async () => {
    const pg = await env.open(`pool=2&workload=${workload}&tasks=12&io_ms=20&cpu_ms=8&rounds=2&threads=2&yield_every_ms=2`);
    await pg.runAll();
    const strategies = await pg.strategies();
    const rows = Object.fromEntries(await Promise.all(strategies.map(async (s) => [s, await pg.result(s)])));
    for (const s of strategies) assert.equal(rows[s].state, 'done', `${s} finished`);
    assert.equal(new Set(strategies.map((s) => rows[s].checksum)).size, 1, `checksums ${strategies.map((s) => rows[s].checksum)}`);
    // Workers and processes take the next task when free, so on runs this short one that
    // started late (a loaded machine) may find none left: the longer runs below check that
    // each strategy uses both.
    const pooled = workload === 'io' ? ['threads', 'gil', 'processes'] : ['threads', 'gil', 'processes', 'executor'];
    for (const s of pooled) assert.ok(rows[s].lanes >= 1 && rows[s].lanes <= 2, `${s} ran on ${rows[s].lanes} lanes of 2`);
    assert.deepEqual(pg.errors, []);
    await pg.page.close();
  });
}

test('async I/O is at least 5x faster than sequential for 50 tasks of 100 ms', { timeout: 60_000 }, async () => {
  const pg = await env.open('pool=2&workload=io&tasks=50&io_ms=100');
  const seq = await pg.run('sequential');
  const asy = await pg.run('async');
  assert.ok(asy.makespan * 5 <= seq.makespan, `async ${asy.makespan} ms vs sequential ${seq.makespan} ms`);
  await pg.page.close();
});

test('threads CPU is at least 1.5x faster than sequential on 2 workers', { timeout: 90_000 }, async (t) => {
  const pg = await env.open('pool=2&workload=cpu&tasks=16&cpu_ms=50&threads=2');
  const rows = await checkParallel(t, pg, {
    runs: async () => ({ seq: await pg.run('sequential'), thr: await pg.run('threads') }),
    fast: ['threads', (r) => r.thr.makespan],
    slow: ['sequential', (r) => r.seq.makespan],
    k: 1.5,
  });
  for (const { seq, thr } of rows) {
    assert.equal(thr.checksum, seq.checksum, 'the same work');
    assert.equal(thr.lanes, 2, 'both workers computed');
  }
  await pg.page.close();
});

test('processes compute in parallel like threads, each with its start-up and memory measured', { timeout: 90_000 }, async (t) => {
  const pg = await env.open('pool=2&workload=cpu&tasks=16&cpu_ms=50&threads=2');
  // Their computing, without the start-up they do side by side first (measured apart, as the
  // page's theory has it): on a loaded machine starting two instances takes long, on a busy
  // core too (beside two CPU hogs: 804 ms in all against sequential's 854 ms).
  const rows = await checkParallel(t, pg, {
    runs: async () => {
      const seq = await pg.run('sequential');
      const pro = await pg.run('processes');
      return { seq, pro, startupMs: Number(await pg.attr('result-processes-startup', 'data-per-worker-ms')) };
    },
    fast: ['processes computing', (r) => r.pro.makespan - r.startupMs],
    slow: ['sequential', (r) => r.seq.makespan],
    k: 1.4,
  });
  for (const { seq, pro, startupMs } of rows) {
    assert.equal(pro.checksum, seq.checksum, 'the same work, done in other instances');
    assert.equal(pro.lanes, 2, 'both processes computed');
    assert.ok(startupMs > 0 && startupMs < pro.makespan, `start-up ${startupMs} ms`);
  }
  const memory = Number(await pg.attr('result-processes-startup', 'data-memory-bytes'));
  assert.ok(memory >= 65_536 && memory % 65_536 === 0, `a wasm memory is whole 64 KiB pages: ${memory}`);
  const finding = await pg.page.locator('[data-testid=insights] li[data-rule=processes][data-strategy=processes]').textContent();
  assert.match(finding, /Each of the 2 processes took .* to start/);
  const lanes = await pg.page.locator('[data-testid=timeline]').getAttribute('data-lanes');
  assert.equal(lanes, '3', 'main thread and two process lanes');
  // The memory table's process row takes the run's measurement.
  assert.equal(Number(await pg.attr('memory-row-process', 'data-held')), memory);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('threads + GIL compute at about sequential speed while plain threads go faster; waits still overlap', { timeout: 120_000 }, async (t) => {
  const pg = await env.open('pool=2&workload=cpu&tasks=16&cpu_ms=50&threads=2');
  const rows = await checkParallel(t, pg, {
    runs: async () => ({ seq: await pg.run('sequential'), thr: await pg.run('threads'), gil: await pg.run('gil') }),
    fast: ['threads', (r) => r.thr.makespan],
    slow: ['threads + GIL', (r) => r.gil.makespan],
    k: 1.3,
  });
  for (const { seq, gil } of rows) {
    assert.equal(gil.checksum, seq.checksum, 'the same work');
    assert.equal(gil.lanes, 2, 'both threads computed, in turn');
  }
  // One thread's time for the work is sequential's time computing: its makespan also holds
  // the page's own work between its slices, which a loaded machine stretches (beside two CPU
  // hogs: gil 916 ms against a sequential makespan of 1,311 ms). CPython measured 0.99x here;
  // the GIL claim calls 1.25x or more "does not hold".
  const gilSpeed = rows.map((r) => r.seq.cpuMs / r.gil.makespan);
  assert.ok(inMost(gilSpeed, (x) => x < 1.25), `threads + GIL ran ${gilSpeed.map((x) => x.toFixed(2)).join(', ')}x sequential's time computing`);
  const finding = await pg.page.locator('[data-testid=insights] li[data-rule=gil][data-strategy=gil]').textContent();
  assert.match(finding, /The GIL let 1 of 2 threads compute at any moment/);
  await pg.page.close();
  // Waits release the GIL: 4 waits of 100 ms on 2 threads take 2 waits' time, as without it.
  const io = await env.open('pool=2&workload=io&tasks=4&io_ms=100&threads=2');
  const ioSeq = await io.run('sequential');
  const ioGil = await io.run('gil');
  assert.ok(ioGil.makespan * 1.6 <= ioSeq.makespan, `gil ${ioGil.makespan} ms vs sequential ${ioSeq.makespan} ms`);
  await io.page.close();
});

test('async + executor keeps the main thread free for CPU work that plain async blocks it with', { timeout: 90_000 }, async (t) => {
  const pg = await env.open('pool=2&workload=cpu&tasks=10&cpu_ms=50&threads=2&yield_every_ms=0');
  const rows = await checkParallel(t, pg, {
    runs: async () => ({ asy: await pg.run('async'), exe: await pg.run('executor') }),
    fast: ['async + executor on 2 threads', (r) => r.exe.makespan],
    slow: ['async', (r) => r.asy.makespan],
    k: 1.3,
  });
  for (const { asy, exe } of rows) {
    assert.equal(exe.state, 'done');
    assert.equal(exe.checksum, asy.checksum, 'the same work');
    assert.equal(exe.lanes, 2, 'computed on both workers');
  }
  const stalls = rows.map((r) => `${r.exe.stall.toFixed(1)} vs ${r.asy.stall.toFixed(1)}`).join(', ');
  assert.ok(inMost(rows, (r) => r.exe.stall * 5 <= r.asy.stall), `executor vs async stalls, ms: ${stalls}`);
  const finding = await pg.page.locator('[data-testid=insights] li[data-rule=executor][data-strategy=executor]').textContent();
  assert.match(finding, /handed 10 computations to the executor's 2 threads/);
  await pg.page.close();
});

test('blocking waits run one after another under async and freeze the page; the executor overlaps them', { timeout: 90_000 }, async () => {
  // time.sleep in async def against run_in_executor(pool, time.sleep, ...): 10 waits of 50 ms.
  const pg = await env.open('pool=4&workload=io&tasks=10&io_ms=50&threads=4&waits=blocking');
  assert.equal(await pg.testid('field-waits').inputValue(), 'blocking', 'the link sets the field');
  await pg.testid('blocking-warning').waitFor();
  const asy = await pg.runDone('async');
  const exe = await pg.runDone('executor');
  const thr = await pg.runDone('threads');
  assert.equal(new Set([asy.checksum, exe.checksum, thr.checksum]).size, 1, 'the same waits');
  // 500 ms one after another against 3 rounds of 4 at a time (150 ms): 2x leaves room for a loaded machine.
  assert.ok(exe.makespan * 2 <= asy.makespan, `executor ${exe.makespan} ms vs async ${asy.makespan} ms`);
  assert.ok(asy.makespan >= 0.95 * asy.theory, `async ${asy.makespan} ms against its theory ${asy.theory} ms`);
  assert.ok(asy.stall >= 0.5 * asy.makespan, `the blocking waits froze the page: ${asy.stall} ms of ${asy.makespan} ms`);
  assert.ok(exe.stall * 3 <= asy.stall, `executor stall ${exe.stall} ms vs async ${asy.stall} ms`);
  assert.ok(exe.lanes >= 2, `the executor's waits ran on ${exe.lanes} lanes`);
  // Sequential past the freeze limit is refused up front, with the reason; the executor is not.
  await pg.setField('tasks', 300);
  await pg.chooseStrategy('sequential');
  for (const s of ['sequential', 'async']) {
    assert.match(await pg.testid(`gate-${s}`).textContent(), /^Cannot run: its blocking waits would freeze the page for about 15\.00 s \(theory\)/);
  }
  assert.equal(await pg.testid('gate-executor').textContent(), '');
  assert.equal(await pg.testid('run').isEnabled(), false, 'Run is refused up front');
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('async CPU that never yields stalls the main thread; threads do not', { timeout: 60_000 }, async () => {
  const pg = await env.open('pool=2&workload=cpu&tasks=10&cpu_ms=50&threads=2&yield_every_ms=0');
  await pg.testid('yield-warning').waitFor();
  const asy = await pg.run('async');
  assert.ok(asy.stall >= 0.8 * asy.makespan, `async stall ${asy.stall} ms of ${asy.makespan} ms`);
  const thr = await pg.run('threads');
  // Both runs do the same work on the same page; the threads run's main thread only
  // collects records, so its longest stall is a small fraction of the frozen async one.
  assert.ok(thr.stall * 5 <= asy.stall, `threads stall ${thr.stall} ms vs async ${asy.stall} ms`);
  await pg.page.close();
});

test('async CPU that yields keeps the main thread responsive', { timeout: 60_000 }, async () => {
  const pg = await env.open('pool=2&workload=cpu&tasks=10&cpu_ms=50&yield_every_ms=5');
  const yielding = await pg.run('async');
  await pg.setField('yield_every_ms', 0);
  const frozen = await pg.run('async');
  // The same work on the same page, moments apart: yielding every 5 ms leaves the longest
  // stall a small part of the one it causes when it never yields (about the whole run). A
  // loaded machine stalls both by the time it keeps the page from running.
  assert.ok(yielding.stall * 3 <= frozen.stall, `async stall ${yielding.stall} ms yielding every 5 ms vs ${frozen.stall} ms never yielding`);
  await pg.page.close();
});
