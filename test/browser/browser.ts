import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** TOCSIN_CHROMIUM: the Chromium executable the browser tests drive. @defaultValue `/usr/bin/chromium` */
export const CHROMIUM = process.env.TOCSIN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Where the screenshots the README links are saved (docs/screenshots/): with
 * TOCSIN_UPDATE_SCREENSHOTS=1 only, so that a test run leaves the tree as it was; otherwise each
 * page is still rendered to an image, and nothing is written.
 */
export const SCREENSHOTS = process.env.TOCSIN_UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : undefined;

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package or set TOCSIN_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
}

export const shot = (page: Page, name: string) => page.screenshot({ fullPage: true, ...(SCREENSHOTS ? { path: `${SCREENSHOTS}${name}.png` } : {}) });
