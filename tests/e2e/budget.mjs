// The start-module budget, asserted by the test command once dist/ is built: each build's wasm
// that the page starts with, gzipped at level 9 as the bench measures it (builds.mjs), is at
// most START_WASM_GZIP_BUDGET bytes. A size is not a timing: the same sources and tools give
// the same bytes, so the check is exact. Exits 1 (saying which, by how much and where to look)
// when a build is over.
import { START_WASM_GZIP_BUDGET, wasmGzip } from './builds.mjs';

const n = (x) => x.toLocaleString('en-US');
let over = false;
for (const [name, key] of [['threads', 'wasm_gzip_bytes'], ['fallback', 'fallback_wasm_gzip_bytes']]) {
  const { file, bytes } = await wasmGzip(name);
  const size = `${key}: dist/${file} is ${n(bytes)} bytes gzipped (level 9), budget ${n(START_WASM_GZIP_BUDGET)}`;
  if (bytes <= START_WASM_GZIP_BUDGET) {
    console.log(`${size}: ${n(START_WASM_GZIP_BUDGET - bytes)} to spare`);
    continue;
  }
  over = true;
  console.error(
    `${size}: ${n(bytes - START_WASM_GZIP_BUDGET)} bytes OVER. The page starts with everything ` +
      'reachable without the `#[wasm_split]` functions of src/ui/lazy.rs (ARCHITECTURE.md, ' +
      '"Builds"): see what grew, or move what only the later panels need behind them.',
  );
}
if (over) process.exit(1);
