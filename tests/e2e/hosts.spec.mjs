// Every way of opening the page, each served as that host would serve dist/: with `_headers`
// (Netlify, Cloudflare Pages), with no headers (GitHub Pages: the service worker isolates the
// page after one reload), with no headers where service workers are unavailable, in a browser
// that refuses shared memory (the single-threaded build loads), and inside a cross-origin
// iframe of a plain blog page (Document-Isolation-Policy, or only COOP/COEP). Each checks
// crossOriginIsolated, which build loaded, and that a run completes with equal checksums.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, Playground, refuseSharedWasmMemory, checkParallel } from './playground.mjs';
import { builds as distBuilds } from './builds.mjs';

// A little of everything: waits and computations, on 2 workers.
const QUERY = 'pool=2&workload=mixed&tasks=8&cpu_ms=20&io_ms=30&threads=2';
const NO_HEADERS = {};
const COOP_COEP_ONLY = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

const env = useBrowser();
let builds;
before(async () => {
  builds = await distBuilds();
});

/** What the page says about itself: isolation, the loaded build, the pool, and why. */
async function where(pg) {
  return pg.page.evaluate(() => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    return {
      isolated: self.crossOriginIsolated,
      loaded: window.avtBoot?.build,
      build: el('build')?.getAttribute('data-value'),
      pool: el('pool-status')?.getAttribute('data-state'),
      why: el('pool-status')?.textContent ?? '',
    };
  });
}

/** Runs each strategy and checks they all did the same work. */
async function runsAgree(pg, strategies) {
  const rows = [];
  for (const s of strategies) rows.push(await pg.runDone(s));
  for (const [i, r] of rows.entries()) {
    assert.equal(r.checksum, rows[0].checksum, `${strategies[i]} did other work than ${strategies[0]}`);
  }
  return rows;
}

/** A build's wasm files, as requested: the module the page starts with, then its chunk. */
const files = (build) => {
  const main = build.wasm.replace('./', '/');
  return [main, main.replace(/_bg\.wasm$/, '_extras.wasm')];
};

/** The wasm files a page downloaded: which build(s). */
function wasmRequests(page) {
  const urls = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && urls.push(new URL(r.url()).pathname));
  return { distinct: () => [...new Set(urls)] };
}

/**
 * Runs sequential, async and processes with equal checksums (three rounds), and checks
 * (subtest of `t`) that processes ran in parallel: they need no shared memory, so where
 * threads are off they are the parallel strategy.
 */
async function processesInParallel(t, pg) {
  // Their computing, without the start-up they do side by side first (measured apart).
  const rows = await checkParallel(t, pg, {
    runs: async () => {
      const [seq, , pro] = await runsAgree(pg, WITHOUT_THREADS);
      return { seq, pro, startupMs: Number(await pg.attr('result-processes-startup', 'data-per-worker-ms')) };
    },
    fast: ['processes computing', (r) => r.pro.makespan - r.startupMs],
    slow: ['sequential', (r) => r.seq.makespan],
    k: 1.3,
  });
  for (const { pro, startupMs } of rows) {
    assert.equal(pro.lanes, 2);
    assert.ok(startupMs > 0 && startupMs < pro.makespan, `start-up ${startupMs} ms`);
  }
}

const EVERY_STRATEGY = ['sequential', 'async', 'threads', 'gil', 'executor', 'processes'];
const WITHOUT_THREADS = ['sequential', 'async', 'processes'];

test('(a) served with _headers: isolated, the threaded build, every strategy', { timeout: 120_000 }, async () => {
  const page = await env.newPage();
  const wasm = wasmRequests(page);
  const pg = new Playground(page, env.server.url);
  await pg.open(QUERY);
  const w = await where(pg);
  assert.deepEqual([w.isolated, w.loaded, w.build, w.pool], [true, 'threads', 'threads', 'ready']);
  await runsAgree(pg, EVERY_STRATEGY);
  assert.deepEqual(wasm.distinct(), files(builds.threads), 'only the threaded build is downloaded');
  assert.deepEqual(pg.errors, []);
  await page.close();
});

test('(b) no headers (GitHub Pages): the service worker isolates the page after one reload', { timeout: 120_000 }, async () => {
  const bare = await env.serve({ headers: NO_HEADERS });
  const context = await env.newContext();
  const page = await context.newPage();
  let loads = 0;
  page.on('load', () => loads++);
  const pg = new Playground(page, bare.url);
  await pg.open(QUERY);
  const w = await where(pg);
  assert.deepEqual([w.isolated, w.loaded, w.pool], [true, 'threads', 'ready'], w.why);
  assert.equal(loads, 2, 'one reload, after the service worker was installed');
  for (const kept of QUERY.split('&')) assert.ok(page.url().includes(kept), `the reload keeps the experiment: ${page.url()}`);
  await runsAgree(pg, ['sequential', 'async', 'threads']);
  // Later visits are isolated from the start, and never reload.
  await pg.open(QUERY);
  assert.equal(loads, 3);
  assert.equal((await where(pg)).isolated, true);
  assert.deepEqual(pg.errors, []);
  await context.close();
  await bare.close();
});

test('(c) no headers and no service workers: threads off, with the reason; the rest runs', { timeout: 120_000 }, async (t) => {
  const bare = await env.serve({ headers: NO_HEADERS });
  const context = await env.newContext({ serviceWorkers: 'block' });
  const pg = new Playground(await context.newPage(), bare.url);
  await pg.open('workload=cpu&tasks=12&cpu_ms=50&threads=2');
  const w = await where(pg);
  assert.deepEqual([w.isolated, w.loaded, w.pool], [false, 'threads', 'unavailable']);
  assert.match(w.why, /served without Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
  // Playwright blocks the registration (it never settles): the loader gives up on it.
  assert.match(w.why, /service worker that adds them could not be registered/);
  await processesInParallel(t, pg);
  assert.deepEqual(pg.errors, []);
  await context.close();
  await bare.close();
});

test('(c2) a browser that refuses shared memory gets the single-threaded build, and it runs', { timeout: 120_000 }, async (t) => {
  const context = await env.newContext();
  await context.addInitScript(refuseSharedWasmMemory);
  const page = await context.newPage();
  const wasm = wasmRequests(page);
  const pg = new Playground(page, env.server.url);
  await pg.open('workload=cpu&tasks=12&cpu_ms=50&threads=2');
  const w = await where(pg);
  assert.deepEqual([w.isolated, w.loaded, w.build, w.pool], [true, 'fallback', 'fallback', 'unavailable']);
  assert.match(w.why, /refuses shared WebAssembly memory/);
  assert.deepEqual(wasm.distinct(), files(builds.fallback), 'only the single-threaded build is downloaded');
  await processesInParallel(t, pg);
  // The strategies that need the pool say why instead of running.
  await pg.chooseStrategy('threads');
  assert.equal(await pg.testid('run').isDisabled(), true);
  assert.match(await pg.testid('gate-threads').innerText(), /shared WebAssembly memory/);
  assert.deepEqual(pg.errors, []);
  await context.close();
});

/** Opens a plain blog post (another site, no isolation headers) embedding the playground. */
async function openEmbedded(frameServer) {
  const blog = await env.serveBlog();
  const post = blog.add('post', `<!doctype html><title>A blog post</title><h1>My post</h1>
    <iframe id="embed" src="${frameServer.url}?${QUERY}" width="900" height="700" loading="lazy"
      title="Async vs Threads" allow="cross-origin-isolated"></iframe>`);
  const page = await env.newPage();
  await page.goto(post);
  const frame = await (await page.waitForSelector('#embed')).contentFrame();
  const pg = new Playground(frame, frameServer.url);
  await pg.waitReady();
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false, 'the blog itself is not isolated');
  return { page, pg, blog };
}

test('(d) in a cross-origin iframe of a plain page, Document-Isolation-Policy isolates the frame', { timeout: 120_000 }, async () => {
  const { page, pg, blog } = await openEmbedded(env.server);
  const w = await where(pg);
  assert.deepEqual([w.isolated, w.loaded, w.pool], [true, 'threads', 'ready'], w.why);
  await runsAgree(pg, ['sequential', 'async', 'threads']);
  await page.close();
  await blog.close();
});

test('(e) the same iframe served with COOP/COEP only: threads off, and the page says why', { timeout: 120_000 }, async () => {
  const frameServer = await env.serve({ headers: COOP_COEP_ONLY });
  const { page, pg, blog } = await openEmbedded(frameServer);
  const w = await where(pg);
  assert.deepEqual([w.isolated, w.loaded, w.pool], [false, 'threads', 'unavailable']);
  assert.match(w.why, /embedded in a page that is not cross-origin isolated/);
  assert.match(w.why, /served without Document-Isolation-Policy: isolate-and-require-corp/);
  assert.match(w.why, /open it in the full playground/);
  await runsAgree(pg, WITHOUT_THREADS);
  // The compact view an author embeds says it in one line, with the reason under it.
  await pg.page.goto(`${frameServer.url}?${QUERY}&embed=1`);
  const note = pg.page.locator('[data-testid=embed-threads-off]');
  assert.match(await note.locator('summary').innerText(), /^Threads are off here/);
  assert.match(await note.textContent(), /Threads are off here[^]*Document-Isolation-Policy/);
  await page.close();
  await blog.close();
  await frameServer.close();
});
