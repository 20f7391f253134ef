// Nothing leaves the page: the Content-Security-Policy (header and meta) allows only the
// page's own origin (and wasm compilation), no request goes to any other origin during boot
// and a Run all, nothing violates the policy, and the messages posted to an embedding page
// carry only the documented fields.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './playground.mjs';
import { serveBlog } from './serve.mjs';

const env = useBrowser();
let blog;
before(async () => (blog = await serveBlog()));
after(() => blog?.close());

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'none'";

/** Records every violation of the page's policy, from before its first script. */
function recordViolations() {
  window.__violations = [];
  addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
}

test('the policy is sent and in the page; boot and a Run all request nothing from another origin', { timeout: 120_000 }, async () => {
  const context = await env.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(recordViolations);
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto(`${env.server.url}?pool=2&workload=mixed&tasks=6&rounds=2&io_ms=10&cpu_ms=5&threads=2`);
  assert.equal(response.headers()['content-security-policy'], POLICY);
  const meta = await page.$eval('meta[http-equiv=Content-Security-Policy]', (m) => m.content);
  assert.equal(meta, POLICY);
  assert.equal(await page.$$eval('script:not([src]):not([type="application/json"])', (s) => s.length), 0, 'no inline script');
  await page.waitForSelector('[data-testid=calibration][data-value]', { state: 'attached', timeout: 30_000 });
  await page.click('[data-testid=run-all]');
  await page.waitForSelector('[data-testid=controls][data-state=running]', { timeout: 10_000 }).catch(() => {});
  await page.waitForSelector('[data-testid=controls][data-state=idle]', { timeout: 120_000 });
  const origin = new URL(env.server.url).origin;
  const elsewhere = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
  assert.deepEqual(elsewhere, [], 'requests to other origins');
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the wasm was fetched (requests are seen)');
  assert.ok(requests.some((u) => u.includes('/snippets/')), 'the workers\' scripts were fetched');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  // The recorder works: an inline style attribute is a violation.
  await page.evaluate(() => document.body.setAttribute('style', 'outline: 1px solid red'));
  await page.waitForFunction(() => window.__violations.length > 0);
  assert.match((await page.evaluate(() => window.__violations))[0], /^style-src/);
  for (const s of ['sequential', 'async', 'threads', 'gil', 'executor', 'processes']) {
    assert.equal(await page.getAttribute(`[data-testid=result-${s}]`, 'data-state'), 'done', s);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

const DOCUMENTED = {
  'async-vs-threads:ready': ['type', 'v', 'query', 'build'],
  'async-vs-threads:height': ['type', 'v', 'height'],
  'async-vs-threads:result': ['type', 'v', 'query', 'strategy', 'outcome', 'error', 'tasks_done', 'makespan_ms', 'theory_ms', 'speedup', 'lag_p99_ms', 'longest_stall_ms', 'checksum', 'build'],
};

test('messages to the embedding page carry only the documented fields', { timeout: 90_000 }, async () => {
  const post = blog.add('privacy', `<!doctype html><meta charset="utf-8"><title>post</title>
<iframe src="${env.server.url}?embed=1&autorun=1&workload=io&tasks=5&io_ms=10" width="720" height="560" allow="cross-origin-isolated"></iframe>
<script>window.messages = []; addEventListener('message', (e) => messages.push(e.data));</script>`);
  const page = await env.newPage();
  await page.goto(post);
  await page.waitForFunction(() => messages.some((m) => m?.type === 'async-vs-threads:result'), null, { timeout: 60_000 });
  const messages = await page.evaluate(() => messages);
  const types = new Set(messages.map((m) => m.type));
  assert.deepEqual([...types].sort(), Object.keys(DOCUMENTED).sort());
  for (const m of messages) {
    assert.deepEqual(Object.keys(m).sort(), [...DOCUMENTED[m.type]].sort(), m.type);
  }
  await page.close();
});
