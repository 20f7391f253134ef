import { chromium } from 'playwright-core';
import { serve } from '/work/main/tests/e2e/serve.mjs';
const { url, close } = await serve();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage({ viewport: { width: Number(process.env.W ?? 1280), height: 900 } });
page.on('pageerror', e => console.log('PAGEERROR', e.message));
page.on('console', m => console.log('console', m.type(), m.text()));
await page.goto(url + (process.env.Q ?? ''));
await page.waitForSelector('[data-testid=ready][data-value]', { timeout: 20000 }).catch(e => console.log('not ready', e.message));
if (process.env.CLICK) { for (const c of process.env.CLICK.split(',')) { await page.click(`[data-testid=${c}]`); await page.waitForSelector('[data-testid=controls][data-state=idle]', {timeout: 120000}); await page.waitForTimeout(300); } }
await page.screenshot({ path: process.env.OUT ?? '/tmp/shot.png', fullPage: true });
console.log(await page.evaluate(() => JSON.stringify({coi: crossOriginIsolated, q: location.search})));
await browser.close(); await close();
