/**
 * The Lock service worker (a module worker, scope `/t/{tenant}/lock/`).
 *
 * - Offline: the app shell is cached at install and served from the cache when the network
 *   fails, so one-time passwords work without a connection. The API is never cached: a
 *   pending request or an answer must always come from the server.
 * - Push (RFC 8030, decrypted by the browser per RFC 8291): shows "Login request: <app> from
 *   <ip> at <time>". The payload never carries the number, which only the login page shows.
 *   Open windows are told to pull the pending requests again.
 * - A click on the notification focuses the app (or opens it) at the request.
 */
import { getValue } from './db.js';
import { formatTime, t } from './i18n.js';

const CACHE = 'sekisho-lock-v1';
const SHELL = [
  './',
  'index.html',
  'app.css',
  'app.js',
  'api.js',
  'codes.js',
  'db.js',
  'enroll.js',
  'i18n.js',
  'platform.js',
  'requests.js',
  'signing.js',
  'totp.js',
  'ui.js',
  'icon.svg',
  'icon-192.png',
  'icon-512.png',
  'manifest.webmanifest',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // One by one: a file missing now is fetched again on the next online visit.
      await Promise.all(SHELL.map((path) => cache.add(path).catch(() => {})));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function isShellRequest(request) {
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  return (
    request.method === 'GET' &&
    url.origin === scope.origin &&
    url.pathname.startsWith(scope.pathname) &&
    !url.pathname.startsWith(`${scope.pathname}api/`)
  );
}

/** Network first (a fresh app when online), the cached shell when offline. */
async function shellResponse(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached =
      (await cache.match(request, { ignoreSearch: true })) ??
      (request.mode === 'navigate' ? await cache.match('index.html') : undefined);
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  if (isShellRequest(event.request)) event.respondWith(shellResponse(event.request));
});

async function language() {
  try {
    return (await getValue('settings', 'lang')) ?? undefined;
  } catch {
    return undefined;
  }
}

async function showRequest(data) {
  const lang = await language();
  const id = data.approvalId ?? data.id ?? '';
  const params = {
    application: data.application ?? '',
    ip: data.ip ?? '',
    time: formatTime(data.at ?? data.time ?? Date.now(), lang),
  };
  await self.registration.showNotification(t('notificationTitle', {}, lang), {
    body: t('notificationBody', params, lang),
    tag: `lock-${id}`,
    data: { id },
    icon: 'icon-192.png',
    requireInteraction: true,
  });
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) client.postMessage({ type: 'lock-push', id });
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data?.json() ?? {};
  } catch {
    data = {};
  }
  event.waitUntil(showRequest(data));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(
    `./#request=${encodeURIComponent(event.notification.data?.id ?? '')}`,
    self.registration.scope,
  ).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => w.url.startsWith(self.registration.scope));
      if (open) {
        await open.focus();
        open.postMessage({ type: 'lock-push', id: event.notification.data?.id });
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});
