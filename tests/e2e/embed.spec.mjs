// Embed mode, the postMessage protocol with an embedding page on another origin, autorun,
// and the share panel's texts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, Playground } from './playground.mjs';
import { serveBlog } from './serve.mjs';

const env = useBrowser();
// The embedding pages: served from another site than the playground.
let parent;
before(async () => (parent = await serveBlog()));
after(() => parent?.close());

const TYPE = 'async-vs-threads:';

/** Serves an embedding page whose body is `body`; it records every message from a frame. */
function host(name, body) {
  return parent.add(name, `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head>
<body style="margin:0">${body}
<script>
  window.messages = [];
  addEventListener('message', (e) => {
    const frames = [...document.querySelectorAll('iframe')];
    messages.push({ frame: frames.findIndex((f) => f.contentWindow === e.source), origin: e.origin, data: e.data });
  });
  window.send = (i, data) => document.querySelectorAll('iframe')[i].contentWindow.postMessage(data, '*');
</script></body></html>`);
}

function frameUrl(query) {
  return `${env.server.url}?${query}`;
}

async function openHost(url, viewport = { width: 1000, height: 800 }) {
  const page = await env.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

/** Waits for a message of `type` (from frame `frame`, if given) matching `pred`; returns it. */
async function message(page, type, { frame, pred = '() => true', timeout = 60_000 } = {}) {
  const handle = await page.waitForFunction(
    ([type, frame, pred]) => {
      const test = eval(pred);
      return messages.find((m) => m.data?.type === type && (frame === undefined || m.frame === frame) && test(m.data));
    },
    [TYPE + type, frame, pred],
    { timeout },
  );
  return (await handle.jsonValue()).data;
}

const embedFrame = (page, i = 0) => page.frames().filter((f) => f !== page.mainFrame())[i];

test('postMessage round trip: garbage is ignored and counted, set and run work, results match the page', { timeout: 240_000 }, async () => {
  const query = 'v=1&workload=cpu&tasks=6&cpu_ms=20&threads=2&pool=2&strategy=sequential&embed=1';
  const { page, errors } = await openHost(host('roundtrip', `<iframe src="${frameUrl(query)}" width="720" height="560" allow="cross-origin-isolated"></iframe>`));
  const ready = await message(page, 'ready');
  assert.equal(ready.v, 1);
  assert.equal(ready.build, 'threads');
  assert.match(ready.query, /workload=cpu/);
  assert.doesNotMatch(ready.query, /embed/);
  const frame = embedFrame(page);
  assert.equal(await frame.evaluate(() => self.crossOriginIsolated), true, 'Document-Isolation-Policy isolates the frame');

  const garbage = [
    'hello',
    42,
    null,
    [1, 2, 3],
    { type: `${TYPE}run`, v: 2 },
    { type: 'run', v: 1 },
    { type: `${TYPE}run`, v: '1' },
    { type: `${TYPE}result`, v: 1 },
    { type: `${TYPE}set`, v: 1, query: 'x'.repeat(200_000) },
    { type: `${TYPE}set`, v: 1, query: 5 },
    { type: `${TYPE}set`, v: 1 },
  ];
  await page.evaluate((garbage) => garbage.forEach((g) => send(0, g)), garbage);
  await frame.waitForFunction((n) => document.documentElement.dataset.ignoredMessages === String(n), garbage.length);
  assert.equal(await frame.getAttribute('[data-testid=embed-ignored]', 'data-count'), String(garbage.length));

  // set, with bad values: their notices show in the frame; good values reach the form.
  await page.evaluate((t) => send(0, { type: `${t}set`, v: 1, query: 'workload=cpu&tasks=6&cpu_ms=20&threads=2&seed=banana&strategy=sequential&theme=purple' }), TYPE);
  await frame.waitForSelector('[data-testid=notices]', { state: 'attached' });
  const notices = await frame.textContent('[data-testid=notices]');
  assert.match(notices, /seed=banana/);
  assert.match(notices, /theme=purple/);
  assert.equal(await frame.inputValue('[data-testid=field-tasks]'), '6');

  await page.evaluate((t) => send(0, { type: `${t}run`, v: 1 }), TYPE);
  const seq = await message(page, 'result', { pred: '(d) => d.strategy === "sequential"' });

  await page.evaluate((t) => send(0, { type: `${t}set`, v: 1, query: 'workload=cpu&tasks=6&cpu_ms=20&threads=2&strategy=threads' }), TYPE);
  await frame.waitForFunction(() => document.querySelector('[data-testid=strategy-threads]').checked);
  // A second run asked for while one runs is ignored (and counted), not started.
  await page.evaluate((t) => {
    send(0, { type: `${t}run`, v: 1 });
    send(0, { type: `${t}run`, v: 1 });
  }, TYPE);
  const thr = await message(page, 'result', { pred: '(d) => d.strategy === "threads"' });
  await frame.waitForFunction((n) => document.documentElement.dataset.ignoredMessages === String(n), garbage.length + 1);

  for (const r of [seq, thr]) {
    assert.equal(r.v, 1);
    assert.equal(r.outcome, 'done');
    assert.equal(r.error, null);
    assert.equal(r.build, 'threads');
    assert.equal(r.tasks_done, 6);
    assert.match(r.query, new RegExp(`strategy=${r.strategy}`));
    assert.match(r.query, /tasks=6/);
    const cell = async (name) => frame.getAttribute(`[data-testid=result-${r.strategy}-${name}]`, 'data-value');
    assert.ok(Math.abs(Number(await cell('makespan')) - r.makespan_ms) < 0.001, `${r.strategy} makespan`);
    assert.ok(Math.abs(Number(await cell('theory')) - r.theory_ms) < 0.001, `${r.strategy} theory`);
    assert.ok(Math.abs(Number(await cell('stall')) - r.longest_stall_ms) < 0.001);
    assert.ok(Math.abs(Number(await cell('lag')) - r.lag_p99_ms) < 0.001);
    assert.equal(await cell('checksum'), r.checksum);
  }
  assert.equal(seq.checksum, thr.checksum, 'every strategy does the same work');
  assert.equal(seq.speedup, 1);
  assert.ok(Math.abs(thr.speedup - seq.makespan_ms / thr.makespan_ms) < 0.01, `speedup ${thr.speedup}`);

  // set during a run goes to the form; the run keeps its own experiment.
  await page.evaluate((t) => {
    send(0, { type: `${t}run`, v: 1 });
    send(0, { type: `${t}set`, v: 1, query: 'workload=cpu&tasks=7&cpu_ms=20&threads=2&strategy=threads' });
  }, TYPE);
  await page.waitForFunction(() => messages.filter((m) => m.data?.type === 'async-vs-threads:result').length === 3, null, { timeout: 60_000 });
  const third = await page.evaluate(() => messages.filter((m) => m.data?.type === 'async-vs-threads:result')[2].data);
  assert.match(third.query, /tasks=6/);
  assert.equal(third.tasks_done, 6);
  assert.equal(await frame.inputValue('[data-testid=field-tasks]'), '7');

  const heights = await page.evaluate(() => messages.filter((m) => m.data?.type === 'async-vs-threads:height').map((m) => m.data.height));
  assert.ok(heights.length >= 1 && heights.every((h) => Number.isInteger(h) && h > 200), `heights ${heights}`);
  assert.ok(await page.evaluate(() => messages.every((m) => m.origin === new URL(document.querySelector('iframe').src).origin)));
  assert.deepEqual(errors, []);
  await page.close();
});

for (const viewport of [{ width: 360, height: 420 }, { width: 900, height: 700 }]) {
  test(`embed at ${viewport.width} x ${viewport.height}: compact, no horizontal scroll, Edit opens, Run works`, { timeout: 120_000 }, async () => {
    const page = await env.newPage({ viewport });
    const pg = new Playground(page, env.server.url);
    await page.goto(`${env.server.url}?workload=cpu&tasks=6&cpu_ms=10&threads=2&strategy=threads&embed=1`);
    await page.waitForSelector('[data-testid=calibration][data-value]', { state: 'attached', timeout: 30_000 });
    for (const gone of ['.masthead', '.claims-panel', '[aria-labelledby=h-memory]', '#h-demos', '[data-testid=share]']) {
      assert.equal(await page.locator(gone).count(), 0, `${gone} is not in the embed`);
    }
    assert.equal(await page.locator('[aria-label=Charts]').count(), 0, 'no sweeps unless asked');
    assert.match(await pg.testid('embed-summary').textContent(), /^6 computations of 10\.0 ms · Threads on 2 threads/);
    const noScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    assert.ok(await noScroll(), 'no horizontal scroll, closed');
    assert.equal(await pg.testid('field-tasks').isVisible(), false);
    await page.click('[data-testid=embed-edit] > summary');
    assert.equal(await pg.testid('field-tasks').isVisible(), true);
    assert.ok(await noScroll(), 'no horizontal scroll, Edit open');
    const r = await pg.runDone('threads');
    assert.equal(r.lanes, 2);
    assert.ok(await noScroll(), 'no horizontal scroll with results');
    const full = pg.testid('open-full');
    assert.equal(await full.getAttribute('target'), '_blank');
    assert.equal(await full.getAttribute('href'), page.url().replace('&embed=1', ''));
    assert.doesNotMatch(page.url(), /autorun/);
    assert.deepEqual(pg.errors, []);
    await page.close();
  });
}

test('sweeps=1 adds the charts and their sweeps to the embed', { timeout: 60_000 }, async () => {
  const page = await env.newPage({ viewport: { width: 700, height: 600 } });
  await page.goto(`${env.server.url}?embed=1&sweeps=1`);
  await page.waitForSelector('[aria-label=Charts] [data-testid^=sweep]', { state: 'attached', timeout: 30_000 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth));
  await page.close();
});

test('autorun runs once, only when visible; five embeds on a page run only the visible one', { timeout: 240_000 }, async () => {
  const src = (autorun) => frameUrl(`workload=io&tasks=5&io_ms=50&pool=1&embed=1${autorun ? '&autorun=1' : ''}`);
  const frame = (autorun, style = '') => `<iframe src="${src(autorun)}" width="420" height="420" style="${style}"></iframe>`;
  const body = `${frame(true)}${frame(false)}<div style="height:2500px"></div>${frame(true, 'display:block')}<div style="height:2500px"></div>${frame(true, 'display:block')}<div style="height:2500px"></div>${frame(true, 'display:block')}`;
  const { page, errors } = await openHost(host('five', body), { width: 900, height: 700 });
  // The two frames in view get ready (those below may be throttled by the browser meanwhile).
  await page.waitForFunction(() => [0, 1].every((i) => messages.some((m) => m.data?.type === 'async-vs-threads:ready' && m.frame === i)), null, { timeout: 120_000 });
  const first = await message(page, 'result', { frame: 0 });
  assert.equal(first.strategy, 'async');
  assert.equal(first.outcome, 'done');
  // Frames that are not visible, or not asked to, do not run; the visible one runs once.
  await page.waitForTimeout(2_000);
  const results = () => page.evaluate(() => messages.filter((m) => m.data?.type === 'async-vs-threads:result').map((m) => m.frame));
  assert.deepEqual(await results(), [0]);
  // A blog's frame may be refused storage: the compact view, which keeps no history, says
  // nothing about it.
  const visible = await (await page.$$('iframe'))[0].contentFrame();
  assert.equal(await visible.locator('[data-testid=notices]').count(), 0);
  await page.locator('iframe').nth(4).scrollIntoViewIfNeeded();
  await message(page, 'result', { frame: 4 });
  await page.waitForTimeout(2_000);
  assert.deepEqual(await results(), [0, 4]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the share panel copies the link, an iframe snippet and a Markdown link that reproduce the experiment', { timeout: 120_000 }, async () => {
  const pg = await env.open('workload=mixed&tasks=7&io_ms=30&cpu_ms=5&rounds=2&threads=2&strategy=executor');
  const copied = async (kind) => {
    await pg.testid(`share-${kind}`).click();
    await pg.page.waitForSelector(`[data-testid=share-text][data-kind=${kind}]`, { state: 'attached' });
    assert.match(await pg.testid('share-status').textContent(), /Copied|press Ctrl\+C/);
    return pg.testid('share-text').inputValue();
  };
  const url = pg.page.url();
  assert.match(url, /tasks=7/);
  assert.equal(await copied('link'), url);
  const md = await copied('markdown');
  assert.equal(md, `[Async vs Threads: 7 tasks of 2 × (30.0 ms wait, 5.00 ms compute) · Async + executor on 2 threads](${url})`);
  const snippet = await copied('snippet');
  assert.match(snippet, /^<iframe src="[^"]+" width="720" height="560" style="[^"]*" loading="lazy" title="Async vs Threads: 7 tasks[^"]*" allow="cross-origin-isolated"><\/iframe>$/);
  const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  assert.equal(src, `${url}&embed=1`);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();

  // The snippet, pasted into a page on another origin, loads the same experiment.
  const { page, errors } = await openHost(host('snippet', snippet));
  const ready = await message(page, 'ready');
  assert.equal(`${env.server.url}?${ready.query}`, url);
  const frame = embedFrame(page);
  assert.equal(await frame.inputValue('[data-testid=field-tasks]'), '7');
  assert.equal(await frame.textContent('[data-testid=embed-summary]'), '7 tasks of 2 × (30.0 ms wait, 5.00 ms compute) · Async + executor on 2 threads');
  assert.deepEqual(errors, []);
  await page.close();
});
