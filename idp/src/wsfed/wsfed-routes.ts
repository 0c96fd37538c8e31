/**
 * WS-Federation passive requestor profile (WS-Federation 1.2, section 13), the protocol
 * Microsoft 365 / Entra ID domain federation speaks by default:
 * - GET /t/:tenant/wsfed                 wa=wsignin1.0 | wsignout1.0 | wsignoutcleanup1.0
 * - GET /t/:tenant/wsfed/FederationMetadata/2007-06/FederationMetadata.xml
 * Requests are refused with a page (never a post or redirect to an unvalidated address)
 * when `wa` is missing or unknown, a parameter is repeated or too long, `wfresh` or `wauth`
 * is malformed or unknown, the realm is not a registered relying party, or `wreply` is not
 * one of its reply URLs.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { IdpOptions } from '../index.ts';
import { pageContext } from '../routes/page-context.ts';
import { buildFederationMetadata } from './federation-metadata.ts';
import { parseWsFedQuery, resolveQuery } from './wsfed-request.ts';
import { wsfedUrls } from './wsfed-urls.ts';
import { refusalPage } from './wsfed-pages.ts';
import { wsfedSignIn } from './wsfed-signin.ts';
import { wsfedSignOut } from './wsfed-signout.ts';

const text = { type: 'string' } as const;
const querystring = {
  type: 'object',
  properties: {
    wa: text,
    wtrealm: text,
    wreply: text,
    wctx: text,
    wfresh: text,
    wauth: text,
    wresume: text,
    lang: text,
  },
} as const;

export const wsfedRoutes: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  const { platform } = services;

  app.get('/t/:tenant/wsfed', { schema: { querystring } }, async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const rawQuery = request.url.includes('?')
      ? request.url.slice(request.url.indexOf('?') + 1)
      : '';
    const resolved = await resolveQuery(
      platform.kv,
      ctx.tenant.id,
      request.query as Record<string, unknown>,
      rawQuery,
      platform.clock.now().getTime(),
    );
    if (!resolved) return refusalPage(reply, ctx, 'resume-expired', request.id);
    const parsed = parseWsFedQuery(resolved.query);
    if (!parsed.ok) {
      request.log.info({ reason: parsed.reason }, 'wsfed: request refused');
      return refusalPage(reply, ctx, parsed.reason, request.id);
    }
    const message = parsed.message;
    if (message.wa === 'wsignin1.0' && message.wtrealm !== undefined)
      return wsfedSignIn(
        services,
        request,
        reply,
        ctx,
        { ...message, wtrealm: message.wtrealm },
        resolved,
      );
    return wsfedSignOut(services, request, reply, ctx, message);
  });

  app.get(
    '/t/:tenant/wsfed/FederationMetadata/2007-06/FederationMetadata.xml',
    async (request, reply) => {
      const ctx = await pageContext(request, platform);
      // One after the other: on first use `active` creates the key, which `published` then lists.
      const active = await services.keys.active(ctx.tenant.id, 'saml');
      const published = await services.keys.published(ctx.tenant.id, 'saml');
      if (!active.certificatePem) throw new Error('saml signing key without certificate');
      const urls = wsfedUrls(platform.config.publicUrl, ctx.tenant.slug);
      const xml = buildFederationMetadata({
        issuer: urls.issuer,
        passiveEndpoint: urls.passiveEndpoint,
        certificates: published.flatMap((k) => (k.certificatePem ? [k.certificatePem] : [])),
        signingKey: { privateKeyPem: active.privateKeyPem, certificatePem: active.certificatePem },
      });
      return reply
        .type('application/xml; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(xml);
    },
  );
};
