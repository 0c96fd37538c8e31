/**
 * wsignin1.0: identify the relying party by wtrealm, check wreply against its registered
 * reply URLs, pass the single sign-on gate (sign-in, forced password change, access policy),
 * then sign a token for the user and post it to the reply URL with wctx unchanged.
 * Every issued token is audited (`wsfed.token`) with its assertion id.
 *
 * TODO(#3): `wfresh=0` / `wauth` (Entra's prompt=login under promptLoginBehavior
 * translateToFreshPasswordAuthentication) are not honoured yet: a fresh sign-in needs a
 * forced re-authentication step in the SSO gate. Until then the token's AuthenticationInstant
 * tells the relying party how old the sign-in is.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { passSsoGate } from '../login/sso-gate.ts';
import { wsfedRpSpec } from './rp-config.ts';
import { userAttribute } from './user-attribute.ts';
import { returnPathFor, type WsFedMessage } from './wsfed-request.ts';
import { buildWsFedToken } from './wsfed-token.ts';
import { wsfedUrls } from './wsfed-urls.ts';
import { attributeMissingPage, postTokenPage, refusalPage } from './wsfed-pages.ts';

export async function wsfedSignIn(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  message: WsFedMessage & { wtrealm: string },
  rawQuery: string,
): Promise<FastifyReply> {
  const { platform } = services;
  const app = await services.apps.find(ctx.tenant.id, wsfedRpSpec, message.wtrealm);
  if (!app?.enabled) {
    request.log.info({ realm: message.wtrealm }, 'wsfed: unknown or disabled realm');
    return refusalPage(reply, ctx, 'realm-unknown', request.id, {
      realm: message.wtrealm.slice(0, 200),
    });
  }
  const config = app.config;
  // Exact match only (WS-Federation 1.2 section 13.2.1 leaves wreply to the IdP's policy).
  if (message.wreply !== undefined && !config.replyUrls.includes(message.wreply)) {
    request.log.info({ realm: message.wtrealm, wreply: message.wreply }, 'wsfed: foreign wreply');
    return refusalPage(reply, ctx, 'reply-unregistered', request.id);
  }
  const replyTo = message.wreply ?? config.replyUrls[0]!;
  const returnTo = await returnPathFor(platform.kv, ctx.tenant, rawQuery);
  const gate = await passSsoGate(services, request, reply, ctx, app, returnTo);
  if (!gate.ok) return gate.reply;
  const { user, auth } = gate.session;
  const actor = { type: 'user' as const, id: user.id, name: user.loginId };
  const target = { type: 'application', id: app.id };

  const immutableId = userAttribute(user, config.nameIdSource);
  const upn = userAttribute(user, config.upnSource);
  if (!immutableId || !upn) {
    const attribute = immutableId ? config.upnSource : config.nameIdSource;
    const { reference } = await platform.audit.record({
      tenantId: ctx.tenant.id,
      actor,
      action: 'wsfed.token',
      target,
      result: 'failure',
      reason: 'attribute-missing',
      origin: ctx.origin,
      details: { realm: config.realm, attribute },
    });
    return attributeMissingPage(reply, ctx, { app: app.name, attribute }, reference);
  }

  const key = await services.keys.active(ctx.tenant.id, 'saml');
  if (!key.certificatePem) throw new Error('saml signing key without certificate');
  const token = buildWsFedToken({
    issuer: wsfedUrls(platform.config.publicUrl, ctx.tenant.slug).issuer,
    realm: config.realm,
    immutableId,
    upn,
    amr: auth.amr,
    authenticatedAt: new Date(auth.issuedAt),
    issuedAt: platform.clock.now(),
    lifetimeSeconds: config.tokenLifetimeSeconds,
    key: { privateKeyPem: key.privateKeyPem, certificatePem: key.certificatePem },
  });
  await platform.audit.record({
    tenantId: ctx.tenant.id,
    actor,
    action: 'wsfed.token',
    target,
    result: 'success',
    origin: ctx.origin,
    details: {
      realm: config.realm,
      replyTo,
      assertionId: token.assertionId,
      nameId: immutableId,
      upn,
      authenticationMethod: token.authenticationMethod,
      notOnOrAfter: token.notOnOrAfter.toISOString(),
      kid: key.kid,
    },
  });
  return postTokenPage(reply, ctx, app.name, replyTo, token.wresult, message.wctx);
}
