// Page object for the playground, and a browser launcher for Debian's Chromium.
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Serves dist/ with its real headers and launches Chromium (a fresh profile per launch). */
export async function start() {
  const server = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    server,
    browser,
    async open(query = '', viewport = { width: 1280, height: 900 }) {
      const page = await browser.newPage({ viewport });
      const pg = new Playground(page, server.url);
      await pg.open(query);
      return pg;
    },
    async stop() {
      await browser.close();
      await server.close();
    },
  };
}

export class Playground {
  constructor(page, base) {
    this.page = page;
    this.base = base;
    this.errors = [];
    page.on('pageerror', (e) => this.errors.push(e.message));
  }

  async open(query) {
    await this.page.goto(this.base + (query ? `?${query}` : ''));
    await this.waitReady();
  }

  /** Waits until calibration is done and the pool has started (or is unavailable). */
  async waitReady() {
    await this.page.waitForSelector('[data-testid=ready][data-value]', { timeout: 30_000 });
  }

  testid(id) {
    return this.page.locator(`[data-testid="${id}"]`);
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

  async chooseStrategy(key) {
    await this.testid(`strategy-${key}`).check();
  }

  async waitIdle(timeout = 120_000) {
    await this.page.waitForSelector('[data-testid=controls][data-state=idle]', { timeout });
  }

  /** Clicks Run (the chosen strategy) and waits for the run to end. */
  async run(strategy) {
    if (strategy) await this.chooseStrategy(strategy);
    await this.testid('run').click();
    await this.page.waitForSelector('[data-testid=controls][data-state=running]', { timeout: 5_000 }).catch(() => {});
    await this.waitIdle();
    return this.result(strategy ?? (await this.page.locator('input[name=strategy]:checked').getAttribute('value')));
  }

  async runAll() {
    await this.testid('run-all').click();
    await this.page.waitForSelector('[data-testid=controls][data-state=running]', { timeout: 5_000 }).catch(() => {});
    await this.waitIdle();
  }

  /** The measured row of one strategy, as numbers. */
  async result(strategy) {
    const num = async (name) => {
      const v = await this.testid(`result-${strategy}-${name}`).getAttribute('data-value');
      return v === null ? null : Number(v);
    };
    return {
      state: await this.testid(`result-${strategy}`).getAttribute('data-state'),
      makespan: await num('makespan'),
      theory: await num('theory'),
      stall: await num('stall'),
      lagP99: await num('lag'),
      lanes: await num('lanes'),
      checksum: await this.testid(`result-${strategy}-checksum`).getAttribute('data-value').catch(() => null),
    };
  }
}
