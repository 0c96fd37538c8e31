/**
 * The Lock app's entry: language, tabs, the link fragments it is opened with, the service
 * worker, and the iPhone guidance.
 *
 * Fragments (never sent to the server, so they stay out of logs):
 * - `#enroll={token}`   enroll this device (portal's link or QR code);
 * - `#otpauth={uri}`    add a TOTP account (portal's "set up with Lock" link);
 * - `#request={id}`     opened from a push notification: show the pending requests.
 * The fragment is removed from the address bar at once so the token is not left in history.
 */
import { showCodes, addAccount } from './codes.js';
import { allValues, getValue, putValue } from './db.js';
import { showEnroll } from './enroll.js';
import { currentLang, setLang, t } from './i18n.js';
import { needsHomeScreen } from './platform.js';
import { loadDevice, refreshRequests, showRequests } from './requests.js';
import { h, showStatus, translateStatic } from './ui.js';

let current = 'requests';

function screen(name) {
  return document.getElementById(`screen-${name}`);
}

function showScreen(name) {
  for (const el of document.querySelectorAll('.screen')) el.hidden = el.id !== `screen-${name}`;
  for (const tab of document.querySelectorAll('.tab'))
    tab.setAttribute('aria-current', String(tab.dataset.tab === name));
}

async function showDevice(el) {
  const device = await loadDevice();
  el.replaceChildren(
    h(
      'div',
      { class: 'card', id: 'device-info' },
      device
        ? [
            h('p', {}, t('deviceInfo', { name: device.deviceName, loginId: device.loginId })),
            h('p', { class: 'muted' }, t(device.push ? 'pushOn' : 'pushOff')),
          ]
        : h('p', {}, t('deviceNone')),
    ),
  );
}

let enrollToken = '';
const RENDER = {
  enroll: (el) => showEnroll(el, enrollToken, () => void openTab('requests')),
  requests: showRequests,
  codes: showCodes,
  device: showDevice,
};

async function openTab(name) {
  current = name;
  showScreen(name);
  await RENDER[name](screen(name));
}

function takeFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return {
    enroll: params.get('enroll'),
    otpauth: params.get('otpauth'),
    request: params.get('request'),
  };
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('sw.js', { type: 'module', scope: './' }).catch(() => {});
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'lock-push' && current === 'requests') void refreshRequests();
  });
}

async function switchLanguage() {
  const lang = currentLang() === 'ja' ? 'en' : 'ja';
  setLang(lang);
  translateStatic();
  showStatus('');
  // The service worker reads the choice from IndexedDB for its notifications.
  await putValue('settings', 'lang', lang);
  await openTab(current);
}

function watchConnectivity() {
  const offline = document.getElementById('offline');
  const update = () => (offline.hidden = navigator.onLine);
  addEventListener('online', update);
  addEventListener('offline', update);
  update();
}

async function start() {
  translateStatic();
  document.getElementById('ios').hidden = !needsHomeScreen();
  document.getElementById('lang').addEventListener('click', () => void switchLanguage());
  for (const tab of document.querySelectorAll('.tab'))
    tab.addEventListener('click', () => void openTab(tab.dataset.tab));
  watchConnectivity();
  registerServiceWorker();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && current === 'requests') void refreshRequests();
  });
  if (!(await getValue('settings', 'lang'))) await putValue('settings', 'lang', currentLang());

  addEventListener('hashchange', () => void openFragment());
  await openFragment();
}

/** Acts on the fragment the app was opened (or re-opened) with. */
async function openFragment() {
  const fragment = takeFragment();
  if (fragment.enroll) {
    enrollToken = fragment.enroll;
    return openTab('enroll');
  }
  if (fragment.otpauth) {
    await addAccount(fragment.otpauth);
    return openTab('codes');
  }
  // Offline, or used only for one-time passwords: open on the codes.
  const otpOnly = !(await loadDevice()) && (await allValues('otp')).length > 0;
  await openTab(!navigator.onLine || (otpOnly && !fragment.request) ? 'codes' : 'requests');
}

void start();
