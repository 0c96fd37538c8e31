/** The credentials page: login ID and password, a link to reset, language switch. */
import { html, type Locale, type SafeHtml, type Tenant } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';

export interface LoginPageInput {
  tenant: Tenant;
  locale: Locale;
  csrf: string;
  loginId?: string;
  returnTo?: string | undefined;
  error?: string | undefined;
  notice?: string | undefined;
}

export function loginPage(p: LoginPageInput): SafeHtml {
  const t = (k: Parameters<typeof idpMessages.t>[1], params?: Record<string, string | number>) =>
    idpMessages.t(p.locale, k, params);
  const base = `/t/${p.tenant.slug}`;
  return html`
    ${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
    ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
    <form method="post" action="${base}/login">
      <input type="hidden" name="_csrf" value="${p.csrf}">
      ${p.returnTo ? html`<input type="hidden" name="return" value="${p.returnTo}">` : ''}
      <label for="loginId">${t('login.loginId')}</label>
      <input id="loginId" name="loginId" type="email" autocomplete="username" required value="${p.loginId ?? ''}">
      <label for="password">${t('login.password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">${t('login.submit')}</button>
    </form>
    <p><a href="${base}/login/certificate">${t('login.deviceCert')}</a></p>
    <p><a href="${base}/password/forgot">${t('login.forgot')}</a></p>
    <p class="lang"><a href="${base}/login?lang=ja">日本語</a> · <a href="${base}/login?lang=en">English</a></p>`;
}
