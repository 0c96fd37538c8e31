/**
 * Where oidc-provider sends the browser when the sign-in needs Sekisho: identify the client,
 * pass the SSO gate (sign-in, password change, access policy, audit), then hand the provider
 * the signed-in user. A gate that refuses shows its page; the client gets nothing.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SekishoError } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import { pageContext } from '../routes/page-context.ts';
import { passSsoGate } from '../login/sso-gate.ts';
import { oidcClientSpec } from './client-spec.ts';
import type { ProviderRegistry } from './provider-registry.ts';
import { canonicalizeForProvider } from './canonical-request.ts';

export const interactionRoutes: FastifyPluginAsync<{
  services: IdpServices;
  registry: ProviderRegistry;
}> = async (app, { services, registry }) => {
  app.get<{ Params: { tenant: string; uid: string } }>(
    '/t/:tenant/interaction/:uid',
    async (request, reply) => {
      const ctx = await pageContext(request, services.platform);
      const provider = await registry.get(ctx.tenant);
      canonicalizeForProvider(request, services.platform.config.publicUrl);
      const details = await provider
        .interactionDetails(request.raw, reply.raw)
        .catch((cause: unknown) => {
          throw new SekishoError(
            'ERR_NOT_FOUND',
            'sign-in request expired or unknown; start again from the application',
            { cause, status: 400 },
          );
        });
      if (details.uid !== request.params.uid)
        throw new SekishoError('ERR_NOT_FOUND', 'sign-in request mismatch', { status: 400 });
      const application = await services.apps.find(
        ctx.tenant.id,
        oidcClientSpec,
        String(details.params.client_id),
      );
      if (!application?.enabled)
        throw new SekishoError('ERR_NOT_FOUND', 'unknown application', { status: 400 });
      const gate = await passSsoGate(
        services,
        request,
        reply,
        ctx,
        application,
        `/t/${ctx.tenant.slug}/interaction/${details.uid}`,
      );
      if (!gate.ok) return gate.reply;
      const { session } = gate;
      reply.hijack();
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        {
          login: {
            accountId: session.user.id,
            amr: session.auth.amr,
            remember: true,
            ts: Math.floor(session.auth.issuedAt / 1000),
          },
        },
        { mergeWithLastSubmission: false },
      );
    },
  );
};
