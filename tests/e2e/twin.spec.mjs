// The Python twin from end to end: downloaded from the page with its experiment, this
// browser's calibration and name built in; run with this machine's python3 as the page says;
// its file imported beside the browser's runs, with the same I/O checksums, a claim judged on
// both, a CPython run as the history's baseline, the timeline drawing CPython's run with
// Python's lane names; and "Show the code" for every strategy, Rust beside Python. Nothing
// here is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useBrowser } from './playground.mjs';

const env = useBrowser();
const run = promisify(execFile);
const STRATEGIES = ['sequential', 'async', 'threads', 'gil', 'executor', 'processes'];

test('the twin runs the claim\'s experiment in CPython, and its runs import beside the browser\'s', { timeout: 300_000 }, async () => {
  const pg = await env.open('');
  // The requests claim loads its experiment (50 waits of 100 ms) and judges the browser's runs.
  await pg.clickAndWaitRun('claim-requests', 150_000);
  await pg.testid('claim-requests-verdict').waitFor({ timeout: 30_000 });

  const [file] = await Promise.all([pg.page.waitForEvent('download'), pg.testid('twin-download').click()]);
  assert.equal(file.suggestedFilename(), 'async_vs_threads.py');
  const dir = await mkdtemp(join(tmpdir(), 'avt-twin-'));
  await file.saveAs(join(dir, 'async_vs_threads.py'));
  const script = await readFile(join(dir, 'async_vs_threads.py'), 'utf8');
  assert.match(script, /^QUERY = "v=1&workload=io&tasks=50&io_ms=100&[^"]*&threads=16&[^"]*"$/m);
  assert.match(script, /^PAGE_UNITS_PER_MS = \d+(\.\d+)?(e\d+)?$/m, 'this browser\'s calibration');
  assert.match(script, /^PAGE_BROWSER = "Chromium \d+"$/m);
  assert.match(await pg.testid('twin-commands').innerText(), /^python3 async_vs_threads\.py$/m);
  assert.match(await pg.testid('twin-commands').innerText(), /^python3 async_vs_threads\.py --claims$/m);

  // As the page says to run it, in its own directory; the strategies the claim needs (the
  // default build's threads are Threads + GIL), to keep it short.
  const { stdout } = await run('python3', ['async_vs_threads.py', '--strategies', 'sequential,async,threads,gil'], { cwd: dir, timeout: 120_000 });
  assert.match(stdout, /CPython 3\.\d+/);
  const gilOn = /GIL on/.test(stdout);
  await pg.testid('import-file').setInputFiles(join(dir, 'async-vs-threads-cpython.json'));
  await pg.testid('result-group-1').waitFor({ timeout: 30_000 });
  assert.match(await pg.testid('files-status').textContent(), /beside this browser's runs: \d runs measured in CPython 3\.\d+\.\d+, (GIL|free-threaded)/);
  assert.match(await pg.testid('result-group-1').getAttribute('data-env'), /^CPython 3\.\d+\.\d+, .*, \d+ cores?$/);

  // The same waits, whatever ran them: CPython's checksums are the browser's.
  const here = await pg.result('async');
  assert.equal(here.state, 'done');
  for (const k of ['sequential', 'async', 'gil']) {
    const there = await pg.result(`g1-${k}`);
    assert.equal(there.state, 'done', k);
    assert.equal(there.checksum, here.checksum, k);
  }
  assert.equal((await pg.result('sequential')).checksum, here.checksum, 'and the browser\'s own');
  if (gilOn) assert.match(await pg.testid('result-g1-threads').innerText(), /not in this CPython: its threads hold the GIL/);
  assert.match(await pg.testid('result-g1-async-frames').innerText(), /CPython draws no frames/);

  // The claim, judged on CPython's runs too, with where they were measured.
  const there = pg.testid('claim-requests-verdict-g1');
  await there.waitFor({ timeout: 10_000 });
  assert.match(await there.innerText(), /In CPython 3\.\d+\.\d+, .* \(imported\): .*sequential .*threads .*async/);

  // CPython's runs join the history, where one may be the baseline the browser's compare with.
  const cpythonAsync = pg.page.locator('[data-testid=history-row][data-strategy=async]', { has: pg.page.locator('[data-testid=history-env]') }).first();
  assert.match(await cpythonAsync.innerText(), /imported: CPython 3\.\d+\.\d+/);
  await cpythonAsync.locator('[data-testid=history-pin]').click();
  await pg.testid('result-async-vs-baseline').waitFor({ timeout: 10_000 });
  assert.match(await pg.testid('result-async-vs-baseline').innerText(), /[+−-]\d+% vs baseline/);

  // The timeline draws CPython's Threads + GIL run, its lanes named as Python's threads.
  const choice = pg.testid('timeline-run');
  const label = await choice.locator('option', { hasText: /^Threads \+ GIL · CPython/ }).textContent();
  await choice.selectOption({ label });
  await pg.page.waitForFunction(() => /thread 0/.test(document.querySelector('[data-testid=timeline-lanes]').getAttribute('aria-label')));
  assert.match(await pg.page.locator('#tl-caption').innerText(), /in CPython .* \(imported\)/);

  // The served script is the default experiment's.
  const served = await pg.page.request.get(new URL('async_vs_threads.py', pg.page.url()).href);
  assert.equal(served.status(), 200);
  assert.match(await served.text(), /^QUERY = "v=1&workload=io&tasks=50&io_ms=100&[^"]*&threads=2&[^"]*"$/m);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('the twin\'s verdicts on the claims it measures itself come with its runs and show beside the page\'s', { timeout: 120_000 }, async () => {
  // A runs file as `--claims` writes it, kept short: two claims judged by the twin's rules
  // (errors, queues) and one quick run, beside the claims it left to the page.
  const dir = await mkdtemp(join(tmpdir(), 'avt-twin-'));
  const out = join(dir, 'async-vs-threads-cpython.json');
  const www = new URL('../../www/', import.meta.url).pathname;
  const script = [
    'import sys; sys.path.insert(0, sys.argv[1]); import async_vs_threads as t',
    'def judge(key, units):',
    "    if key in ('errors', 'queues'): return t.judge_claim(key, units)",
    "    raise LookupError('left out')",
    "p = t.decode('workload=io&tasks=5&io_ms=20')[0]",
    'r, _ = t.claims_report(1000.0, sys.argv[2], judge=judge, run=lambda *a: [])',
    "runs = t.run_strategies(p, ['async'], 1000.0)[0]",
    "open(sys.argv[2], 'w').write(t.export(runs, p, {'claims': r['claims']}))",
  ].join('\n');
  await run('python3', ['-c', script, www, out], { timeout: 60_000 });
  const pg = await env.open('');
  await pg.testid('import-file').setInputFiles(out);
  await pg.testid('result-group-1').waitFor({ timeout: 30_000 });
  assert.match(await pg.testid('files-status').textContent(), /: 1 runs measured in CPython 3\.\d+\.\d+, .*, and its verdicts on 2 claims \(in Claims\); nothing was run here\.$/);
  for (const [key, said] of [['errors', /one of 4 tasks failed after 20\.0 ms/], ['queues', /asyncio\.Queue \(two tasks\) delivered 2,000 items/]]) {
    const there = pg.testid(`claim-${key}-verdict-g1`);
    await there.waitFor({ timeout: 10_000 });
    assert.equal(await there.getAttribute('data-holds'), 'holds', key);
    assert.match(await there.innerText(), /In CPython 3\.\d+\.\d+, .* \(imported\): holds here: /);
    assert.match(await there.innerText(), said);
    assert.ok((await pg.page.locator(`[data-testid=claim-${key}-chart-g1] [data-testid=claim-bar]`).count()) >= 1, `${key}: its figures`);
  }
  // A claim the twin left to the page has no verdict from the file.
  assert.equal(await pg.testid('claim-switches-verdict-g1').count(), 0);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});

test('"Show the code" shows the Rust that ran each strategy beside its Python twin', { timeout: 60_000 }, async () => {
  const pg = await env.open('workload=io&tasks=4&io_ms=20&threads=2');
  // From a row of the results, from the timeline's run, then from the panel's own choice.
  await pg.testid('result-executor-code').click();
  await pg.page.waitForSelector('[data-testid=code][data-strategy=executor]');
  await pg.run('gil');
  await pg.testid('timeline-code').click();
  await pg.page.waitForSelector('[data-testid=code][data-strategy=gil]');
  for (const k of STRATEGIES) {
    await pg.testid(`code-${k}`).click();
    await pg.page.waitForSelector(`[data-testid=code][data-strategy=${k}]`);
    const python = pg.testid('code-python').locator('pre');
    await python.first().waitFor({ timeout: 10_000 });
    assert.match(await python.first().innerText(), new RegExp(`def run_${k}\\(`), k);
    const rust = await pg.testid('code-rust').innerText();
    assert.match(rust, /src\/runtime\/executors\/\w+\.rs/, k);
    assert.match(rust, /fn \w+/, k);
    assert.doesNotMatch(rust + await python.first().innerText(), /show-code/, `${k}: markers cut off`);
  }
  assert.match(await pg.testid('code').innerText(), /Not shown: the async scheduler \(src\/runtime\/event_loop\.rs/);
  assert.deepEqual(pg.errors, []);
  await pg.page.close();
});
