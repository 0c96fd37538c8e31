/**
 * Real headless Chromium (Debian's `chromium` package, installed on demand) driven by
 * playwright-core. Phone-sized contexts: the Lock app is meant for a phone screen.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { ensureDebianPackages } from '@sekisho/platform/test-support';

const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  await ensureDebianPackages([{ command: 'chromium', pkg: 'chromium' }]);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A phone: small touch screen, English UI unless `locale` says otherwise. */
export function newPhone(browser: Browser, locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
  });
}

/** A laptop browser for the login page and the portal. */
export function newLaptop(browser: Browser, locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
}
