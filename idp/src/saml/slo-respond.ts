/**
 * How single logout answers: a LogoutResponse to the SP's registered SingleLogoutService
 * (its ResponseLocation when given) by its registered binding; a page when no registered
 * endpoint is known (saml-error.ts); and the "signed out" page at the end of a logout that
 * no SP started. Refusals are audited as `saml.slo` denies.
 */
import type { FastifyReply } from 'fastify';
import { html } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';
import type { IdpServices } from '../services.ts';
import { sendPage, type PageContext } from '../routes/page-context.ts';
import type { LogoutTarget } from './check-logout-request.ts';
import { deliverToSp } from './deliver-to-sp.ts';
import { sendSamlErrorPage } from './error-page.ts';
import { idpEndpoints } from './idp-endpoints.ts';
import { buildLogoutResponse } from './logout-messages.ts';
import { tenantSigningKey } from './tenant-signing-key.ts';
import { auditSaml } from './saml-audit.ts';
import type { SamlError, SamlStatus } from './saml-error.ts';

export async function respondLogout(
  services: IdpServices,
  reply: FastifyReply,
  ctx: PageContext,
  target: LogoutTarget,
  status: SamlStatus & { message?: string | undefined },
): Promise<FastifyReply> {
  const slo = target.sp.config.slo!;
  const endpoint = slo.responseUrl ?? slo.url;
  const message = buildLogoutResponse({
    issuer: idpEndpoints(services.platform.config.publicUrl, ctx.tenant.slug).entityId,
    destination: endpoint,
    inResponseTo: target.inResponseTo,
    status,
    now: services.platform.clock.now(),
  });
  return deliverToSp(reply, ctx.locale, {
    endpoint,
    binding: slo.binding,
    param: 'SAMLResponse',
    message,
    relayState: target.relayState,
    key: await tenantSigningKey(services, ctx.tenant.id),
    app: target.sp.name,
  });
}

export async function refuseLogout(
  services: IdpServices,
  reply: FastifyReply,
  ctx: PageContext,
  error: SamlError,
  target?: LogoutTarget,
): Promise<FastifyReply> {
  const reference = await auditSaml(services.platform, ctx, {
    action: 'saml.slo',
    result: 'deny',
    reason: error.reason,
    sp: target?.sp,
    details: { code: error.code, ...(error.detail && { detail: error.detail.slice(0, 512) }) },
  });
  if (!target?.sp.config.slo) return sendSamlErrorPage(reply, ctx, error.code, reference);
  return respondLogout(services, reply, ctx, target, { ...error.status, message: error.message });
}

export function signedOutPage(reply: FastifyReply, ctx: PageContext): FastifyReply {
  const t = (key: Parameters<typeof idpMessages.t>[1]) => idpMessages.t(ctx.locale, key);
  const body = html`<p class="notice" role="status">${t('saml.signedOut.body')}</p>
    <p><a href="/t/${ctx.tenant.slug}/login">${t('login.title')}</a></p>`;
  return sendPage(reply, ctx.locale, t('saml.signedOut.title'), body);
}
