// The articles' claims the page judges: claims.spec.mjs clicks those judged on runs,
// claims-measured.spec.mjs those judged on a measurement of their own.

/** What each claim judged on runs loads, and the verdicts this machine may give (relative timings only). */
export const RUN_CLAIMS = {
  requests: { url: /workload=io&tasks=50&io_ms=100/, verdicts: ['holds'], text: /^holds here: sequential .*, threads .* \(16 threads, 4 waits each\), async / },
  gil: { url: /workload=cpu&tasks=16&io_ms=\d+&cpu_ms=50&/, verdicts: ['holds', 'partly'], text: /under the GIL ran at|holds under the GIL/ },
  'never-block': { url: /yield_every_ms=0/, verdicts: ['holds'], text: /longest stall of the page was/ },
  'run-in-executor': { url: /workload=cpu&tasks=40&io_ms=\d+&cpu_ms=20&/, verdicts: ['holds'], text: /lag p99 .* with the executor against/ },
};

/** Claims judged on a measurement of their own (memory, demos), and what their verdict says. */
export const MEASURED_CLAIMS = {
  coroutines: { verdicts: ['holds'], text: /^holds, and then some: 10,000 pending async tasks held .* less than the articles' 10 MB$/ },
  'thread-memory': { verdicts: ['partly', 'holds'], text: /a worker thread reserves 2\.10 MB of wasm stack/ },
  interleaving: { verdicts: ['holds', 'partly'], text: /async logged 1 order in 20 runs; threads logged/ },
  'shared-state': { verdicts: ['holds', 'partly'], text: /async lost [\d,]+ updates; with a lock every counter was exact; .* async deadlocked$/ },
};
