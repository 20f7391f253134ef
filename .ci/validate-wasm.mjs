// Validates wasm modules as a browser does before it runs them, with Node's V8 (Chromium's
// engine): `WebAssembly.validate`, and on failure the compile error that says why. split_build
// (.ci/setup.sh) runs it on the modules it writes, so a broken split fails the build rather
// than the page. Usage: node .ci/validate-wasm.mjs FILE.wasm...
import { readFile } from 'node:fs/promises';

if (process.argv.length < 3) {
  console.error('usage: node .ci/validate-wasm.mjs FILE.wasm...');
  process.exit(2);
}
let invalid = false;
for (const file of process.argv.slice(2)) {
  const bytes = await readFile(file);
  if (WebAssembly.validate(bytes)) continue;
  invalid = true;
  try {
    new WebAssembly.Module(bytes);
    console.error(`${file}: not a valid wasm module (V8 gives no reason)`);
  } catch (e) {
    console.error(`${file}: not a valid wasm module: ${e.message}`);
  }
}
if (invalid) process.exit(1);
