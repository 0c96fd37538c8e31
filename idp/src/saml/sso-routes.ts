/**
 * Single sign-on endpoints (SAML profiles §4.1, Web Browser SSO):
 * - `GET /t/:tenant/saml/sso`  AuthnRequest by HTTP-Redirect: validated, then finished at once
 *   (the browser's cookies came with this top-level GET);
 * - `POST /t/:tenant/saml/sso` AuthnRequest by HTTP-POST: validated, then the browser is sent
 *   (303) to the continue URL — a cross-site POST carries no SameSite=Lax session cookie,
 *   the top-level GET that follows does;
 * - `GET /t/:tenant/saml/continue/:id` finishes a pending request (also the return address
 *   after sign-in).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpOptions } from '../index.ts';
import { pageContext, type PageContext } from '../routes/page-context.ts';
import { checkAuthnRequest } from './check-authn-request.ts';
import { completeSso } from './complete-sso.ts';
import { idpEndpoints } from './idp-endpoints.ts';
import { readPostMessage, readRedirectMessage, type InboundMessage } from './inbound-message.ts';
import { savePendingSso } from './pending-sso.ts';
import { refuseRequest } from './refuse-request.ts';
import { pendingParams, tenantParams } from './route-schemas.ts';
import { isSamlError } from './saml-error.ts';

export const ssoRoutes: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  const { platform } = services;

  /** Validates the request; returns the pending id, or the reply that refused it. */
  async function receive(
    request: FastifyRequest,
    reply: FastifyReply,
    ctx: PageContext,
    read: () => InboundMessage,
  ): Promise<string | FastifyReply> {
    let message: InboundMessage;
    try {
      message = read();
    } catch (err) {
      if (isSamlError(err)) return refuseRequest(services, reply, ctx, err);
      throw err;
    }
    const endpoints = idpEndpoints(platform.config.publicUrl, ctx.tenant.slug);
    const check = await checkAuthnRequest(services, ctx.tenant, endpoints, message);
    if (!check.ok) return refuseRequest(services, reply, ctx, check.error, check.target);
    return savePendingSso(platform.kv, check.pending);
  }

  app.get('/t/:tenant/saml/sso', { schema: { params: tenantParams } }, async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const id = await receive(request, reply, ctx, () => readRedirectMessage(request.url));
    return typeof id === 'string' ? completeSso(services, request, reply, ctx, id) : id;
  });

  app.post('/t/:tenant/saml/sso', { schema: { params: tenantParams } }, async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const id = await receive(request, reply, ctx, () => readPostMessage(request.body));
    if (typeof id !== 'string') return id;
    return reply.redirect(`/t/${ctx.tenant.slug}/saml/continue/${id}`, 303);
  });

  app.get<{ Params: { tenant: string; id: string } }>(
    '/t/:tenant/saml/continue/:id',
    { schema: { params: pendingParams } },
    async (request, reply) => {
      const ctx = await pageContext(request, platform);
      return completeSso(services, request, reply, ctx, request.params.id);
    },
  );
};
