/**
 * Small DOM helpers. Text always goes in through textContent, never innerHTML, so a request's
 * application name or an account label cannot inject markup.
 */
import { currentLang, t } from './i18n.js';

/** `h('button', { class: 'primary', onclick }, 'Approve')` */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Fills every `[data-i18n]` element with its message in the current language. */
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.documentElement.lang = currentLang();
  document.title = t('appTitle');
}

/** Shows a message in the app's status line; `kind` is info, ok or error. */
export function showStatus(text, kind = 'info') {
  const el = document.getElementById('status');
  el.textContent = text;
  el.className = `status status-${kind}`;
  el.hidden = !text;
}

/** The user-facing text of an app API error code. */
export function errorText(code) {
  switch (code) {
    case 'ERR_NETWORK':
      return t('networkError');
    case 'ERR_LOCK_APPROVAL_EXPIRED':
      return t('expired');
    case 'ERR_LOCK_ANSWER_USED':
      return t('alreadyAnswered');
    case 'ERR_LOCK_DEVICE_UNKNOWN':
    case 'ERR_LOCK_SIGNATURE_INVALID':
      return t('deviceUnknown');
    default:
      return t('serverError', { code });
  }
}
