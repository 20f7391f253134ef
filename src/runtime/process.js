// A process of the Processes strategy: a Web Worker with a wasm instance and memory of its
// own (nothing shared with the page), as a `multiprocessing` worker has its own interpreter.
// This module is both the page's helper (spawnProcess) and the worker script itself. The page
// sends the run's plan once, then one task at a time; the process runs it, waiting on its own
// event loop between steps (a timer, idle as a blocked process is: no shared memory needed),
// and sends its record back as a Float64Array (model/run/wire.rs). A panic or trap is
// posted as a 'fault', never left inside the worker, where nobody would see it.

const now = () => performance.timeOrigin + performance.now();

// Waits `ms`. Timers set from timers are clamped to 4 ms after five levels, so a shorter wait
// first hops through a message (a fresh task, out of the clamp's reach).
async function sleep(ms) {
  if (ms < 4) {
    await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = resolve;
      channel.port2.postMessage(0);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, ms));
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  let glue = null;
  const fault = (e) => {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    postMessage({ type: 'fault', message, at: now() });
  };
  self.addEventListener('message', async ({ data }) => {
    if (data == null || typeof data !== 'object') return;
    try {
      if (data.type === 'avt-process' && glue == null) {
        glue = await import(data.mainJS);
        // No memory passed: the instance makes its own, so nothing is shared with the page.
        const wasm = await glue.default({ module_or_path: data.module });
        glue.avt_process_init(data.plan, data.unitsPerMs, data.originMs, data.index, data.inject);
        postMessage({ type: 'ready', at: now(), memory: wasm.memory.buffer.byteLength });
      } else if (data.type === 'task' && glue != null) {
        for (let ms = glue.avt_process_task(data.task); ms > 0; ms = glue.avt_process_advance()) await sleep(ms);
        const record = glue.avt_process_record();
        postMessage({ type: 'done', record, at: now() }, [record.buffer]);
      }
    } catch (e) {
      fault(e);
    }
  });
}

/**
 * Starts process `index` for a run. `onEvent(index, type, payload, atMs)` hears 'ready'
 * (payload: its wasm memory in bytes), 'done' (payload: the record), and 'fault' (payload:
 * the message). Throws when the browser refuses to create the worker.
 */
export function spawnProcess(module, mainJS, plan, unitsPerMs, originMs, index, inject, onEvent) {
  const worker = new Worker(new URL(import.meta.url), { type: 'module', name: `process ${index}` });
  worker.onmessage = ({ data }) => {
    const payload = data.type === 'done' ? data.record : data.type === 'ready' ? data.memory : data.message;
    onEvent(index, String(data.type), payload ?? null, data.at ?? now());
  };
  worker.onerror = (e) => {
    e.preventDefault();
    onEvent(index, 'fault', e.message || 'the process script could not load', now());
  };
  worker.postMessage({ type: 'avt-process', module, mainJS, plan, unitsPerMs, originMs, index, inject });
  return worker;
}

/** Hands task `task` to a process. */
export function sendTask(worker, task) {
  worker.postMessage({ type: 'task', task });
}
