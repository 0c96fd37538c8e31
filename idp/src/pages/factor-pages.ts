/**
 * The second-factor page: the factors the policy accepts that the user has set up (Lock
 * approval, authenticator code, emailed code), the ones the user may set up right here, an
 * emergency code, and the Lock wait with its two-digit number. Every form carries the CSRF
 * token; the wait runs `wait.js` (this origin's file; the page has no inline script).
 */
import { html, type Locale, type SafeHtml } from '@sekisho/platform';
import type { ApprovalState, FactorKind } from '../login/second-factor.ts';
import { idpMessages } from '../messages.ts';

type Key = Parameters<typeof idpMessages.t>[1];

/** Where the forms post: `base` is `/t/{slug}/login/factor`. */
export interface FormBase {
  locale: Locale;
  base: string;
  csrf: string;
}

export interface FactorChoiceInput extends FormBase {
  loginId: string;
  /** Factors the policy accepts that the user has set up. */
  enrolled: readonly FactorKind[];
  /** Factors the user may set up now (none once a usable one exists). */
  setup: readonly FactorKind[];
  enrolmentRequired: boolean;
  error?: string | undefined;
  notice?: string | undefined;
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

function codeForm(p: FactorChoiceInput, action: string, label: Key, id: string): SafeHtml {
  const t = (k: Key) => idpMessages.t(p.locale, k);
  return html`<form method="post" action="${p.base}/${action}">
      ${csrfField(p.csrf)}
      <label for="${id}">${t(label)}</label>
      <input id="${id}" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="64">
      <button type="submit">${t('factor.verify')}</button>
    </form>`;
}

function button(p: FormBase, action: string, label: Key): SafeHtml {
  return html`<form method="post" action="${p.base}/${action}">
      ${csrfField(p.csrf)}
      <button type="submit">${idpMessages.t(p.locale, label)}</button>
    </form>`;
}

export function factorChoicePage(p: FactorChoiceInput): SafeHtml {
  const t = (k: Key, params?: Record<string, string>) => idpMessages.t(p.locale, k, params);
  const has = (k: FactorKind) => p.enrolled.includes(k);
  const intro: Key = p.enrolmentRequired
    ? 'factor.enrolIntro'
    : p.setup.length
      ? 'factor.setupIntro'
      : 'factor.intro';
  const section = (heading: Key, body: SafeHtml) =>
    html`<section><h2>${t(heading)}</h2>${body}</section>`;
  return html`
    ${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
    ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
    <p>${t(intro, { loginId: p.loginId })}</p>
    ${has('lock') ? section('factor.lock.heading', button(p, 'lock', 'factor.lock.start')) : ''}
    ${has('totp') ? section('factor.totp.heading', codeForm(p, 'totp', 'factor.code', 'totp-code')) : ''}
    ${
      has('email_otp')
        ? section(
            'factor.email.heading',
            html`${button(p, 'email/send', 'factor.email.send')}
            ${codeForm(p, 'email', 'factor.email.code', 'email-code')}`,
          )
        : ''
    }
    ${p.setup.includes('totp') ? section('factor.setup.totp', button(p, 'totp/setup', 'factor.setup.totpStart')) : ''}
    ${p.setup.includes('lock') ? section('factor.setup.lock', button(p, 'lock/enroll', 'factor.setup.lockStart')) : ''}
    <details>
      <summary>${t('factor.emergency.heading')}</summary>
      <p class="muted">${t('factor.emergency.intro')}</p>
      ${codeForm(p, 'emergency', 'factor.emergency.code', 'emergency-code')}
    </details>
    ${cancelForm(p.locale, p.base, p.csrf)}`;
}

export function cancelForm(locale: Locale, base: string, csrf: string): SafeHtml {
  return html`<form method="post" action="${base}/cancel">
      ${csrfField(csrf)}
      <button type="submit">${idpMessages.t(locale, 'factor.cancel')}</button>
    </form>`;
}

export interface LockWaitInput extends FormBase {
  number: string;
  state: ApprovalState;
}

/** The number to type in Lock and the wait; after a denial or expiry, why, and "try again". */
export function lockWaitPage(p: LockWaitInput): SafeHtml {
  const t = (k: Key) => idpMessages.t(p.locale, k);
  const other = html`<p><a href="${p.base}?choose=1">${t('factor.other')}</a></p>`;
  const { state } = p.state;
  if (state === 'denied' || state === 'expired' || state === 'consumed') {
    const key: Key =
      state === 'denied' ? (`factor.lock.denied.${p.state.reason}` as Key) : 'factor.lock.expired';
    return html`<p class="error" role="alert">${t(key)}</p>
      ${button(p, 'lock', 'factor.lock.retry')}
      ${other}`;
  }
  return html`<p class="notice" role="status">${t(state === 'approved' ? 'factor.lock.approved' : 'factor.lock.approveOnDevice')}</p>
    <p class="muted">${t('factor.lock.numberLabel')}</p>
    <h2 id="lock-number" aria-live="polite">${p.number}</h2>
    <p id="lock-wait" class="muted" data-events="${p.base}/lock/events" data-status="${p.base}/lock/status">${t('factor.lock.waiting')}</p>
    <form id="lock-complete" method="post" action="${p.base}/lock/complete">
      ${csrfField(p.csrf)}
      <button type="submit">${t('factor.lock.continue')}</button>
    </form>
    <noscript><p><a href="${p.base}/lock/status">${t('factor.lock.check')}</a></p></noscript>
    ${other}
    <script src="${p.base}/lock/wait.js" defer></script>`;
}
