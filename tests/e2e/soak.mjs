// The soak: many consecutive runs of mixed strategies in one page, and what the page holds
// after them against what it held once warmed up: the wasm memory (it never shrinks, so any
// leak shows), the heap's live bytes and allocations (closures, records), the timer's pending
// waits, the workers alive, and the DOM's event listeners and nodes (after a forced GC).
//
//   node tests/e2e/soak.mjs [runs] [strategy...]   (default 1,000 runs of every strategy;
//   prints JSON; .ci/soak.sh builds first; naming strategies soaks only those, to find a leak)
//
// tests/e2e/soak.spec.mjs runs a shorter one in CI and asserts the same bounds.
import { start } from './playground.mjs';

/** The experiment each run measures: small, every strategy, waits and computations. */
export const SOAK_QUERY = 'pool=2&workload=mixed&tasks=10&rounds=2&io_ms=2&cpu_ms=1&threads=2';

/** Runs before the page counts as warmed up: past every bound on kept runs (30 results, 50 in the history). */
export function warmUpRuns(runs) {
  return Math.min(Math.max(60, Math.round(runs * 0.1)), Math.floor(runs / 2));
}

/**
 * What the page holds once settled: its counters, its workers, and the DOM's counts after a
 * GC. A run's aftermath (its results, findings and verdicts being drawn, the history saved)
 * allocates for a moment after the run ends, so the heap is read after a pause, three times
 * 100 ms apart, and its least is kept: a leak stays in all three.
 */
async function holdings(pg, cdp) {
  await pg.page.waitForTimeout(500);
  await cdp.send('HeapProfiler.collectGarbage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const samples = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await pg.page.waitForTimeout(100);
    samples.push(await pg.page.evaluate(() => window.avtCounters()));
  }
  const least = (key) => Math.min(...samples.map((c) => c[key]));
  return {
    ...samples[samples.length - 1],
    heap_bytes: least('heap_bytes'),
    heap_allocs: least('heap_allocs'),
    workers: pg.page.workers().length,
    listeners: dom.jsEventListeners,
    nodes: dom.nodes,
  };
}

/**
 * Runs `runs` runs, cycling through every strategy the page offers, in a page of `env`
 * (from `start()`); returns the figures. `log` gets a line now and then.
 */
export async function soak(env, runs, log = () => {}, only = []) {
  const pg = await env.open(SOAK_QUERY);
  const cdp = await pg.page.context().newCDPSession(pg.page);
  const strategies = (await pg.strategies()).filter((s) => only.length === 0 || only.includes(s));
  const warm = warmUpRuns(runs);
  const started = Date.now();
  let warmed = null;
  const failed = [];
  for (let i = 0; i < runs; i++) {
    if (i === warm) warmed = await holdings(pg, cdp);
    const s = strategies[i % strategies.length];
    const r = await pg.run(s);
    if (r.state !== 'done') failed.push(`${i}:${s}:${r.state}`);
    if ((i + 1) % 100 === 0) log(`${i + 1} runs, ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const end = await holdings(pg, cdp);
  const pct = (a, b) => Math.round(((b - a) / a) * 1000) / 10;
  const figures = {
    soak_runs: runs,
    soak_strategies: strategies,
    soak_warm_up_runs: warm,
    soak_seconds: Math.round((Date.now() - started) / 1000),
    soak_failed_runs: failed.length,
    soak_memory_growth_pct: pct(warmed.wasm_memory_bytes, end.wasm_memory_bytes),
    soak_heap_growth_pct: pct(warmed.heap_bytes, end.heap_bytes),
    soak_wasm_memory_bytes: [warmed.wasm_memory_bytes, end.wasm_memory_bytes],
    soak_heap_bytes: [warmed.heap_bytes, end.heap_bytes],
    soak_heap_allocs: [warmed.heap_allocs, end.heap_allocs],
    soak_pending_timers: [warmed.pending_timers, end.pending_timers],
    soak_workers: [warmed.workers, end.workers],
    soak_listeners: [warmed.listeners, end.listeners],
    soak_dom_nodes: [warmed.nodes, end.nodes],
    soak_errors: pg.errors.length,
  };
  if (failed.length) figures.soak_failed = failed.slice(0, 10);
  await pg.page.close();
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 1000);
  const env = await start();
  try {
    const figures = await soak(env, runs, (line) => console.error(line), process.argv.slice(3));
    console.log(JSON.stringify(figures));
  } finally {
    await env.stop();
  }
}
