/**
 * Pending login requests: pulled from `POST api/pending` (signed) when the app opens, when it
 * becomes visible again and when the service worker relays a push, so a late or lost push
 * never hides a request. Each card asks for the number shown on the login page (typed, not
 * chosen, so a user cannot approve by tapping through), then Approve, Deny or "This wasn't me";
 * the answer is signed with the device key (docs/lock.md, "App API").
 */
import { callApi } from './api.js';
import { getValue } from './db.js';
import { formatTime, t } from './i18n.js';
import { signFields } from './signing.js';
import { errorText, h, showStatus } from './ui.js';

let screenEl;
let loading;
let again = false;

export function loadDevice() {
  return getValue('device', 'current');
}

async function answer(device, request, decision, number) {
  const signature = await signFields(device.keyPair.privateKey, 'sekisho-lock-answer', [
    device.deviceId,
    request.id,
    decision,
    number,
  ]);
  return callApi('POST', 'answer', {
    deviceId: device.deviceId,
    approvalId: request.id,
    decision,
    number,
    signature,
  });
}

async function report(device, request) {
  const signature = await signFields(device.keyPair.privateKey, 'sekisho-lock-report', [
    device.deviceId,
    request.id,
  ]);
  return callApi('POST', 'report', {
    deviceId: device.deviceId,
    approvalId: request.id,
    signature,
  });
}

/** The message for an answer's outcome. */
function outcomeText(res, decision) {
  if (!res.ok) return [errorText(res.code), 'error'];
  const { state, reason } = res.body ?? {};
  if (state === 'approved') return [t('approved'), 'ok'];
  if (reason === 'wrong-number') return [t('wrongNumber'), 'error'];
  if (reason === 'reported' || decision === 'report') return [t('reported'), 'ok'];
  if (state === 'expired') return [t('expired'), 'error'];
  return [t('denied'), 'ok'];
}

function requestCard(device, request) {
  const number = h('input', {
    class: 'number',
    name: 'number',
    inputmode: 'numeric',
    pattern: '[0-9]{2}',
    maxlength: 2,
    autocomplete: 'one-time-code',
    'aria-label': t('typeNumber'),
    'data-approval': request.id,
  });
  const buttons = [];
  const act = (decision) => async () => {
    const typed = number.value.trim();
    if (decision === 'approve' && !/^[0-9]{2}$/.test(typed)) {
      number.focus();
      return showStatus(t('numberRequired'), 'error');
    }
    if (decision === 'report' && !confirm(t('notMeConfirm'))) return;
    for (const b of buttons) b.disabled = true;
    showStatus('');
    // A denial needs no number; whatever was typed goes along only when it is digits.
    const digits = /^[0-9]{1,2}$/.test(typed) ? typed : '';
    const res =
      decision === 'report'
        ? await report(device, request)
        : await answer(device, request, decision, digits);
    const [text, kind] = outcomeText(res, decision);
    showStatus(text, kind);
    await refreshRequests();
  };
  buttons.push(
    h(
      'button',
      { type: 'button', class: 'primary', 'data-action': 'approve', onclick: act('approve') },
      t('approve'),
    ),
    h(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'deny', onclick: act('deny') },
      t('deny'),
    ),
    h(
      'button',
      { type: 'button', class: 'danger', 'data-action': 'report', onclick: act('report') },
      t('notMe'),
    ),
  );
  return h(
    'article',
    { class: 'card request', 'data-approval': request.id },
    h('h3', {}, t('requestFor', { application: request.application })),
    h('p', {}, t('requestFrom', { ip: request.ip })),
    h('p', {}, t('requestAt', { time: formatTime(request.at) })),
    h('p', { class: 'muted', 'data-expires': request.expiresAt }),
    h('label', {}, t('typeNumber'), number),
    h('div', { class: 'actions' }, buttons),
  );
}

async function pull(device) {
  const ts = Date.now();
  const signature = await signFields(device.keyPair.privateKey, 'sekisho-lock-pending', [
    device.deviceId,
    ts,
  ]);
  return callApi('POST', 'pending', { deviceId: device.deviceId, ts, signature });
}

async function render() {
  const device = await loadDevice();
  if (!device) {
    screenEl.replaceChildren(h('p', { class: 'card', id: 'not-enrolled' }, t('notEnrolled')));
    return;
  }
  const res = await pull(device);
  if (!res.ok) {
    showStatus(errorText(res.code), 'error');
    return;
  }
  const approvals = res.body.approvals ?? [];
  // Keep what the user is typing when a refresh redraws the same request.
  const typed = new Map(
    [...screenEl.querySelectorAll('input.number')].map((i) => [i.dataset.approval, i.value]),
  );
  const refresh = h(
    'button',
    { type: 'button', class: 'secondary', id: 'refresh', onclick: () => refreshRequests() },
    t('refresh'),
  );
  const cards = approvals.map((r) => requestCard(device, r));
  for (const card of cards) {
    const input = card.querySelector('input.number');
    input.value = typed.get(input.dataset.approval) ?? '';
  }
  screenEl.replaceChildren(
    ...(cards.length ? cards : [h('p', { class: 'card', id: 'no-requests' }, t('noRequests'))]),
    refresh,
  );
  tickExpiry();
}

/** Pulls the pending requests again (one pull at a time). */
export function refreshRequests() {
  if (!screenEl) return Promise.resolve();
  if (loading) {
    again = true; // a push arrived mid-pull: pull once more afterwards
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      await render();
    } while (again);
  })().finally(() => (loading = undefined));
  return loading;
}

function tickExpiry() {
  for (const el of screenEl?.querySelectorAll('[data-expires]') ?? []) {
    const seconds = Math.max(0, Math.round((Date.parse(el.dataset.expires) - Date.now()) / 1000));
    el.textContent = seconds > 0 ? t('requestExpires', { seconds }) : t('expired');
    if (seconds === 0)
      for (const b of el.parentElement.querySelectorAll('button')) b.disabled = true;
  }
}

export function showRequests(screen) {
  screenEl = screen;
  return refreshRequests();
}

setInterval(tickExpiry, 1000);
