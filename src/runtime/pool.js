// The thread pool's Web Workers. This module is both the main thread's helper (spawnWorker)
// and the worker script itself: a worker instantiates the page's wasm module on the shared
// memory and runs one rayon thread until the pool ends. Everything that goes wrong in a
// worker (a Rust panic, a trap, a failed start) is posted to the main thread as a 'fault',
// never left as an unhandled rejection inside the worker, where nobody would see it.

const now = () => performance.timeOrigin + performance.now();

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  let started = false;
  self.addEventListener('message', async ({ data }) => {
    if (started || data == null || data.type !== 'avt-start') return;
    started = true;
    try {
      if (data.fail) throw new Error('injected fault: this worker failed to start (test-only)');
      const glue = await import(data.mainJS);
      const wasm = await glue.default({ module_or_path: data.module, memory: data.memory });
      postMessage({ type: 'ready', at: now() });
      glue.avt_worker_main(data.thread);
      // The pool ended: free this thread's stack and thread-locals before the page terminates it.
      wasm.__wbindgen_thread_destroy?.();
      postMessage({ type: 'exit', at: now() });
    } catch (e) {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      postMessage({ type: 'fault', message, at: now() });
    }
  });
}

/**
 * Starts one worker that will run the rayon thread behind the pointer `thread`.
 * `onEvent(generation, index, type, message, atMs)` hears 'ready', 'exit' and 'fault'.
 * Throws when the browser refuses to create the worker.
 */
export function spawnWorker(module, memory, mainJS, thread, fail, generation, index, onEvent) {
  const worker = new Worker(new URL(import.meta.url), { type: 'module', name: `pool worker ${index}` });
  worker.onmessage = ({ data }) => onEvent(generation, index, data.type, data.message ?? '', data.at ?? now());
  worker.onerror = (e) => {
    e.preventDefault();
    onEvent(generation, index, 'fault', e.message || 'the worker script could not load', now());
  };
  worker.postMessage({ type: 'avt-start', module, memory, mainJS, thread, fail });
  return worker;
}

/**
 * In a pool worker, inside a rayon job: instantiates a wasm chunk split from the page's module
 * (src/ui/lazy.rs) on this worker's own instance (its table, stack pointer, thread-local base
 * and the shared memory, from `exports`). The chunk's functions are then in this worker's
 * table too, so code of the chunk that the main thread hands to the pool runs here.
 * Synchronous, since a rayon thread never returns to its event loop: the chunk is already in
 * the HTTP cache (the main thread loaded it first), and compiling in a worker may block.
 */
export function instantiateChunk(url, exports) {
  const request = new XMLHttpRequest();
  request.open('GET', url, false);
  request.responseType = 'arraybuffer';
  request.send();
  if (request.status !== 200) throw new Error(`${url}: HTTP ${request.status}`);
  const module = new WebAssembly.Module(request.response);
  const imports = {};
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    (imports[from] ??= {})[name] = exports[name];
  }
  new WebAssembly.Instance(module, imports);
}
