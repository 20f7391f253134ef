// Page object for the playground, and each spec file's Debian Chromium and server (`useBrowser`).
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { serve, serveBlog } from './serve.mjs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // performance.measureUserAgentSpecificMemory() measures at once instead of waiting for a GC
  // (up to 20 s); the memory panel asks it what each worker holds.
  '--enable-blink-features=ForceEagerMeasureMemory',
];

/**
 * An init script for a browser that refuses shared wasm memory (none tested here does:
 * WebKitGTK makes one, it only lacks SharedArrayBuffer, see README "Browsers"): a shared
 * `WebAssembly.Memory` throws, so the page's loader must choose the single-threaded build.
 */
export function refuseSharedWasmMemory() {
  const Memory = WebAssembly.Memory;
  WebAssembly.Memory = function (descriptor) {
    if (descriptor && descriptor.shared) throw new TypeError('shared memory is not supported here');
    return new Memory(descriptor);
  };
  WebAssembly.Memory.prototype = Memory.prototype;
}

/** How long closing one thing (a page, a context, a server, the browser) may take. */
const CLOSE_MS = 15_000;

/**
 * `promise`, or an error saying what did not answer once `ms` have passed: for the waits
 * Playwright bounds nowhere else (`evaluate` of a page's promise, closing).
 */
export async function within(ms, what, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A spec file's server (dist/ with its real headers) and Chromium (a fresh profile per
 * launch), and what each test opens through it: pages, contexts, other servers. Those are
 * closed when the test ends, passed or failed (`closeOpened`, `useBrowser`), so a failed
 * test leaves no page running into the next test's timings and nothing that keeps the
 * process alive.
 */
export class Env {
  #opened = [];
  #shared = {};

  async start() {
    this.server = await serve();
    try {
      this.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60_000 });
    } catch (e) {
      await this.server.close();
      throw e;
    }
    return this;
  }

  /** Closes `thing` (its `close()`, `what` in a message) when the running test ends; returns it. */
  track(thing, what) {
    this.#opened.push({ thing, what });
    return thing;
  }

  async newPage(options) {
    return this.track(await this.browser.newPage(options), 'a page');
  }

  async newContext(options) {
    return this.track(await this.browser.newContext(options), 'a browser context');
  }

  /** Another server of dist/ (`serve`'s options: other headers), closed with the test. */
  async serve(options) {
    return this.track(await serve(options), 'a server');
  }

  /** A blog's server (`serveBlog`), closed with the test. */
  async serveBlog() {
    return this.track(await serveBlog(), "a blog's server");
  }

  /** Opens the page; `refuseSharedMemory` plays a browser that has no shared wasm memory. */
  async open(query = '', viewport = { width: 1280, height: 900 }, { refuseSharedMemory = false } = {}) {
    const page = await this.newPage({ viewport });
    if (refuseSharedMemory) await page.context().addInitScript(refuseSharedWasmMemory);
    const pg = new Playground(page, this.server.url);
    await pg.open(query);
    return pg;
  }

  /**
   * The page at `query` for the file's tests that only read it: loaded once, by the first to
   * ask, and closed with the browser (a test that changed it would change the next one's).
   */
  shared(query) {
    this.#shared[query] ??= (async () => {
      const pg = new Playground(await this.browser.newPage({ viewport: { width: 1280, height: 900 } }), this.server.url);
      await pg.open(query);
      return pg;
    })();
    return this.#shared[query];
  }

  /** Closes what the tests opened, newest first, each within a bound; throws what failed. */
  async closeOpened() {
    const failed = [];
    for (const { thing, what } of this.#opened.splice(0).reverse()) {
      await within(CLOSE_MS, `closing ${what}`, thing.close()).catch((e) => failed.push(e.message));
    }
    if (failed.length) throw new Error(failed.join('; '));
  }

  async stop() {
    try {
      await this.closeOpened();
    } finally {
      try {
        if (this.browser) await within(CLOSE_MS, 'closing Chromium', this.browser.close());
      } finally {
        await this.server?.close();
      }
    }
  }
}

/** Serves dist/ with its real headers and launches Chromium: an `Env`, for scripts (the bench, the soak). */
export function start() {
  return new Env().start();
}

/**
 * A spec file's `Env`: started before its tests, stopped after them, and after each test,
 * whatever its outcome, what that test opened is closed. Each hook has a bound.
 */
export function useBrowser() {
  const env = new Env();
  before(() => env.start(), { timeout: 90_000 });
  // Hooks run after subtests too: a check's subtest (`needsFreeCore`) leaves its test's page open.
  afterEach((t) => checks.has(t) || env.closeOpened(), { timeout: 60_000 });
  after(() => env.stop(), { timeout: 60_000 });
  return env;
}

/**
 * The states a result row can be in: not run yet, or how its last run ended. A run that
 * could not finish (a task panicked, the pool died) is "failed", and the page says why in
 * `[data-testid=run-error]`.
 */
/**
 * Page-side (serialised into the page by Playwright here and by WebDriver in
 * tests/engines/smoke.mjs): arms `window.__avtRunEnded`, a promise that settles when the run
 * about to be started ends. A MutationObserver on the controls costs the page nothing until
 * they change: polling the DOM would take the main thread during the very run being measured.
 * A click that starts nothing within `noStartMs` (the page refused the run) resolves it, or
 * rejects it with `rejectNoStart`; a run longer than `timeout` rejects it.
 */
export function armRunEnded({ timeout, noStartMs, rejectNoStart = false }) {
  const controls = document.querySelector('[data-testid=controls]');
  window.__avtRunEnded = new Promise((resolve, reject) => {
    let started = false;
    const finish = (error) => {
      observer.disconnect();
      clearTimeout(noStart);
      clearTimeout(limit);
      error ? reject(error) : resolve();
    };
    const observer = new MutationObserver((changes) => {
      const left = changes.some((c) => c.oldValue === 'running');
      started ||= left || controls.dataset.state === 'running';
      if (left && controls.dataset.state === 'idle') finish();
    });
    observer.observe(controls, { attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });
    const noStart = setTimeout(() => started || finish(rejectNoStart ? new Error('the click started no run') : undefined), noStartMs);
    const limit = setTimeout(() => finish(new Error(`the run did not end within ${timeout} ms`)), timeout);
  });
}

/**
 * Page-side: how much faster two threads compute than one on this machine right now. Plain
 * Web Workers (none of the page's code, no wasm) count loop turns over the same `ms`, one alone
 * and then two side by side; returns the two's turns per ms over the one's: about 2 with two
 * idle cores, nearer 1 the less a second core is free. Each worker first says it is running
 * (a worker can take longer than a run to start on a loaded machine), then all count from one
 * moment, each over the time it really counted.
 */
export async function twoWorkersOverOne(ms) {
  const src = `postMessage('running');
    onmessage = ({ data: { from, until } }) => {
      while (performance.timeOrigin + performance.now() < from) {}
      const start = performance.now();
      const end = until - performance.timeOrigin;
      let turns = 0;
      while (performance.now() < end) turns++;
      postMessage(turns / (performance.now() - start));
    };`;
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  const answer = (w) => new Promise((resolve, reject) => {
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => reject(new Error(`a counting worker failed: ${e.message}`));
  });
  const spin = async (n) => {
    const workers = Array.from({ length: n }, () => new Worker(url));
    try {
      await Promise.all(workers.map(answer));
      const from = performance.timeOrigin + performance.now() + 20;
      const rates = await Promise.all(workers.map((w) => {
        const rate = answer(w);
        w.postMessage({ from, until: from + ms });
        return rate;
      }));
      return rates.reduce((a, b) => a + b, 0);
    } finally {
      workers.forEach((w) => w.terminate());
    }
  };
  try {
    const one = await spin(1);
    const two = await spin(2);
    return two / one;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The subtests of `needsFreeCore`, which close nothing when they end. */
const checks = new WeakSet();

/** The median of the finite numbers of `xs`, or null without any. */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
const list = (xs, digits = 1) => xs.map((x) => x.toFixed(digits)).join(', ');

/** The median of the readings `free` (`Playground.freeCores`), and a sentence on the machine. */
function machine(free) {
  const ratio = median(free.map((f) => f.ratio));
  const last = free.at(-1);
  const text =
    `two plain workers computed ${list(free.map((f) => f.ratio), 2)}x one around the runs (median ${ratio.toFixed(2)}x); ` +
    `the browser reports ${last.cores} cores, the machine's load average is ${last.load}`;
  return { ratio, text };
}

/** Below this median of the readings the browser got no second core. */
const NO_FREE_CORE = 1.3;

/**
 * Runs `check` as a subtest of `t` named `name`: a check that needs a free core, with `free`
 * the readings of the machine around it (`Playground.freeCores`: what two plain workers
 * computed over one). Where the browser got no second core (their median below 1.3x: other
 * work on the machine, which with Linux's autogroup scheduling takes a whole core from the
 * browser's session), nothing can run in parallel: the subtest is skipped, saying so with
 * `figures`. `check` gets the median and a sentence on the machine for its message.
 */
export async function needsFreeCore(t, name, free, figures, check) {
  const { ratio, text } = machine(free);
  const skip = ratio < NO_FREE_CORE && `needs a free core, and the browser had none: ${figures}; ${text}`;
  await t.test(`${name} (given two free cores)`, { skip }, (sub) => {
    checks.add(sub);
    check(ratio, `This check needs a free core: ${text}.`);
  });
}

/** Whether `holds` is true of most of `rows` (the rounds of `checkParallel`): for timings. */
export const inMost = (rows, holds) => rows.filter(holds).length * 2 > rows.length;

/**
 * Checks (`needsFreeCore`) that `fast` ran in parallel what `slow` ran on one thread. Three
 * rounds of `runs()` (the runs to compare; what it returns), each between two readings of the
 * machine (`Playground.freeCores`); `fast` and `slow` are `[name, ms of a round]`. The median
 * of `slow` over `fast` must be at least `k`, scaled by how much of two cores the browser got
 * around the runs (the readings' median over 2: on two idle cores about 1, and `k` itself is
 * asked for), and at least 1.1. A moment of other work on the machine moves one round, not
 * the median; work that comes in bursts the readings miss (beside the other agents' load
 * alone, threads ran 1.16x sequential between readings of 1.95x) may move all three, so three
 * rounds that fall short are measured once more, and the check judges those. Returns every
 * round's `runs()`, for the caller's other checks.
 */
export async function checkParallel(t, pg, { runs, fast: [fastName, fastMs], slow: [slowName, slowMs], k }) {
  const sets = [];
  for (let tries = 0; tries < 2; tries++) {
    const free = [await pg.freeCores()];
    const rows = [];
    for (let i = 0; i < 3; i++) {
      rows.push(await runs());
      free.push(await pg.freeCores());
    }
    const [f, s] = [rows.map(fastMs), rows.map(slowMs)];
    const got = median(s.map((ms, i) => ms / f[i]));
    const { ratio } = machine(free);
    const needs = Math.max(1.1, (k * Math.min(ratio, 2)) / 2);
    sets.push({ rows, free, got, needs, figures: `${fastName} ${list(f)} ms vs ${slowName} ${list(s)} ms: median ${got.toFixed(2)}x` });
    if (got >= needs || ratio < NO_FREE_CORE) break;
  }
  const last = sets.at(-1);
  const figures = sets.map((set) => set.figures).join('; measured again: ');
  await needsFreeCore(t, `${fastName} is at least ${k}x faster than ${slowName}`, last.free, figures, (_, why) => {
    assert.ok(last.got >= last.needs, `${figures}, needs ${last.needs.toFixed(2)}x. ${why}`);
  });
  return sets.flatMap((set) => set.rows);
}

/**
 * Page-side: starts timing the main thread's stalls, as the longest gap between callbacks of a
 * zero-delay timer that re-arms itself (the page's probe ticks every 10 ms, too coarse for an
 * operation of half a second); [stallsSince] reads them.
 */
export function watchStalls() {
  const w = { longest: 0, last: performance.now(), t0: performance.now(), on: true };
  window.__avtStalls = w;
  const tick = () => {
    const now = performance.now();
    w.longest = Math.max(w.longest, now - w.last);
    w.last = now;
    if (w.on) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
}

/** Page-side: stops [watchStalls]; the longest stall and the time watched, ms. */
export function stallsSince() {
  const w = window.__avtStalls;
  w.on = false;
  return { longest: w.longest, total: performance.now() - w.t0 };
}

/**
 * Exports the timeline's run as JSON, then imports that file beside it, each while
 * [watchStalls] watches the main thread: their longest stalls and times, ms.
 */
export async function exportImportStalls(pg, dir) {
  await pg.page.evaluate(watchStalls);
  const [file] = await Promise.all([pg.page.waitForEvent('download'), pg.testid('export-json').click()]);
  const exported = await pg.page.evaluate(stallsSince);
  const path = `${dir}/${file.suggestedFilename()}`;
  await file.saveAs(path);
  const before = await pg.testid('files-status').textContent();
  await pg.page.evaluate(watchStalls);
  await pg.testid('import-file').setInputFiles(path);
  await pg.page.waitForFunction((b) => {
    const t = document.querySelector('[data-testid=files-status]').textContent;
    return t !== b && !/^Reading/.test(t);
  }, before, { timeout: 60_000 });
  const imported = await pg.page.evaluate(stallsSince);
  return { exported, imported, status: await pg.testid('files-status').textContent() };
}

export const ROW_STATES = Object.freeze(['none', 'done', 'cancelled', 'failed']);

export class Playground {
  /** `page` is a Playwright Page, or a Frame holding the playground (an embed). */
  constructor(page, base) {
    this.page = page;
    this.base = base;
    this.errors = [];
    if (typeof page.on === 'function') page.on('pageerror', (e) => this.errors.push(e.message));
  }

  async open(query) {
    await this.page.goto(this.base + (query ? `?${query}` : ''));
    await this.waitReady();
  }

  /**
   * Waits until the page's experiment can run (the pool has started, or is unavailable) and
   * the kernel is calibrated (which an I/O experiment does not wait for).
   */
  async waitReady() {
    // Attached, not visible: the compact view (embed=1) keeps them under its Edit disclosure.
    await this.page.waitForSelector('[data-testid=ready][data-value]', { state: 'attached', timeout: 30_000 });
    await this.page.waitForSelector('[data-testid=calibration][data-value]', { state: 'attached', timeout: 30_000 });
  }

  testid(id) {
    return this.page.locator(`[data-testid="${id}"]`);
  }

  /** Waits until the pool's status is `state` (starting, ready, failed, unavailable). */
  async waitPool(state, timeout = 30_000) {
    await this.page.waitForSelector(`[data-testid=pool-status][data-state=${state}]`, { timeout });
  }

  async poolWorkers() {
    return Number(await this.testid('pool-status').getAttribute('data-workers'));
  }

  async setField(key, value) {
    await this.testid(`field-${key}`).fill(String(value));
  }

  async fieldError(key) {
    return (await this.testid(`error-${key}`).textContent()).trim();
  }

  /** The page's strategies, in the order Run all runs them (the form's radio buttons). */
  async strategies() {
    return this.page.$$eval('input[name=strategy]', (els) => els.map((e) => e.value));
  }

  async chooseStrategy(key) {
    await this.testid(`strategy-${key}`).check();
  }

  async waitIdle(timeout = 120_000) {
    await this.page.waitForSelector('[data-testid=controls][data-state=idle]', { timeout });
  }

  /**
   * Clicks `button` (a real click) and waits for the run it starts to end ([armRunEnded],
   * armed before the click).
   */
  async clickAndWaitRun(button, timeout = 120_000) {
    await this.page.evaluate(armRunEnded, { timeout, noStartMs: 5_000 });
    await this.testid(button).click();
    // Bounded in the page too, but a page whose main thread never returns answers nothing.
    await within(timeout + 10_000, `the run started by ${button}`, this.page.evaluate(() => window.__avtRunEnded));
  }

  /** Clicks Run (the chosen strategy) and waits for the run to end. */
  async run(strategy) {
    if (strategy) await this.chooseStrategy(strategy);
    await this.clickAndWaitRun('run');
    return this.result(strategy ?? (await this.page.locator('input[name=strategy]:checked').getAttribute('value')));
  }

  async runAll() {
    await this.clickAndWaitRun('run-all');
  }

  /**
   * The measured row of one strategy, as numbers. Read in one go from the DOM, without
   * waiting: a row that is not "done" may lack cells, and those read as null.
   */
  async result(strategy) {
    const row = await this.page.evaluate((k) => {
      const el = (name) => document.querySelector(`[data-testid="result-${k}${name ? `-${name}` : ''}"]`);
      const num = (name, attr = 'data-value') => {
        const v = el(name)?.getAttribute(attr);
        return v === null || v === undefined ? null : Number(v);
      };
      return {
        state: el('')?.getAttribute('data-state') ?? null,
        cpuMs: num('', 'data-cpu-ms'),
        makespan: num('makespan'),
        theory: num('theory'),
        stall: num('stall'),
        lagP99: num('lag'),
        lanes: num('lanes'),
        checksum: el('checksum')?.getAttribute('data-value') ?? null,
      };
    }, strategy);
    // A state nobody checks for would make every `state === 'done'` test fail obscurely.
    if (!ROW_STATES.includes(row.state)) throw new Error(`result-${strategy}: unknown data-state "${row.state}"`);
    return row;
  }

  /** Clicks Run and returns the row, or throws (with the page's message) unless it is "done". */
  async runDone(strategy) {
    const r = await this.run(strategy);
    if (r.state !== 'done') {
      const why = await this.runError();
      throw new Error(`the ${strategy} run ended "${r.state}"${why ? `: ${why}` : ''}`);
    }
    return r;
  }

  /** The page's run error message, or null when there is none. */
  async runError() {
    return this.page.evaluate(() => document.querySelector('[data-testid=run-error]')?.textContent.trim() ?? null);
  }

  /** An attribute of the first element with this testid, or null (no waiting, no throwing). */
  async attr(id, name) {
    return this.page.evaluate(([id, name]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(name) ?? null, [id, name]);
  }

  /**
   * What this machine gives two threads over one right now (`twoWorkersOverOne`), the cores the
   * browser reports and the load average: for `needsFreeCore`, around its runs (`checkParallel`).
   */
  async freeCores() {
    const ratio = await this.page.evaluate(twoWorkersOverOne, 300);
    const cores = await this.page.evaluate(() => navigator.hardwareConcurrency);
    return { ratio, cores, load: loadavg()[0].toFixed(2) };
  }

  /** Kernel work units per ms the page measured at start-up (one thread). */
  async calibration() {
    return Number(await this.attr('calibration', 'data-value'));
  }

  /** Navigation start to "calibrated and pool ready", in ms, as the page measured it. */
  async readyMs() {
    return Number(await this.attr('ready', 'data-value'));
  }
}
