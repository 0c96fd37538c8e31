/** Forms of the password flows: change (self-service or forced), forgot, reset. */
import { html, type Locale, type SafeHtml } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';

type Key = Parameters<typeof idpMessages.t>[1];
const tr = (locale: Locale) => (k: Key, params?: Record<string, string | number>) =>
  idpMessages.t(locale, k, params);

function messages(error?: string, notice?: string): SafeHtml {
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}${error ? html`<p class="error" role="alert">${error}</p>` : ''}`;
}

function newPasswordFields(locale: Locale, minLength: number): SafeHtml {
  const t = tr(locale);
  return html`
    <label for="newPassword">${t('password.new')}</label>
    <input id="newPassword" name="newPassword" type="password" autocomplete="new-password" minlength="${minLength}" required>
    <label for="confirm">${t('password.confirm')}</label>
    <input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="${minLength}" required>
    <p class="hint">${t('password.rules', { minLength })}</p>`;
}

export function changePasswordPage(p: {
  base: string;
  locale: Locale;
  csrf: string;
  forced: boolean;
  minLength: number;
  error?: string;
  notice?: string;
}): SafeHtml {
  const t = tr(p.locale);
  return html`
    ${p.forced ? html`<p class="notice">${t('password.change.forced')}</p>` : ''}
    ${messages(p.error, p.notice)}
    <form method="post" action="${p.base}/password/change">
      <input type="hidden" name="_csrf" value="${p.csrf}">
      ${
        p.forced
          ? ''
          : html`<label for="currentPassword">${t('password.current')}</label>
      <input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required>`
      }
      ${newPasswordFields(p.locale, p.minLength)}
      <button type="submit">${t('password.submit')}</button>
    </form>`;
}

export function forgotPasswordPage(p: {
  base: string;
  locale: Locale;
  csrf: string;
  error?: string;
  notice?: string;
}): SafeHtml {
  const t = tr(p.locale);
  return html`
    ${messages(p.error, p.notice)}
    <p>${t('forgot.intro')}</p>
    <form method="post" action="${p.base}/password/forgot">
      <input type="hidden" name="_csrf" value="${p.csrf}">
      <label for="loginId">${t('login.loginId')}</label>
      <input id="loginId" name="loginId" type="email" autocomplete="username" required>
      <button type="submit">${t('forgot.submit')}</button>
    </form>
    <p><a href="${p.base}/login">${t('login.submit')}</a></p>`;
}

export function resetPasswordPage(p: {
  base: string;
  locale: Locale;
  csrf: string;
  token: string;
  minLength: number;
  error?: string;
}): SafeHtml {
  const t = tr(p.locale);
  return html`
    ${messages(p.error)}
    <form method="post" action="${p.base}/password/reset">
      <input type="hidden" name="_csrf" value="${p.csrf}">
      <input type="hidden" name="token" value="${p.token}">
      ${newPasswordFields(p.locale, p.minLength)}
      <button type="submit">${t('reset.submit')}</button>
    </form>`;
}
