/**
 * Single logout endpoints (SAML profiles §4.4), both bindings:
 * - `GET /t/:tenant/saml/slo`  LogoutRequest (ends the session at once: the top-level GET
 *   carries the cookie) or LogoutResponse (the next step of a propagated logout);
 * - `POST /t/:tenant/saml/slo` the same by HTTP-POST; a LogoutRequest is validated, kept
 *   as pending and finished by a 303 to `GET /t/:tenant/saml/slo/continue/:id`, because a
 *   cross-site POST carries no SameSite=Lax cookie and the session could not be found.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpOptions } from '../index.ts';
import { pageContext, type PageContext } from '../routes/page-context.ts';
import { checkLogoutRequest, type PendingLogout } from './check-logout-request.ts';
import { idpEndpoints } from './idp-endpoints.ts';
import { readPostMessage, readRedirectMessage, type InboundMessage } from './inbound-message.ts';
import { savePending, takePending } from './pending-sso.ts';
import { pendingParams, tenantParams } from './route-schemas.ts';
import { SamlError, isSamlError } from './saml-error.ts';
import { onLogoutResponse } from './slo-chain.ts';
import { refuseLogout } from './slo-respond.ts';
import { endSessionForLogout } from './slo-session.ts';
import { getSpById } from './sp-lookup.ts';

export const sloRoutes: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  const { platform } = services;

  async function receive(
    request: FastifyRequest,
    reply: FastifyReply,
    ctx: PageContext,
    read: () => InboundMessage,
    later: boolean,
  ): Promise<FastifyReply> {
    let message: InboundMessage;
    try {
      message = read();
    } catch (err) {
      if (isSamlError(err)) return refuseLogout(services, reply, ctx, err);
      throw err;
    }
    if (message.param === 'SAMLResponse') return onLogoutResponse(services, reply, ctx, message);
    const endpoints = idpEndpoints(platform.config.publicUrl, ctx.tenant.slug);
    const check = await checkLogoutRequest(services, ctx.tenant, endpoints, message);
    if (!check.ok) return refuseLogout(services, reply, ctx, check.error, check.target);
    if (!later) return endSessionForLogout(services, request, reply, ctx, check.pending, check.sp);
    const id = await savePending(platform.kv, 'slo', ctx.tenant.id, check.pending);
    return reply.redirect(`/t/${ctx.tenant.slug}/saml/slo/continue/${id}`, 303);
  }

  app.get('/t/:tenant/saml/slo', { schema: { params: tenantParams } }, async (request, reply) => {
    const ctx = await pageContext(request, platform);
    return receive(request, reply, ctx, () => readRedirectMessage(request.url), false);
  });

  app.post('/t/:tenant/saml/slo', { schema: { params: tenantParams } }, async (request, reply) => {
    const ctx = await pageContext(request, platform);
    return receive(request, reply, ctx, () => readPostMessage(request.body), true);
  });

  app.get<{ Params: { tenant: string; id: string } }>(
    '/t/:tenant/saml/slo/continue/:id',
    { schema: { params: pendingParams } },
    async (request, reply) => {
      const ctx = await pageContext(request, platform);
      const pending = await takePending<PendingLogout>(
        platform.kv,
        'slo',
        ctx.tenant.id,
        request.params.id,
      );
      const expired = new SamlError(
        'ERR_SAML_PENDING_EXPIRED',
        'the logout request expired or was used',
      );
      if (!pending) return refuseLogout(services, reply, ctx, expired);
      const sp = await getSpById(services, ctx.tenant.id, pending.appId).catch(() => undefined);
      if (!sp) return refuseLogout(services, reply, ctx, expired);
      return endSessionForLogout(services, request, reply, ctx, pending, sp);
    },
  );
};
