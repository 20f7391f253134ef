// The benchmark suite: runs fixed experiments on the release build in headless Chromium and
// writes target/bench/latest.json. Targets are reported, not asserted (see README).
// Run through .ci/bench.sh, which builds the page and the native side first.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { start } from './playground.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const REPEATS = 3;

const env = await start();
const out = {};
try {
  // Time to interactive: navigation start to "calibrated and pool ready", fresh page each time.
  const ttis = [];
  for (let i = 0; i < REPEATS; i++) {
    const pg = await env.open('pool=2');
    ttis.push(Number(await pg.testid('ready').getAttribute('data-value')));
    await pg.page.close();
  }
  out.time_to_interactive_ms = median(ttis);

  // CPU: 16 tasks x 50 ms, sequential vs threads on 2 workers.
  const cpu = await env.open('pool=2&workload=cpu&tasks=16&cpu_ms=50&threads=2');
  const effs = [];
  const lags = [];
  for (let i = 0; i < REPEATS; i++) {
    const seq = await cpu.run('sequential');
    const thr = await cpu.run('threads');
    effs.push(seq.makespan / thr.makespan / 2);
    lags.push(thr.lagP99);
  }
  out.parallel_efficiency = median(effs);
  out.main_lag_p99_during_threads_ms = median(lags);
  const wasmUnitsPerMs = Number(await cpu.testid('calibration').getAttribute('data-value'));
  await cpu.page.close();

  // 10,000 waits of 100 ms: async in wasm vs plain JS on the same page.
  const io = await env.open('pool=2&workload=io&tasks=10000&io_ms=100');
  const asyncMs = [];
  const jsMs = [];
  for (let i = 0; i < REPEATS; i++) {
    asyncMs.push((await io.run('async')).makespan);
    jsMs.push(
      await io.page.evaluate(async () => {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: 10_000 }, () => new Promise((r) => setTimeout(r, 100))));
        return performance.now() - t0;
      }),
    );
  }
  out.async_io_10k_makespan_ms = median(asyncMs);
  out.js_io_10k_makespan_ms = median(jsMs);
  await io.page.close();

  const native = JSON.parse(await readFile('target/bench/native.json', 'utf8'));
  out.native_parallel_efficiency = native.native_parallel_efficiency;
  out.kernel_wasm_vs_native = wasmUnitsPerMs / native.native_units_per_ms;

  const wasm = (await readdir('dist')).find((f) => f.endsWith('.wasm'));
  out.wasm_gzip_bytes = gzipSync(await readFile(`dist/${wasm}`), { level: 9 }).length;
  out.repeats = REPEATS;
  out.measured_at = new Date().toISOString();
} finally {
  await env.stop();
}

await mkdir('target/bench', { recursive: true });
const json = JSON.stringify(out, null, 2);
await writeFile('target/bench/latest.json', json + '\n');
console.log(json);
