// Every claim of the articles runs from its button: the experiment lands in the link, every
// strategy it needs finishes, and the verdict is judged from the measured runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';

const env = useBrowser();

/** What each claim judged on runs loads, and the verdicts this machine may give (relative timings only). */
const RUN_CLAIMS = {
  requests: { url: /workload=io&tasks=50&io_ms=100/, verdicts: ['holds'], text: /^holds here: sequential .*, threads .* \(16 threads, 4 waits each\), async / },
  gil: { url: /workload=cpu&tasks=16&io_ms=\d+&cpu_ms=50&/, verdicts: ['holds', 'partly'], text: /under the GIL ran at|holds under the GIL/ },
  'never-block': { url: /yield_every_ms=0/, verdicts: ['holds'], text: /longest stall of the page was/ },
  'run-in-executor': { url: /workload=cpu&tasks=40&io_ms=\d+&cpu_ms=20&/, verdicts: ['holds'], text: /lag p99 .* with the executor against/ },
};

/** Claims judged on a measurement of their own (memory, demos), and what their verdict says. */
const MEASURED_CLAIMS = {
  coroutines: { verdicts: ['holds'], text: /^holds, and then some: 10,000 pending async tasks held .* less than the articles' 10 MB$/ },
  'thread-memory': { verdicts: ['partly', 'holds'], text: /a worker thread reserves 2\.10 MB of wasm stack/ },
  interleaving: { verdicts: ['holds', 'partly'], text: /async logged 1 order in 20 runs; threads logged/ },
  'shared-state': { verdicts: ['holds', 'partly'], text: /async lost [\d,]+ updates; with a lock every counter was exact; .* async deadlocked$/ },
};

test('the claims list shows every claim with the articles\' figure', { timeout: 60_000 }, async () => {
  const pg = await env.open('');
  const keys = await pg.page.locator('[data-testid=claims] [data-claim]').evaluateAll((els) => els.map((e) => e.dataset.claim));
  assert.deepEqual(keys.sort(), [...Object.keys(RUN_CLAIMS), ...Object.keys(MEASURED_CLAIMS)].sort());
  assert.match(await pg.page.locator('[data-claim=requests]').innerText(), /5\.2 s sequential, 0\.35 s threads, 0\.18 s asyncio/);
  await pg.page.close();
});

for (const [key, want] of Object.entries(RUN_CLAIMS)) {
  test(`the "${key}" claim runs from one click and is judged from its runs`, { timeout: 180_000 }, async () => {
    const pg = await env.open('');
    await pg.clickAndWaitRun(`claim-${key}`, 150_000);
    const verdict = pg.testid(`claim-${key}-verdict`);
    await verdict.waitFor({ timeout: 30_000 });
    assert.match(pg.page.url(), want.url, 'the claim\'s experiment is in the link');
    const holds = await verdict.getAttribute('data-holds');
    const text = (await verdict.innerText()).replace(/^\S+\s/, '');
    assert.ok(want.verdicts.includes(holds), `${key}: ${holds}: ${text}`);
    assert.match(text, want.text);
    // The verdict is of the runs in the results table.
    for (const row of await pg.page.locator('[data-testid^=result-][data-state]').all()) {
      const state = await row.getAttribute('data-state');
      assert.ok(['none', 'done'].includes(state), `a row ${state}`);
    }
    assert.deepEqual(pg.errors, []);
    await pg.page.close();
  });
}

for (const [key, want] of Object.entries(MEASURED_CLAIMS)) {
  test(`the "${key}" claim measures what it needs from one click and is judged from it`, { timeout: 180_000 }, async () => {
    const pg = await env.open('');
    const before = pg.page.url();
    await pg.testid(`claim-${key}`).click();
    const verdict = pg.testid(`claim-${key}-verdict`);
    await verdict.waitFor({ timeout: 150_000 });
    const holds = await verdict.getAttribute('data-holds');
    const text = (await verdict.innerText()).replace(/^\S+\s/, '');
    assert.ok(want.verdicts.includes(holds), `${key}: ${holds}: ${text}`);
    assert.match(text, want.text);
    assert.equal(pg.page.url(), before, 'a measurement of its own leaves the experiment in the link alone');
    assert.equal(await pg.testid(`claim-${key}`).isEnabled(), true, 'ready to measure again');
    assert.deepEqual(pg.errors, []);
    await pg.page.close();
  });
}
