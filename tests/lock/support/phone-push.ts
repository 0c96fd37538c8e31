/**
 * The phone's push service, as far as the browser sees it. Headless Chromium has no push
 * service to subscribe to (Chrome's is Google's FCM), so an init script replaces
 * `PushManager.prototype.subscribe`/`getSubscription` to hand the app a PushSubscription for
 * the test push service (RFC 8030), with receiver keys (RFC 8291 `p256dh`, `auth`) the test
 * made. Everything else is real: the app's service worker, its Notification permission, and
 * the `push` event, delivered through the DevTools protocol with the payload the test push
 * service decrypted from Sekisho's real request.
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface FakeSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** What the app passed to `subscribe`, recorded by the init script. */
export interface SubscribeCall {
  userVisibleOnly: boolean;
  applicationServerKey: string;
}

/** The parts of the page's globals the init script touches (tests compile without the DOM lib). */
interface PageGlobals {
  PushManager?: {
    prototype: {
      subscribe(options?: {
        userVisibleOnly?: boolean;
        applicationServerKey?: ArrayBuffer | ArrayBufferView | string | null;
      }): Promise<unknown>;
      getSubscription(): Promise<unknown>;
    };
  };
  __lockSubscribeCalls?: SubscribeCall[];
}

export async function emulatePushSubscription(
  context: BrowserContext,
  subscription: FakeSubscription,
): Promise<void> {
  await context.addInitScript((sub: FakeSubscription) => {
    const g = globalThis as unknown as PageGlobals;
    if (!g.PushManager) return;
    const calls: SubscribeCall[] = (g.__lockSubscribeCalls = []);
    let current: unknown = null;
    const toB64url = (key: ArrayBuffer | ArrayBufferView) => {
      const bytes =
        key instanceof ArrayBuffer
          ? new Uint8Array(key)
          : new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
      return btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    };
    g.PushManager.prototype.subscribe = async function (options) {
      const key = options?.applicationServerKey;
      calls.push({
        userVisibleOnly: options?.userVisibleOnly === true,
        applicationServerKey: typeof key === 'string' ? key : key ? toB64url(key) : '',
      });
      current = {
        endpoint: sub.endpoint,
        expirationTime: null,
        options,
        toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
        unsubscribe: async () => {
          current = null;
          return true;
        },
      };
      return current;
    };
    g.PushManager.prototype.getSubscription = async function () {
      return current;
    };
  }, subscription);
}

export async function subscribeCalls(page: Page): Promise<SubscribeCall[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__lockSubscribeCalls ?? []);
}

/**
 * Fires a real `push` event with `data` in the app's service worker, as the browser does when
 * its push service delivers a message (DevTools protocol `ServiceWorker.deliverPushMessage`).
 */
export async function deliverPush(page: Page, scopeUrl: string, data: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const registrationId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no service worker registration')), 10_000);
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const found = registrations.find((r) => r.scopeURL === scopeUrl && !r.isDeleted);
        if (found) {
          clearTimeout(timer);
          resolve(found.registrationId);
        }
      });
      void cdp.send('ServiceWorker.enable');
    });
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(scopeUrl).origin,
      registrationId,
      data,
    });
  } finally {
    await cdp.detach();
  }
}
