/**
 * The user portal: who is signed in, the applications they can open (SAML ones by
 * IdP-initiated SSO), the user's own entrance passes (when the access policy can list them),
 * the sign-in methods (Lock device, authenticator app, device certificates; when this
 * deployment has second factors), password change and sign-out.
 */
import type { FastifyPluginAsync } from 'fastify';
import { html } from '@sekisho/platform';
import type { IdpOptions } from '../index.ts';
import { launchUrl } from '../apps/launch-url.ts';
import { idpMessages } from '../messages.ts';
import { activeSession, csrfToken } from '../session/web-session.ts';
import type { SecondFactorPort } from '../login/second-factor.ts';
import { signInMethodsSection } from '../pages/portal-methods.ts';
import { pageContext, sendPage, type PageContext } from './page-context.ts';

async function signInMethods(factors: SecondFactorPort, ctx: PageContext, userId: string) {
  const [device, enrolled] = await Promise.all([
    factors.device(ctx.tenant.id, userId),
    factors.enrolled(ctx.tenant.id, userId),
  ]);
  return {
    locale: ctx.locale,
    tenantSlug: ctx.tenant.slug,
    timeZone: ctx.tenant.timeZone,
    lockDevice: device,
    totp: enrolled.includes('totp'),
  };
}

export const portalRoutes: FastifyPluginAsync<IdpOptions> = async (app, { platform, services }) => {
  app.get('/t/:tenant/portal', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const base = `/t/${ctx.tenant.slug}`;
    const s = await activeSession(request, platform, ctx.tenant);
    if (!s)
      return reply.redirect(`${base}/login?return=${encodeURIComponent(`${base}/portal`)}`, 303);
    if (s.user.mustChangePassword) return reply.redirect(`${base}/password/change`, 303);
    const t = (k: Parameters<typeof idpMessages.t>[1], p?: Record<string, string>) =>
      idpMessages.t(ctx.locale, k, p);
    const apps = (await services.apps.list(ctx.tenant.id))
      .map((a) => ({ name: a.name, url: launchUrl(a, ctx.tenant.slug) }))
      .filter((a): a is { name: string; url: string } => a.url !== undefined);
    const list = apps.length
      ? html`<ul class="apps">${apps.map((a) => html`<li><a href="${a.url}">${a.name}</a></li>`)}</ul>`
      : html`<p class="hint">${t('portal.empty')}</p>`;
    const passes = await services.policy.listEntrancePasses?.(ctx.tenant.id, s.user.id);
    const when = new Intl.DateTimeFormat(ctx.locale === 'ja' ? 'ja-JP' : 'en', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: ctx.tenant.timeZone,
    });
    const passSection =
      passes &&
      html`<section class="passes">
        <h2>${t('portal.passes.title')}</h2>
        <p class="hint">${t('portal.passes.intro')}</p>
        ${
          passes.length
            ? html`<table>
              <thead>
                <tr>
                  <th>${t('portal.passes.issued')}</th>
                  <th>${t('portal.passes.lastUsed')}</th>
                  <th>${t('portal.passes.expires')}</th>
                </tr>
              </thead>
              <tbody>
                ${passes.map(
                  (p) =>
                    html`<tr>
                      <td>${when.format(p.issuedAt)}</td>
                      <td>${p.lastUsedAt ? when.format(p.lastUsedAt) : t('portal.passes.never')}</td>
                      <td>${when.format(p.expiresAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
            : html`<p class="hint">${t('portal.passes.none')}</p>`
        }
      </section>`;
    const methods = services.factors && (await signInMethods(services.factors, ctx, s.user.id));
    const body = html`
      <p>${t('portal.signedInAs', { name: s.user.displayName, loginId: s.user.loginId })}</p>
      ${list}
      ${methods && signInMethodsSection({ ...methods, csrf: csrfToken(request) })}
      ${passSection}
      <p><a href="${base}/password/change">${t('portal.changePassword')}</a></p>
      <form method="post" action="${base}/logout">
        <input type="hidden" name="_csrf" value="${csrfToken(request)}">
        <button type="submit">${t('logout.submit')}</button>
      </form>`;
    return sendPage(reply, ctx.locale, t('portal.title'), body);
  });
};
