/**
 * Answers a refused sign-in (the rule of saml-error.ts): with a validated ACS, a signed
 * Response carrying the error's status goes there by HTTP-POST (RelayState returned only
 * when it was within the SP's limit); without one, the browser gets a page. Either way the
 * refusal is audited with its reason, and nothing carries an assertion.
 */
import type { FastifyReply } from 'fastify';
import type { User } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { buildSamlResponse } from './build-response.ts';
import { tenantSigningKey } from './tenant-signing-key.ts';
import type { ReplyTarget } from './check-authn-request.ts';
import { sendSamlErrorPage } from './error-page.ts';
import { idpEndpoints } from './idp-endpoints.ts';
import { sendPostForm } from './post-form.ts';
import { auditSaml } from './saml-audit.ts';
import type { SamlError } from './saml-error.ts';

export async function refuseRequest(
  services: IdpServices,
  reply: FastifyReply,
  ctx: PageContext,
  error: SamlError,
  target?: ReplyTarget,
  user?: User,
): Promise<FastifyReply> {
  const { platform } = services;
  const reference = await auditSaml(platform, ctx, {
    action: 'saml.sso',
    result: 'deny',
    reason: error.reason,
    user,
    sp: target?.sp,
    details: { code: error.code, ...(error.detail && { detail: error.detail.slice(0, 512) }) },
  });
  if (!target) return sendSamlErrorPage(reply, ctx, error.code, reference);
  const xml = await buildSamlResponse({
    issuer: idpEndpoints(platform.config.publicUrl, ctx.tenant.slug).entityId,
    destination: target.acsUrl,
    inResponseTo: target.inResponseTo,
    now: platform.clock.now(),
    status: { ...error.status, message: error.message },
    key: await tenantSigningKey(services, ctx.tenant.id),
  });
  return sendPostForm(reply, ctx.locale, {
    action: target.acsUrl,
    app: target.sp.name,
    fields: { SAMLResponse: Buffer.from(xml).toString('base64'), RelayState: target.relayState },
  });
}
