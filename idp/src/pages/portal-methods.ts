/**
 * The portal's "Sign-in methods" section: the Lock device (name, when set up; set up or
 * replace it), the authenticator app (set up or replace it), and the user's device
 * certificates page.
 */
import { html, type Locale, type SafeHtml } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';

export interface SignInMethodsInput {
  locale: Locale;
  tenantSlug: string;
  timeZone: string;
  csrf: string;
  lockDevice?: { name: string; enrolledAt: Date } | undefined;
  totp: boolean;
}

export function signInMethodsSection(p: SignInMethodsInput): SafeHtml {
  const t = (k: Parameters<typeof idpMessages.t>[1], params?: Record<string, string>) =>
    idpMessages.t(p.locale, k, params);
  const base = `/t/${p.tenantSlug}/portal`;
  const date = new Intl.DateTimeFormat(p.locale === 'ja' ? 'ja-JP' : 'en', {
    dateStyle: 'medium',
    timeZone: p.timeZone,
  });
  const lock = p.lockDevice
    ? t('methods.lockEnrolled', {
        name: p.lockDevice.name,
        date: date.format(p.lockDevice.enrolledAt),
      })
    : t('methods.notSetUp');
  return html`<section id="sign-in-methods" class="methods">
    <h2>${t('methods.title')}</h2>
    <h3>${t('methods.lock')}</h3>
    <p id="lock-status">${lock}</p>
    <form method="post" action="${base}/lock">
      <input type="hidden" name="_csrf" value="${p.csrf}">
      <button type="submit">${t(p.lockDevice ? 'methods.lockReplace' : 'methods.lockSetup')}</button>
    </form>
    <h3>${t('methods.totp')}</h3>
    <p id="totp-status">${t(p.totp ? 'methods.setUp' : 'methods.notSetUp')}</p>
    <p><a href="${base}/totp">${t(p.totp ? 'methods.totpReplace' : 'methods.totpSetup')}</a></p>
    <h3>${t('methods.certificates')}</h3>
    <p><a href="${base}/device-certificates">${t('methods.certificatesLink')}</a></p>
  </section>`;
}
