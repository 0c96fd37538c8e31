/**
 * Pages oidc-provider renders itself, in Sekisho's look: the logout confirmation (submitted
 * automatically: the user already chose to sign out, at the RP or in Sekisho), the signed-out
 * page, and protocol errors that cannot be redirected to the client (unknown client, bad
 * redirect_uri): a page saying what happened, never a redirect to an unverified URI.
 */
import { createHash } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { PAGE_CSP, escapeHtml, negotiateLocale, raw, renderPage } from '@sekisho/platform';

const SUBMIT_SCRIPT = "document.getElementById('op.logoutForm').submit();";
const SCRIPT_HASH = createHash('sha256').update(SUBMIT_SCRIPT).digest('base64');

function locale(ctx: KoaContextWithOIDC) {
  return negotiateLocale(ctx.get('accept-language') || undefined, null, 'ja');
}

function send(ctx: KoaContextWithOIDC, title: string, body: string, csp: string): void {
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.set('content-security-policy', csp);
  ctx.body = renderPage({ locale: locale(ctx), title, body: raw(body) });
}

const BASE_CSP = PAGE_CSP;

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const ja = locale(ctx) === 'ja';
  const withChoice = form.replace(
    '</form>',
    '<input type="hidden" name="logout" value="yes"></form>',
  );
  const body = `${withChoice}<p>${ja ? 'サインアウトしています…' : 'Signing out…'}</p><noscript><button type="submit" form="op.logoutForm">${ja ? 'サインアウト' : 'Sign out'}</button></noscript><script>${SUBMIT_SCRIPT}</script>`;
  send(
    ctx,
    ja ? 'サインアウト' : 'Sign out',
    body,
    `${BASE_CSP}; script-src 'sha256-${SCRIPT_HASH}'`,
  );
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  const ja = locale(ctx) === 'ja';
  send(
    ctx,
    ja ? 'サインアウトしました' : 'Signed out',
    `<p class="notice">${ja ? 'サインアウトしました。' : 'You have signed out.'}</p>`,
    BASE_CSP,
  );
}

export async function renderError(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string | undefined },
): Promise<void> {
  const ja = locale(ctx) === 'ja';
  const message = ja
    ? 'アプリケーションからのサインイン要求を処理できませんでした。アプリケーションの管理者にお問い合わせください。'
    : 'The sign-in request from the application could not be processed. Contact the administrator of the application.';
  const detail = `${String(out.error ?? 'error')}: ${String(out.error_description ?? '')}`;
  send(
    ctx,
    ja ? 'サインインできません' : 'Cannot sign in',
    `<p class="error" role="alert">${escapeHtml(message)}</p><p class="muted">${escapeHtml(detail)}</p>`,
    BASE_CSP,
  );
}
