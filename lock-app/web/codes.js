/**
 * One-time passwords, entirely offline: accounts are added from `#otpauth={otpauth URI}`
 * (the portal's "set up with Lock" link), kept in IndexedDB as non-extractable HMAC keys, and
 * their codes are computed on the phone every second with a countdown.
 */
import { allValues, deleteValue, putValue } from './db.js';
import { t } from './i18n.js';
import { importTotpKey, parseOtpauth, secondsLeft, totpCode } from './totp.js';
import { h, showStatus } from './ui.js';

let screenEl;
let timer;

/** Adds the account of an otpauth URI; the same label and issuer replace the older entry. */
export async function addAccount(uri) {
  let parsed;
  try {
    parsed = parseOtpauth(uri);
  } catch {
    showStatus(t('codeInvalid'), 'error');
    return false;
  }
  const { label, issuer, secret, algorithm, digits, period } = parsed;
  const key = await importTotpKey(secret, algorithm);
  await putValue('otp', undefined, {
    id: `${issuer}\n${label}`,
    label,
    issuer,
    digits,
    period,
    key,
    addedAt: new Date().toISOString(),
  });
  showStatus(t('codeAdded', { label }), 'ok');
  return true;
}

function accountCard(account) {
  const remove = async () => {
    if (!confirm(t('codeRemoveConfirm', { label: account.label }))) return;
    await deleteValue('otp', account.id);
    await showCodes(screenEl);
  };
  return h(
    'article',
    { class: 'card otp', 'data-account': account.id },
    h('h3', {}, account.issuer || account.label),
    account.issuer ? h('p', { class: 'muted' }, account.label) : null,
    h('p', { class: 'code', 'data-code': '' }, '------'),
    h('progress', { max: account.period, value: account.period }),
    h('p', { class: 'muted', 'data-seconds': '' }),
    h('button', { type: 'button', class: 'link', onclick: remove }, t('codeRemove')),
  );
}

async function tick(accounts) {
  const now = Date.now();
  for (const account of accounts) {
    const card = screenEl.querySelector(`[data-account="${CSS.escape(account.id)}"]`);
    if (!card) continue;
    const code = await totpCode(account.key, account, now);
    const left = secondsLeft(account.period, now);
    card.querySelector('[data-code]').textContent = `${code.slice(0, 3)} ${code.slice(3)}`;
    card.querySelector('progress').value = left;
    card.querySelector('[data-seconds]').textContent = t('codeSeconds', { seconds: left });
  }
}

export async function showCodes(screen) {
  screenEl = screen;
  clearInterval(timer);
  const accounts = await allValues('otp');
  if (!accounts.length) {
    screen.replaceChildren(h('p', { class: 'card', id: 'no-codes' }, t('codesEmpty')));
    return;
  }
  screen.replaceChildren(...accounts.map(accountCard));
  await tick(accounts);
  timer = setInterval(() => void tick(accounts), 1000);
}
