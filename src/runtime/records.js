// The task records of recent runs, kept across visits in IndexedDB: an entry per run, keyed
// by when it started (ms since the Unix epoch), holding its JSON export as a Blob and the
// Blob's size. Every function returns a promise, which rejects with the browser's error where
// storage is refused (a sandboxed frame, a browser set to keep nothing) or full.

const NAME = 'avt-records';
const STORE = 'runs';
let opened = null;

function database() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      // Reading `indexedDB` itself throws where storage is refused; the promise rejects.
      if (!self.indexedDB) throw new Error('this browser offers this page no IndexedDB');
      const req = indexedDB.open(NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('another tab holds an older version of this storage open'));
    });
    opened.catch(() => { opened = null; });
  }
  return opened;
}

/** Runs `use` on the store in one transaction; resolves with what it returned once committed. */
async function inStore(mode, use) {
  const tx = (await database()).transaction(STORE, mode);
  const out = use(tx.objectStore(STORE));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('the browser aborted the write'));
  });
  return out;
}

/** Keeps `parts` (Uint8Arrays: an export's text) under `at`; resolves with their size. */
export async function recordsPut(at, parts) {
  const blob = new Blob(parts, { type: 'application/json' });
  await inStore('readwrite', (s) => s.put({ bytes: blob.size, blob }, at));
  return blob.size;
}

/** Every entry as `[at, bytes]`, oldest first. */
export async function recordsList() {
  const out = [];
  await inStore('readonly', (s) => {
    const req = s.openCursor();
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return;
      out.push([c.key, c.value?.bytes]);
      c.continue();
    };
  });
  return out;
}

/** The bytes kept under `at`, or null. */
export async function recordsGet(at) {
  const value = await inStore('readonly', (s) => {
    const got = {};
    s.get(at).onsuccess = (e) => { got.value = e.target.result; };
    return got;
  });
  const blob = value.value?.blob;
  return blob instanceof Blob ? new Uint8Array(await blob.arrayBuffer()) : null;
}

/** Forgets the entries under `ats`. */
export function recordsDelete(ats) {
  return inStore('readwrite', (s) => { for (const at of ats) s.delete(at); });
}

/** Forgets every entry. */
export function recordsClear() {
  return inStore('readwrite', (s) => { s.clear(); });
}
