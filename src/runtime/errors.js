// The errors claim in the browser, with the browser's own machinery (nothing here decides what
// reaches whom): `tasks` tasks wait `waitMs`, but the one at `failing` throws after `failMs`.
// Async tasks are promises on the event loop, awaited three ways: Promise.all (asyncio.gather),
// Promise.allSettled (gather's return_exceptions=True), and Promise.all with the first error
// aborting the rest through an AbortController (a TaskGroup's cancellation). Threads are Web
// Workers: bare ones, whose error is uncaught in the worker (the starter only hears that each
// ended, as Thread.join returns; the error goes to the Worker's `error` event, the browser's
// threading.excepthook), and pool-like ones that catch it and send it back with the result
// (as concurrent.futures sets it on the future). Times are ms from each way's start.

const MESSAGE = (failing) => `task ${failing} failed`;

// One task as a promise: resolves after `ms`, or rejects after `failMs` when it fails; an
// abort clears its timer and rejects it with the signal's reason.
function task(i, failing, waitMs, failMs, at, ends, signal) {
  return new Promise((resolve, reject) => {
    const fails = i === failing;
    const timer = setTimeout(() => {
      if (fails) {
        ends[i] = { fate: 'failed', ms: at() };
        reject(new Error(MESSAGE(failing)));
      } else {
        ends[i] = { fate: 'finished', ms: at() };
        resolve(i);
      }
    }, fails ? failMs : waitMs);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      if (!ends[i]) {
        ends[i] = { fate: 'cancelled', ms: at() };
        reject(signal.reason);
      }
    });
  });
}

// What the others became: how many finished their work, and how many were cancelled.
const fates = (ends, failing) => ({
  finished: ends.filter((e, i) => i !== failing && e?.fate === 'finished').length,
  cancelled: ends.filter((e, i) => i !== failing && e?.fate === 'cancelled').length,
  othersMs: Math.max(0, ...ends.filter((e, i) => i !== failing && e).map((e) => e.ms)),
});

async function awaited(way, tasks, failing, waitMs, failMs) {
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  const ends = [];
  const abort = way === 'cancelling' ? new AbortController() : null;
  const ps = Array.from({ length: tasks }, (_, i) => task(i, failing, waitMs, failMs, at, ends, abort?.signal));
  let callerMs = null, said = null;
  if (way === 'settled') {
    const out = await Promise.allSettled(ps);
    const bad = out.find((o) => o.status === 'rejected');
    if (bad) [callerMs, said] = [at(), String(bad.reason?.message ?? bad.reason)];
  } else {
    try {
      await Promise.all(abort ? ps.map((p) => p.catch((e) => { abort.abort(e); throw e; })) : ps);
    } catch (e) {
      [callerMs, said] = [at(), String(e?.message ?? e)];
    }
  }
  const returnedMs = at();
  // The others' fate once they are all over (gather leaves them running).
  await Promise.allSettled(ps);
  return { callerMs, said, hookMs: null, returnedMs, ...fates(ends, failing) };
}

// A thread: waits, then throws or says it finished. Bare, the throw is uncaught and a
// `finally` says it ended (the thread is over, as join sees it); catching, it sends the error.
const THREAD = `onmessage = ({ data: { fails, ms, catching, message } }) => setTimeout(() => {
  if (catching) {
    try { if (fails) throw new Error(message); postMessage({ ok: true }); }
    catch (e) { postMessage({ error: String(e.message) }); }
    return;
  }
  try { if (fails) throw new Error(message); }
  finally { postMessage({ ended: true, fails }); }
}, ms);`;

async function threads(way, tasks, failing, waitMs, failMs, limitMs) {
  const url = URL.createObjectURL(new Blob([THREAD], { type: 'text/javascript' }));
  const workers = [];
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  const ends = [];
  let callerMs = null, said = null, hookMs = null, hookSaid = null;
  try {
    const joins = Array.from({ length: tasks }, (_, i) => new Promise((resolve) => {
      const w = new Worker(url);
      workers.push(w);
      const fails = i === failing;
      w.onerror = (e) => {
        // The error outside the code that joins: threading.excepthook. Handled, so the
        // console stays quiet (Python's default hook prints it).
        e.preventDefault();
        if (hookMs === null) [hookMs, hookSaid] = [at(), String(e.message)];
      };
      w.onmessage = ({ data }) => {
        ends[i] = { fate: fails ? 'failed' : 'finished', ms: at() };
        if (data.error !== undefined && callerMs === null) [callerMs, said] = [at(), data.error];
        resolve();
      };
      w.postMessage({ fails, ms: fails ? failMs : waitMs, catching: way === 'future', message: MESSAGE(failing) });
    }));
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the threads did not end within ${limitMs} ms`)), limitMs);
    });
    await Promise.race([Promise.all(joins), timeout]).finally(() => clearTimeout(timer));
    const returnedMs = at();
    // The error event may come just after the thread's last message.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { callerMs, said: said ?? hookSaid, hookMs, returnedMs, ...fates(ends, failing) };
  } finally {
    for (const w of workers) w.terminate();
    URL.revokeObjectURL(url);
  }
}

// Every way, one after another: what each saw, by the way's name.
export async function runErrors(tasks, failing, waitMs, failMs, limitMs) {
  const out = {};
  for (const way of ['gather', 'settled', 'cancelling']) out[way] = await awaited(way, tasks, failing, waitMs, failMs);
  for (const way of ['bare', 'future']) out[way] = await threads(way, tasks, failing, waitMs, failMs, limitMs);
  return out;
}
