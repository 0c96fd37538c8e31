/**
 * Setting up a factor, from the sign-in's factor page or from the portal:
 * - an authenticator app: QR code, the key to type by hand, a link that opens the
 *   `otpauth://` URL in the Lock app (in the fragment, so it never reaches a server log), and
 *   the confirmation code form;
 * - the Lock app: the single-use enrollment link and its QR code, valid 10 minutes; the page
 *   notices when the device appears (wait.js polls `devicePath`) and moves on to `nextPath`.
 * QR codes are `img` elements with a data URL, never inline markup.
 */
import { html, type Locale, type SafeHtml } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';

type Key = Parameters<typeof idpMessages.t>[1];

/** The QR SVG from the factor port as an image (CSP `img-src data:`). */
export function qrImage(svg: string, alt: string): SafeHtml {
  const src = `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
  return html`<p><img src="${src}" alt="${alt}" width="220" height="220"></p>`;
}

export interface TotpSetupInput {
  locale: Locale;
  tenantSlug: string;
  /** Where the confirmation code is posted. */
  action: string;
  csrf: string;
  /** The new secret; absent after a wrong code (the app already has it: just the form). */
  setup?: { secret: string; otpauthUrl: string; qrSvg: string } | undefined;
  /** Starting over (a new secret): a link (portal) or a form posting here (sign-in). */
  restart: { href: string } | { action: string };
  error?: string | undefined;
}

export function totpSetupPage(p: TotpSetupInput): SafeHtml {
  const t = (k: Key, params?: Record<string, string>) => idpMessages.t(p.locale, k, params);
  const s = p.setup;
  const inLock = s && `/t/${p.tenantSlug}/lock/#otpauth=${encodeURIComponent(s.otpauthUrl)}`;
  const restart =
    'href' in p.restart
      ? html`<p><a href="${p.restart.href}">${t('totpSetup.restart')}</a></p>`
      : html`<form method="post" action="${p.restart.action}">
          <input type="hidden" name="_csrf" value="${p.csrf}">
          <button type="submit">${t('totpSetup.restart')}</button>
        </form>`;
  return html`
    ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
    ${
      s
        ? html`<p>${t('totpSetup.scan')}</p>
          ${qrImage(s.qrSvg, t('totpSetup.qrAlt'))}
          <p class="muted">${t('totpSetup.secret')}</p>
          <p><code id="totp-secret">${s.secret}</code></p>
          <p><a href="${inLock}">${t('totpSetup.openInLock')}</a></p>`
        : ''
    }
    <form method="post" action="${p.action}">
      <input type="hidden" name="_csrf" value="${p.csrf}">
      <label for="totp-confirm">${t('totpSetup.code')}</label>
      <input id="totp-confirm" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="64">
      <button type="submit">${t('totpSetup.confirm')}</button>
    </form>
    ${s ? '' : restart}`;
}

export interface LockEnrollInput {
  locale: Locale;
  url: string;
  qrSvg: string;
  expiresAt: Date;
  timeZone: string;
  /** JSON `{ enrolled }` the page polls, and where it goes once the device is there. */
  devicePath: string;
  nextPath: string;
  scriptPath: string;
}

export function lockEnrollPage(p: LockEnrollInput): SafeHtml {
  const t = (k: Key, params?: Record<string, string>) => idpMessages.t(p.locale, k, params);
  const time = new Intl.DateTimeFormat(p.locale === 'ja' ? 'ja-JP' : 'en', {
    timeStyle: 'short',
    timeZone: p.timeZone,
  }).format(p.expiresAt);
  return html`
    <p>${t('lockSetup.scan', { time })}</p>
    ${qrImage(p.qrSvg, t('lockSetup.qrAlt'))}
    <p><a id="lock-enroll-link" href="${p.url}">${t('lockSetup.link')}</a></p>
    <p class="muted">${t('lockSetup.ios')}</p>
    <p id="lock-device" class="notice" role="status" data-device="${p.devicePath}" data-next="${p.nextPath}">${t('lockSetup.waiting')}</p>
    <p><a class="button" href="${p.nextPath}">${t('lockSetup.continue')}</a></p>
    <script src="${p.scriptPath}" defer></script>`;
}
