/**
 * Mounts each tenant's OpenID provider under `/t/{tenant}` (discovery at
 * `/t/{tenant}/.well-known/openid-configuration`, endpoints under `/t/{tenant}/oidc/`) and
 * serves the interaction endpoint where a sign-in request meets Sekisho's SSO gate.
 *
 * The provider reads request bodies itself, so these routes leave the body stream unparsed.
 * The client address the policy sees is the one the gateway computed (trusted proxies
 * applied), passed in a header that is always overwritten here.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { SekishoError, type Tenant } from '@sekisho/platform';
import type { IdpOptions } from '../index.ts';
import type { SessionAuth } from '../session/web-session.ts';
import { SESSION_COOKIE } from '../session/cookie-name.ts';
import { createProviderRegistry } from './provider-registry.ts';
import { interactionRoutes } from './interaction-routes.ts';
import { canonicalizeForProvider } from './canonical-request.ts';

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export const oidcRoutes: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  const readSession = (header: string | undefined): SessionAuth | undefined => {
    const value = cookieValue(header, SESSION_COOKIE);
    return value ? (app.decodeSecureSession(value)?.get('auth') ?? undefined) : undefined;
  };
  const onBuilt = (provider: Provider, tenant: Tenant) => {
    // Ending the provider's session (RP-initiated logout, or Sekisho's own sign-out, which
    // goes through here) ends Sekisho's session too: one sign-out for every application.
    provider.on('end_session.success', (ctx) => {
      const auth = readSession(ctx.get('cookie') || undefined);
      if (auth?.tenantId === tenant.id) void services.platform.revocation.revokeSession(auth.sid);
      ctx.cookies.set(SESSION_COOKIE, null, { path: '/' });
    });
    provider.on('backchannel.success', auditBackchannel(tenant)(true));
    provider.on('backchannel.error', auditBackchannel(tenant)(false));
  };
  const auditBackchannel =
    (tenant: Tenant) =>
    (ok: boolean) =>
    (_ctx: unknown, ...rest: unknown[]) => {
      const [err, client, accountId] = ok ? [undefined, ...rest] : rest;
      void services.platform.audit.record({
        tenantId: tenant.id,
        actor: { type: 'system' },
        action: 'oidc.backchannel-logout',
        target: { type: 'user', id: String(accountId) },
        result: ok ? 'success' : 'failure',
        reason: ok
          ? undefined
          : String((err as Error | undefined)?.message ?? 'error').slice(0, 200),
        details: { clientId: (client as { clientId?: string } | undefined)?.clientId },
      });
    };
  const registry = createProviderRegistry(services, readSession, onBuilt);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const dispatch = async (request: FastifyRequest, reply: FastifyReply) => {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant = await services.platform.tenants.getBySlug(slug);
    if (!tenant || tenant.status !== 'active')
      throw new SekishoError('ERR_TENANT_NOT_FOUND', `no tenant '${slug}'`);
    const provider = await registry.get(tenant);
    canonicalizeForProvider(request, services.platform.config.publicUrl);
    // The provider finds its mount path by comparing originalUrl with url (as under express).
    const raw = request.raw as typeof request.raw & { originalUrl?: string };
    raw.originalUrl = raw.url!;
    raw.url = raw.url!.slice(`/t/${slug}`.length) || '/';
    reply.hijack();
    // The provider answers errors itself (its renderError / JSON errors); nothing to await.
    void provider.callback()(request.raw, reply.raw);
  };
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/t/:tenant/.well-known/openid-configuration',
    handler: dispatch,
  });
  app.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/t/:tenant/oidc/*', handler: dispatch });
  await app.register(interactionRoutes, { services, registry });
};
