// The page in the other engines, driven through W3C WebDriver: Firefox (Debian's firefox-esr,
// geckodriver, headless) and WebKitGTK (Debian's MiniBrowser, WebKitWebDriver, under
// xvfb-run), against dist/ served with its real headers (tests/e2e/serve.mjs).
//
//   node tests/engines/smoke.mjs                  the smoke test (node:test), both engines
//   node tests/engines/smoke.mjs --bench [--out F] async, 10,000 waits of 100 ms, in each
//                                                 engine: prints (and writes F) JSON
//   --engines firefox,webkit                      only these
//
// Per engine the smoke test checks that the page boots, which build it loaded and whether
// threads are on (each judged against what the engine itself offers, asked apart from the
// page: a shared WebAssembly.Memory, SharedArrayBuffer, isolation), that the reason shown
// when threads are off names what this engine lacks, that Run all runs every strategy the
// page offers to done with equal checksums while the others say why not, that the memory
// panel measures and says why a worker's heap cannot be (measureUserAgentSpecificMemory is
// Chromium's), and, in a blog's cross-origin iframe, what the frame says (only Chromium
// isolates a frame by its own Document-Isolation-Policy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { armRunEnded, median } from '../e2e/playground.mjs';
import { serve, serveBlog } from '../e2e/serve.mjs';
import { ENGINES, launch } from './webdriver.mjs';

const { values: opts } = parseArgs({
  options: {
    bench: { type: 'boolean', default: false },
    out: { type: 'string' },
    engines: { type: 'string', default: Object.keys(ENGINES).join(',') },
  },
});
const engines = opts.engines.split(',').filter(Boolean);
for (const e of engines) if (!ENGINES[e]) throw new Error(`unknown engine "${e}" (known: ${Object.keys(ENGINES).join(', ')})`);

/** The strategies that run on the page's worker pool (shared memory); the rest need none. */
const POOL_STRATEGIES = ['threads', 'gil', 'executor'];
/** A little of everything, on 2 workers or processes: waits and computations, in rounds. */
const SMOKE_QUERY = 'pool=2&workload=mixed&tasks=6&rounds=2&io_ms=10&cpu_ms=5&threads=2';
/** The bench's experiment, as for the Chromium figure async_io_10k_makespan_ms. */
const BENCH_QUERY = 'pool=2&workload=io&tasks=10000&io_ms=100&strategy=async';
/** Runs per engine; the key is their median (WebKit's first run can read twice the rest). */
const BENCH_REPEATS = 5;

const log = (...a) => console.error(...a);

/** Waits until the page can run: the pool started or is unavailable, and the kernel calibrated. */
async function waitReady(s, timeout = 60_000) {
  const state = await s.evalAsync(
    (timeout) =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        const check = () => {
          const fatal = document.querySelector('[data-testid=fatal]');
          if (fatal) return reject(new Error(`the page failed to start: ${fatal.textContent}`));
          const ready = document.querySelector('[data-testid=ready][data-value]');
          const cal = document.querySelector('[data-testid=calibration][data-value]');
          if (ready && cal) return resolve(ready.dataset.value);
          if (performance.now() - t0 > timeout) return reject(new Error(`not ready after ${timeout} ms: ${document.body.innerText.slice(0, 300)}`));
          setTimeout(check, 50);
        };
        check();
      }),
    timeout,
  );
  // Uncaught errors from here on (the loader's own are shown as [data-testid=fatal]).
  await s.eval(() => {
    window.__smokeErrors = [];
    addEventListener('error', (e) => window.__smokeErrors.push(String(e.message)));
    addEventListener('unhandledrejection', (e) => window.__smokeErrors.push(String(e.reason)));
  });
  return Number(state);
}

/** What the engine offers, asked apart from the page, and what the page says of itself. */
function facts(s) {
  return s.eval(() => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    let sharedMemory = false;
    try {
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      sharedMemory = true;
    } catch {}
    return {
      userAgent: navigator.userAgent,
      isolated: self.crossOriginIsolated === true,
      sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
      sharedMemory,
      waitAsync: typeof Atomics !== 'undefined' && typeof Atomics.waitAsync === 'function',
      measureMemory: typeof performance.measureUserAgentSpecificMemory === 'function',
      framed: window.top !== window.self,
      boot: window.avtBoot ? { build: window.avtBoot.build, sharedMemory: window.avtBoot.sharedMemory } : null,
      build: el('build')?.getAttribute('data-value') ?? null,
      isolation: el('isolation')?.getAttribute('data-value') ?? null,
      pool: el('pool-status')?.getAttribute('data-state') ?? null,
      why: el('pool-status')?.textContent.trim() ?? '',
      strategies: [...document.querySelectorAll('input[name=strategy]')].map((e) => e.value),
    };
  });
}

/**
 * The build and pool the page must show, from what the engine offers: the threaded build
 * exactly where a shared memory can be made, threads exactly where it is also isolated, and
 * otherwise a reason that names what is missing here.
 */
function checkBoot(f, where) {
  const expected = f.sharedMemory ? 'threads' : 'fallback';
  assert.equal(f.boot?.build, expected, `${where}: the loader chose ${f.boot?.build} where shared memory is ${f.sharedMemory ? '' : 'not '}offered`);
  assert.equal(f.build, expected, `${where}: the page shows build ${f.build}`);
  assert.equal(f.isolation, String(f.isolated), `${where}: the page shows isolation ${f.isolation}`);
  if (f.sharedMemory && f.isolated && f.sharedArrayBuffer) {
    assert.equal(f.pool, 'ready', `${where}: threads should run here, the pool is ${f.pool}: ${f.why}`);
    return;
  }
  assert.equal(f.pool, 'unavailable', `${where}: ${f.why}`);
  if (!f.isolated) {
    assert.match(f.why, f.framed ? /embedded in a page that is not cross-origin isolated/ : /not cross-origin isolated/, where);
  } else if (!f.sharedArrayBuffer) {
    // Isolated yet without SharedArrayBuffer (WebKitGTK): headers would not help.
    assert.match(f.why, /no SharedArrayBuffer, even to a cross-origin isolated page/, where);
  }
  if (expected === 'fallback') assert.match(f.why, /single-threaded build/, where);
}

/** Clicks `button` and waits for the run it starts to end (`armRunEnded`, armed first). */
async function clickAndWaitRun(s, button, timeout = 180_000) {
  await s.eval(armRunEnded, { timeout, noStartMs: 10_000, rejectNoStart: true });
  await s.click(`[data-testid="${button}"]`);
  await s.evalAsync(() => window.__avtRunEnded);
}

/** Each strategy's row: state, checksum, lanes used, makespan, and the reason it cannot run. */
function rows(s, strategies) {
  return s.eval((keys) => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    return Object.fromEntries(
      keys.map((k) => [
        k,
        {
          state: el(`result-${k}`)?.getAttribute('data-state') ?? null,
          checksum: el(`result-${k}-checksum`)?.getAttribute('data-value') ?? null,
          lanes: Number(el(`result-${k}-lanes`)?.getAttribute('data-value') ?? NaN),
          makespan: Number(el(`result-${k}-makespan`)?.getAttribute('data-value') ?? NaN),
          gate: el(`gate-${k}`)?.textContent.trim() ?? '',
        },
      ]),
    );
  }, strategies);
}

/**
 * The memory panel measures 1,000 pending tasks with the counting allocator (any engine), and
 * says why the browser gives no figure for a worker where it has no
 * performance.measureUserAgentSpecificMemory() (Chromium's).
 */
async function memoryPanel(s, f, where) {
  await s.type('[data-testid="memory-tasks"]', '1000');
  await s.click('[data-testid="memory-measure"]');
  const m = await s.evalAsync(
    () =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        const check = () => {
          const panel = document.querySelector('[data-testid=memory]');
          const point = document.querySelector('[data-testid=memory-point][data-kind=sleep][data-tasks="1000"]');
          const error = document.querySelector('[data-testid=memory-error]');
          if (error) return reject(new Error(`memory panel: ${error.textContent}`));
          if (point && panel.dataset.state === 'idle' && panel.dataset.threads === 'done') {
            const worker = document.querySelector('[data-testid=memory-row-worker]');
            return resolve({
              bytes: Number(point.dataset.bytes),
              held: worker?.getAttribute('data-held') ?? null,
              row: worker ? [...worker.cells].map((c) => c.textContent.trim()).join(' | ') : '',
            });
          }
          if (performance.now() - t0 > 90_000) return reject(new Error(`memory panel: no measurement after 90 s (${panel?.dataset.state}, threads ${panel?.dataset.threads})`));
          setTimeout(check, 100);
        };
        check();
      }),
  );
  log(`${where}: memory: ${m.bytes.toFixed(1)} B per pending task; a worker: ${m.held === null ? m.row : `${m.held} B held`}`);
  assert.ok(m.bytes > 0, `${where}: bytes per pending task ${m.bytes}`);
  if (f.measureMemory) assert.ok(Number(m.held) > 0, `${where}: a worker's heap: ${m.held} (${m.row})`);
  else assert.match(m.row, f.isolated ? /no performance\.measureUserAgentSpecificMemory\(\) \(Chromium has\)/ : /not cross-origin isolated/, where);
}

const pageErrors = (s) => s.eval(() => window.__smokeErrors ?? []);
const runError = (s) => s.eval(() => document.querySelector('[data-testid=run-error]')?.textContent.trim() ?? null);

/**
 * The smoke test of one engine: a top-level page, then the page in a blog's iframe. `t` is
 * the test: what this opens is closed when it ends, whatever its outcome (a test that timed
 * out leaves its driver, browser and servers to its `after`).
 */
async function smoke(engine, server, t) {
  const s = await launch(engine, { log });
  t.after(() => s.quit());
  await s.timeouts({ script: 240_000, pageLoad: 60_000 });
  const where = ENGINES[engine].name;
  await s.goto(`${server.url}?${SMOKE_QUERY}`);
  const readyMs = await waitReady(s);
  const f = await facts(s);
  log(
    `${where}: build ${f.build}, isolated ${f.isolated}, SharedArrayBuffer ${f.sharedArrayBuffer}, shared wasm memory ${f.sharedMemory}, ` +
      `Atomics.waitAsync ${f.waitAsync}, pool ${f.pool}${f.pool === 'ready' ? '' : ` (${f.why})`}; ready in ${readyMs} ms`,
  );
  assert.equal(f.framed, false);
  checkBoot(f, where);
  assert.deepEqual(f.strategies.filter((k) => POOL_STRATEGIES.includes(k)), POOL_STRATEGIES, 'the page offers the pool strategies');

  // Every strategy runs where threads are on; elsewhere all but the pool's.
  const threadsOn = f.pool === 'ready';
  const runs = (k) => threadsOn || !POOL_STRATEGIES.includes(k);
  const offered = await rows(s, f.strategies);
  for (const k of f.strategies) {
    if (runs(k)) assert.equal(offered[k].gate, '', `${where}: ${k} should be offered, the page says ${offered[k].gate}`);
    // A strategy the page cannot run says why: the pool's reason.
    else assert.ok(offered[k].gate.includes(f.why.replace(/^unavailable: /, '')), `${where}: ${k} says "${offered[k].gate}", not the pool's reason "${f.why}"`);
  }

  const t0 = Date.now();
  await clickAndWaitRun(s, 'run-all');
  const r = await rows(s, f.strategies);
  log(`${where}: Run all took ${Date.now() - t0} ms: ${f.strategies.map((k) => `${k} ${r[k].state}${r[k].state === 'done' ? ` ${r[k].makespan.toFixed(1)} ms` : ''}`).join(', ')}`);
  assert.equal(await runError(s), null, `${where}: a run failed`);
  for (const k of f.strategies) {
    if (runs(k)) {
      assert.equal(r[k].state, 'done', `${where}: ${k}`);
      assert.match(r[k].checksum, /^[0-9a-f]{16}$/, `${where}: ${k}'s checksum`);
      assert.equal(r[k].checksum, r.sequential.checksum, `${where}: ${k} did other work than sequential`);
    } else {
      assert.equal(r[k].state, 'none', `${where}: ${k} ran where the page said it cannot`);
    }
  }
  // The parallel strategy every engine has: two processes, each with its own instance.
  assert.equal(r.processes.lanes, 2, `${where}: processes ran on ${r.processes.lanes} lanes`);
  if (threadsOn) assert.equal(r.threads.lanes, 2, `${where}: threads ran on ${r.threads.lanes} workers`);
  await memoryPanel(s, f, where);
  assert.deepEqual(await pageErrors(s), [], `${where}: uncaught errors`);

  // In a plain blog's cross-origin iframe: only Document-Isolation-Policy (Chromium's)
  // isolates a frame by itself, so elsewhere the frame says why threads are off.
  const blog = await serveBlog();
  t.after(() => blog.close());
  await s.goto(
    blog.add(
      'post',
      `<!doctype html><title>A post</title><p>A post.</p>
      <iframe id="embed" src="${server.url}?${SMOKE_QUERY}&embed=1" width="900" height="700" title="Async vs Threads" allow="cross-origin-isolated"></iframe>`,
    ),
  );
  await s.frame('#embed');
  await waitReady(s);
  const inFrame = await facts(s);
  log(`${where}, framed: build ${inFrame.build}, isolated ${inFrame.isolated}, pool ${inFrame.pool}${inFrame.pool === 'ready' ? '' : ` (${inFrame.why})`}`);
  assert.equal(inFrame.framed, true);
  checkBoot(inFrame, `${where}, framed`);
  if (!inFrame.isolated) assert.match(inFrame.why, /Document-Isolation-Policy/, `${where}, framed: the reason names the header that isolates a frame`);
  await s.top();
  return f;
}

/** Async on 10,000 waits of 100 ms, `BENCH_REPEATS` runs on one page once it is ready. */
async function benchAsync(engine, server) {
  const s = await launch(engine, { log });
  try {
    await s.timeouts({ script: 240_000, pageLoad: 60_000 });
    await s.goto(`${server.url}?${BENCH_QUERY}`);
    await waitReady(s);
    const f = await facts(s);
    const makespans = [];
    const errors = [];
    for (let i = 0; i < BENCH_REPEATS; i++) {
      await clickAndWaitRun(s, 'run');
      const row = (await rows(s, ['async'])).async;
      if (row.state === 'done') makespans.push(row.makespan);
      else errors.push(`${engine}: async run ${i + 1} ended "${row.state}"${(await runError(s)) ? `: ${await runError(s)}` : ''}`);
    }
    for (const e of await pageErrors(s)) errors.push(`${engine}: page error: ${e}`);
    return { browser: `${s.capabilities.browserName} ${s.capabilities.browserVersion}`, build: f.build, threads: f.pool === 'ready', makespans, errors };
  } finally {
    await s.quit();
  }
}

if (opts.bench) {
  const server = await serve();
  const out = {};
  const measured = {};
  const errors = [];
  try {
    for (const engine of engines) {
      try {
        const m = await benchAsync(engine, server);
        out[`${engine}_async_io_10k_makespan_ms`] = m.makespans.length ? Number(median(m.makespans).toFixed(1)) : null;
        measured[engine] = { browser: m.browser, build: m.build, threads: m.threads, makespans_ms: m.makespans };
        errors.push(...m.errors);
      } catch (e) {
        out[`${engine}_async_io_10k_makespan_ms`] = null;
        errors.push(`${engine}: ${e.message.split('\n')[0]}`);
      }
    }
  } finally {
    await server.close();
  }
  Object.assign(out, { engines: measured, query: BENCH_QUERY, repeats: BENCH_REPEATS, measured_at: new Date().toISOString() });
  if (errors.length) out.errors = errors;
  const json = JSON.stringify(out, null, 2);
  if (opts.out) {
    await mkdir(dirname(opts.out), { recursive: true });
    await writeFile(opts.out, json + '\n');
  }
  console.log(json);
  if (errors.length) process.exitCode = 1;
} else {
  for (const engine of engines) {
    test(`${ENGINES[engine].name}: boots, says what it lacks, runs every strategy it offers`, { timeout: 300_000 }, async (t) => {
      const server = await serve();
      t.after(() => server.close());
      await smoke(engine, server, t);
    });
  }
}
