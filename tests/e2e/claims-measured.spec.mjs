// The claims judged on a measurement of their own (memory, the demos) measure what they need
// from one click, and leave the experiment in the link alone. Nothing here is timed: the
// verdicts allowed hold on a loaded machine too (see claims.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';
import { MEASURED_CLAIMS, allowedVerdicts } from './claims.mjs';

const env = useBrowser();

for (const [key, want] of Object.entries(MEASURED_CLAIMS)) {
  test(`the "${key}" claim measures what it needs from one click and is judged from it`, { timeout: 180_000 }, async () => {
    const pg = await env.open('');
    const before = pg.page.url();
    await pg.testid(`claim-${key}`).click();
    const verdict = pg.testid(`claim-${key}-verdict`);
    await verdict.waitFor({ timeout: 150_000 });
    const holds = await verdict.getAttribute('data-holds');
    const text = (await verdict.innerText()).replace(/^\S+\s/, '');
    const verdicts = allowedVerdicts(want, text);
    assert.ok(verdicts.includes(holds), `${key}: ${holds}: ${text}`);
    assert.match(text, want.text);
    assert.ok((await pg.page.locator(`[data-testid=claim-${key}-chart] [data-testid=claim-bar]`).count()) >= 1, `${key}: the verdict's chart`);
    assert.equal(pg.page.url(), before, 'a measurement of its own leaves the experiment in the link alone');
    assert.equal(await pg.testid(`claim-${key}`).isEnabled(), true, 'ready to measure again');
    assert.deepEqual(pg.errors, []);
    await pg.page.close();
  });
}
