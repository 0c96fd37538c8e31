/**
 * Enrollment from the portal's link `#enroll={token}` (docs/lock.md, "Enrollment"):
 *
 * - a new non-extractable ECDSA P-256 key pair is made for every enrollment;
 * - the app subscribes to Web Push with the tenant's VAPID key; without push (no support,
 *   permission refused) it enrolls with `subscription: null` and says requests are pulled;
 * - a 409 ERR_LOCK_DEVICE_EXISTS asks the user before replacing the other device;
 * - the device is saved only once the server accepted it.
 */
import { callApi } from './api.js';
import { putValue } from './db.js';
import { t } from './i18n.js';
import { fromBase64url, generateDeviceKey, publicJwk } from './signing.js';
import { errorText, h, showStatus } from './ui.js';

function defaultDeviceName() {
  const ua = navigator.userAgent;
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return 'Android';
  return navigator.platform || 'Browser';
}

function withTimeout(promise, ms) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms)),
  ]);
}

/** A push subscription for the tenant's VAPID key, or null with the reason to tell the user. */
async function subscribePush(vapidPublicKey) {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
    return { subscription: null, note: 'pushUnavailable' };
  try {
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') return { subscription: null, note: 'pushDenied' };
    const registration = await withTimeout(navigator.serviceWorker.ready, 10_000);
    // A subscription made for another key (a previous enrollment) cannot be reused.
    await (await registration.pushManager.getSubscription())?.unsubscribe();
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: fromBase64url(vapidPublicKey),
    });
    return { subscription: subscription.toJSON(), note: undefined };
  } catch {
    return { subscription: null, note: 'pushUnavailable' };
  }
}

function confirmReplace(screen) {
  return new Promise((resolve) => {
    const box = h(
      'div',
      { class: 'card confirm', id: 'replace-confirm', role: 'alertdialog' },
      h('h3', {}, t('replaceTitle')),
      h('p', {}, t('replaceBody')),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'danger', id: 'replace-yes', onclick: () => answer(true) },
          t('replaceConfirm'),
        ),
        h(
          'button',
          { type: 'button', class: 'secondary', id: 'replace-no', onclick: () => answer(false) },
          t('cancel'),
        ),
      ),
    );
    const answer = (yes) => {
      box.remove();
      resolve(yes);
    };
    screen.append(box);
  });
}

async function enroll(token, deviceName, screen) {
  showStatus(t('enrolling'));
  const config = await callApi('GET', 'config');
  if (!config.ok) return showStatus(errorText(config.code), 'error');
  const keyPair = await generateDeviceKey();
  const publicKey = await publicJwk(keyPair);
  const { subscription, note } = await subscribePush(config.body.vapidPublicKey);
  const body = { token, deviceName, publicKey, subscription, replace: false };
  let res = await callApi('POST', 'enroll', body);
  if (res.status === 409 && res.code === 'ERR_LOCK_DEVICE_EXISTS') {
    showStatus('');
    if (!(await confirmReplace(screen))) return showStatus(t('enrollCancelled'));
    res = await callApi('POST', 'enroll', { ...body, replace: true });
  }
  if (!res.ok) return showStatus(errorText(res.code), 'error');
  const { deviceId, loginId } = res.body;
  await putValue('device', 'current', {
    deviceId,
    loginId,
    deviceName,
    keyPair,
    push: subscription !== null,
    enrolledAt: new Date().toISOString(),
  });
  showStatus([t('enrolled', { loginId }), note && t(note)].filter(Boolean).join(' '), 'ok');
  return true;
}

/** Shows the enrollment form for `token`; `onEnrolled` runs after a successful enrollment. */
export function showEnroll(screen, token, onEnrolled) {
  const name = h('input', {
    id: 'device-name',
    name: 'deviceName',
    required: true,
    maxlength: 64,
    autocomplete: 'off',
    value: defaultDeviceName(),
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', id: 'enroll-submit' },
    t('enrollSubmit'),
  );
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, t('enrollTitle')),
    h('p', {}, t('enrollIntro')),
    h('label', { for: 'device-name' }, t('deviceName')),
    name,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      if (await enroll(token, name.value.trim(), screen)) onEnrolled();
    } catch {
      showStatus(errorText('ERR_INTERNAL'), 'error');
    } finally {
      submit.disabled = false;
    }
  });
  screen.replaceChildren(form);
}
