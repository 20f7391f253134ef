// Every claim of the articles runs from its button: the experiment lands in the link, every
// strategy it needs finishes, and the verdict is judged from the measured runs. The claims
// judged on a measurement of their own are in claims-measured.spec.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';
import { RUN_CLAIMS, MEASURED_CLAIMS, allowedVerdicts } from './claims.mjs';

const env = useBrowser();

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
    const verdicts = allowedVerdicts(want, text);
    assert.ok(verdicts.includes(holds), `${key}: ${holds} (expected ${verdicts.join(' or ')}): ${text}`);
    assert.match(text, want.text);
    // Its deciding figures are drawn beside it, one bar per figure.
    const bars = await pg.page.locator(`[data-testid=claim-${key}-chart] [data-testid=claim-bar]`).evaluateAll((bs) => bs.map((b) => Number(b.dataset.value)));
    assert.ok(bars.length >= 1 && bars.every(Number.isFinite), `${key}: chart ${bars}`);
    // The verdict is of the runs in the results table.
    for (const row of await pg.page.locator('[data-testid^=result-][data-state]').all()) {
      const state = await row.getAttribute('data-state');
      assert.ok(['none', 'done'].includes(state), `a row ${state}`);
    }
    // And they come into view from the verdict: the timeline draws the last it judged.
    await pg.page.evaluate(() => window.scrollTo(0, 0));
    await pg.testid(`claim-${key}-see`).click();
    await pg.page.waitForFunction(() => Math.abs(document.getElementById('h-timeline').getBoundingClientRect().top) < 200);
    assert.notEqual(await pg.attr('timeline', 'data-records'), '0', 'the timeline draws a judged run');
    assert.deepEqual(pg.errors, []);
    await pg.page.close();
  });
}
