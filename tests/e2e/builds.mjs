// The two builds in dist/ as its loader finds them (each build's JSON element in index.html:
// its glue `js` and the `wasm` the page starts with), and the size of their wasm as the budget
// counts it: gzipped at level 9, what a host compressing at its best sends. The bench reports
// these sizes (bench.mjs); the test command asserts the budget (budget.mjs).
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

/** The most each build's start module may weigh, gzipped (README, Benchmark keys). */
export const START_WASM_GZIP_BUDGET = 250_000;

const DIST = new URL('../../dist/', import.meta.url);

/** `{ threads: { js, wasm }, fallback: { js, wasm } }`, as dist/index.html names them. */
export async function builds() {
  const html = await readFile(new URL('index.html', DIST), 'utf8');
  return Object.fromEntries(
    [...html.matchAll(/id="avt-build-(\w+)">([^<]*)</g)].map(([, name, json]) => [name, JSON.parse(json)]),
  );
}

/**
 * A build's wasm in dist/, the start module (`_bg.wasm`) or its `extras` chunk
 * (`_extras.wasm`): its file name and its size gzipped at level 9.
 */
export async function wasmGzip(name, suffix = '_bg.wasm') {
  const build = (await builds())[name];
  if (!build) throw new Error(`dist/index.html names no ${name} build`);
  const file = build.wasm.replace(/^\.\//, '').replace(/_bg\.wasm$/, suffix);
  return { file, bytes: gzipSync(await readFile(new URL(file, DIST)), { level: 9 }).length };
}
