// The articles' claims the page judges: claims.spec.mjs clicks those judged on runs,
// claims-measured.spec.mjs those judged on a measurement of their own.

/** The side of `bound` a figure is on; both sides for a figure at the bound, as rounded for display. */
const sides = (x, bound, below, above) => (Math.abs(x - bound) <= 0.005 ? [below, above] : x < bound ? [below] : [above]);

/**
 * The GIL claim's verdicts for the figures it quotes, by its rule (src/model/findings/claims.rs): under
 * the GIL, 1.25x one thread's speed or more does not hold; below, it holds where threads
 * without a GIL ran 1.3x or more, and partly where they did not (no second core to tell them
 * apart). Which a machine gives depends on its load: one run of each on a loaded machine may
 * find the GIL's threads faster than the page's main thread (1.26x beside two CPU hogs), and
 * strategies.spec checks the GIL against sequential over three rounds. That the verdict follows
 * its figures does not; a figure at a bound, as rounded for display, allows either side.
 */
function gilVerdicts(text) {
  const withGil = Number(text.match(/ran (?:at )?([\d.]+)× one thread's speed/)?.[1]);
  const without = Number(text.match(/without a GIL, \d+ threads ran ([\d.]+)×/)?.[1]);
  return sides(withGil, 1.25, 'below', 'does-not-hold').flatMap((v) => (v === 'below' ? sides(without, 1.3, 'partly', 'holds') : [v]));
}

/**
 * The multiprocessing claim's verdicts for the figures it quotes, by its rule: threads under the
 * GIL at 1.25x one thread or more do not hold; below, processes at 1.3x or more hold, else
 * partly (with one core or process, it says it cannot show). Bounds as in gilVerdicts.
 */
function multiprocessingVerdicts(text) {
  if (text.startsWith('cannot show here')) return ['partly'];
  const procs = Number(text.match(/processes ran ([\d.]+)× one thread's speed/)?.[1]);
  const gil = Number(text.match(/threads under the GIL ([\d.]+)×/)?.[1]);
  return sides(gil, 1.25, 'below', 'does-not-hold').flatMap((v) => (v === 'below' ? sides(procs, 1.3, 'partly', 'holds') : [v]));
}

/**
 * What each claim judged on runs loads, and the verdicts this machine may give (relative
 * timings only; a function: the verdicts for the figures the verdict quotes).
 */
export const RUN_CLAIMS = {
  requests: { url: /workload=io&tasks=50&io_ms=100/, verdicts: ['holds'], text: /^holds here: sequential .*, threads .* \(16 threads, 4 waits each\), async / },
  gil: { url: /workload=cpu&tasks=16&io_ms=\d+&cpu_ms=50&/, verdicts: gilVerdicts, text: /under the GIL ran |holds under the GIL/ },
  'never-block': { url: /yield_every_ms=0/, verdicts: ['holds'], text: /longest stall of the page was/ },
  'run-in-executor': { url: /workload=cpu&tasks=40&io_ms=\d+&cpu_ms=20&/, verdicts: ['holds'], text: /lag p99 .* with the executor against/ },
  multiprocessing: { url: /workload=cpu&tasks=16&io_ms=\d+&cpu_ms=50&/, verdicts: multiprocessingVerdicts, text: /2 processes ran [\d.]+× one thread's speed \(.*starting them\), 2 threads under the GIL [\d.]+×$/ },
  responsive: { url: /workload=cpu&tasks=4&io_ms=\d+&cpu_ms=200&.*yield_every_ms=0/, verdicts: ['holds'], text: /^holds here: the work on the main thread stalled it up to .*; on 2 threads, up to / },
};

/**
 * The thread-start claim's verdicts for the ratio it quotes, by its rule: a thread per task 1.5x
 * the async tasks' time or more holds, above 1.1x partly, else it does not (how long 50 Web
 * Workers take to start depends on the machine and its load). Bounds as in gilVerdicts.
 */
function threadStartVerdicts(text) {
  const ratio = Number(text.match(/on a thread started per task \(([\d.]+)×\)/)?.[1]);
  return sides(ratio, 1.5, 'below', 'holds').flatMap((v) => (v === 'below' ? sides(ratio, 1.1, 'does-not-hold', 'partly') : [v]));
}

/** A duration as the page writes it ("813 ms", "1.20 s"), in ms. */
const durationMs = (text) => {
  const [, v, unit] = text.match(/([\d.]+) (ms|s)/) ?? [];
  return Number(v) * (unit === 's' ? 1000 : 1);
};

/**
 * The blocking claim's verdicts for the figures it quotes, by its rule: the blocking async tasks
 * froze the loop (90% of the 500 ms serial time or more, a stall of 100 ms or more) and the pool
 * did fine (at most 3/4 of their time, a stall under 100 ms): holds; froze only: partly. On a
 * loaded machine the page may stall while the pool runs, for reasons of its own. Bounds as in
 * gilVerdicts (here in ms, as rounded for display).
 */
function blockingVerdicts(text) {
  const at = (re) => durationMs(text.match(re)?.[1] ?? '');
  const blocking = at(/inside async tasks took ([\d.]+ m?s)/);
  const frozen = at(/froze the page for ([\d.]+ m?s)/);
  const pool = at(/the blocking waits took ([\d.]+ m?s)/);
  const poolStall = at(/the page's longest stall ([\d.]+ m?s)/);
  const froze = blocking >= 450 && frozen >= 100;
  const fine = pool <= 0.75 * blocking && poolStall < 100;
  const verdict = froze ? (fine ? 'holds' : 'partly') : 'does-not-hold';
  // A figure within 1% of its bound, as rounded for display, may be on either side.
  const near = [[blocking, 450], [frozen, 100], [pool, 0.75 * blocking], [poolStall, 100]].some(([x, b]) => Math.abs(x - b) <= b * 0.01);
  return near ? ['holds', 'partly', 'does-not-hold'] : [verdict];
}

/**
 * The switches claim's verdicts for the figures it quotes, by its rule: a thread's hand-over at
 * least twice an async one holds, dearer but less than twice is partly. The async hand-over runs
 * on the page's main thread, which a loaded machine slows the most (2.17 µs against 0.7 µs
 * measured quiet), so the test asks for the direction, threads dearer, and the rule applied to
 * the figures quoted. A ratio within 1% of 2 may be on either side as rounded.
 */
function switchesVerdicts(text) {
  const us = (re) => Number(text.match(re)?.[1] ?? NaN);
  const ratio = us(/threads \(threading\.Condition\) ([\d.]+) µs/) / us(/async tasks \(asyncio\.Queue\) ([\d.]+) µs/);
  if (Math.abs(ratio - 2) <= 0.02) return ['holds', 'partly'];
  return ratio >= 2 ? ['holds'] : ratio > 1 ? ['partly'] : [];
}

/** Claims judged on a measurement of their own (memory, demos), and what their verdict says. */
export const MEASURED_CLAIMS = {
  coroutines: { verdicts: ['holds'], text: /^holds, and then some: 10,000 pending async tasks held .* less than the articles' 10 MB$/ },
  'thread-memory': { verdicts: ['partly', 'holds'], text: /a worker thread reserves 2\.10 MB of wasm stack/ },
  interleaving: { verdicts: ['holds', 'partly'], text: /async logged 1 order in 20 runs; threads logged/ },
  queues: { verdicts: ['holds'], text: /^holds here: asyncio\.Queue \(two tasks\) delivered 2,000 items of 2,000 with 0 lost, 0 repeated, 0 out of order; queue\.Queue \(two threads\) delivered 2,000 items of 2,000 with 0 lost, 0 repeated, 0 out of order/ },
  'shared-state': { verdicts: ['holds', 'partly'], text: /async lost [\d,]+ updates; with a lock every counter was exact; .* async deadlocked$/ },
  scale: { verdicts: ['holds'], text: /^holds here: its event loop held 1,000,000 pending async tasks in .*; this browser started \d+ Web Workers?.* in .* \(.* each\): (at least )?[\d,.]+× as many tasks as threads$/ },
  'thread-start': { verdicts: threadStartVerdicts, text: /50 waits of 100 ms: [\d.]+ m?s awaited by async tasks, [\d.]+ (ms|s) on a thread started per task \([\d.]+×\); starting the 50 threads took [\d.]+ (ms|s) \([\d.]+ ms each\)/ },
  blocking: { verdicts: blockingVerdicts, text: /^(holds here|partly: the loop froze, but the threads did no better here|does not hold here): 10 blocking waits of 50\.0 ms inside async tasks took [\d.]+ m?s \(one after another: 500 ms\) and froze the page for [\d.]+ m?s; awaited, the same waits took [\d.]+ m?s; on the pool's \d+ threads? the blocking waits took [\d.]+ m?s \(\d+ at a time: [\d.]+ m?s\), the page's longest stall [\d.]+ m?s$/ },
  errors: { verdicts: ['holds'], text: /^holds here: one of 4 tasks failed after 20\.0 ms: awaiting them as asyncio\.gather does \(Promise\.all\), the caller got “task 1 failed” at its await after [\d.]+ m?s while 3 others ran on to [\d.]+ m?s; .* 3 of 3 cancelled after [\d.]+ m?s; a bare thread's error never reached the code that joined it .* got “Uncaught Error: task 1 failed”, after [\d.]+ m?s; a pool's future gave it back at result\(\), after [\d.]+ m?s$/ },
  switches: { verdicts: switchesVerdicts, text: /^(holds here: |partly: threads' switches cost more, but only [\d.]+×: )a switch between async tasks \(asyncio\.Queue\) [\d.]+ µs, threads \(threading\.Condition\) [\d.]+ µs, threads \+ GIL [\d.]+ µs(; threads' hand-overs cost [\d.]+× an async one)?$/ },
};

/** The verdicts `want` allows for a verdict that says `text`. */
export const allowedVerdicts = (want, text) => (typeof want.verdicts === 'function' ? want.verdicts(text) : want.verdicts);
