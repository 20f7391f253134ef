import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { CHROMIUM_ARGS } from './playground.mjs';
const { url, close } = await serve();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: Number(process.env.W ?? 1280), height: 900 }, colorScheme: process.env.DARK ? 'dark' : 'light', reducedMotion: process.env.RM ? 'reduce' : 'no-preference' });
page.on('pageerror', e => console.log('PAGEERROR', e.message));
await page.goto(url + (process.env.Q ?? ''));
await page.waitForSelector('[data-testid=ready][data-value]', { state: 'attached', timeout: 20000 });
await page.waitForSelector('[data-testid=calibration][data-value]', { state: 'attached', timeout: 20000 });
for (const c of (process.env.CLICK ?? '').split(',').filter(Boolean)) {
  await page.click(`[data-testid=${c}]`);
  await page.waitForSelector('[data-testid=controls][data-state=running]', { timeout: 3000 }).catch(() => {});
  await page.waitForSelector('[data-testid=controls][data-state=idle]', { timeout: 120000 });
  await page.waitForTimeout(300);
}
if (process.env.MID) { await page.click(`[data-testid=${process.env.MID}]`); await page.waitForTimeout(Number(process.env.WAIT ?? 600)); }
await page.screenshot({ path: process.env.OUT ?? '/tmp/shot.png', fullPage: !process.env.VIEWPORT });
await browser.close(); await close();
