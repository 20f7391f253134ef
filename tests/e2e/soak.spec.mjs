// A short soak in CI (`node tests/e2e/soak.mjs` runs the 1,000-run one and .ci/bench.sh keeps
// its figures): after warm-up, consecutive runs of every strategy leave the wasm memory within
// 5% and leak no worker, timer, closure (heap allocations) or event listener.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';
import { soak } from './soak.mjs';

const env = useBrowser();

test('180 runs of every strategy in one page: memory flat after warm-up, nothing leaks', { timeout: 300_000 }, async () => {
  const f = await soak(env, 180);
  console.log(JSON.stringify(f));
  assert.equal(f.soak_failed_runs, 0, JSON.stringify(f.soak_failed));
  assert.equal(f.soak_errors, 0);
  assert.ok(f.soak_memory_growth_pct <= 5, `wasm memory grew ${f.soak_memory_growth_pct}%`);
  // Kept runs are bounded (30 results, 50 in the history), so after warm-up the heap holds as
  // much as before: a leak of one allocation a run (a closure) would show 120 here. Without a
  // leak the count still moves by a few dozen between readings (measured: from -24 to +44
  // in four soaks of this length), so the bound is half a leak's.
  assert.ok(f.soak_heap_growth_pct <= 2, `heap grew ${f.soak_heap_growth_pct}%`);
  const [allocs0, allocs1] = f.soak_heap_allocs;
  assert.ok(allocs1 - allocs0 <= 60, `live allocations ${allocs0} -> ${allocs1}`);
  const [, timers] = f.soak_pending_timers;
  assert.equal(timers, 0, 'no wait left pending');
  assert.equal(f.soak_workers[1], f.soak_workers[0], 'workers alive: the pool only');
  assert.ok(f.soak_listeners[1] <= f.soak_listeners[0], `listeners ${f.soak_listeners}`);
});
