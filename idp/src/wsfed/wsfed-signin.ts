/**
 * wsignin1.0: identify the relying party by wtrealm, check wreply against its registered
 * reply URLs, pass the single sign-on gate (sign-in, forced password change, access policy),
 * then sign a token for the user and post it to the reply URL with wctx unchanged.
 * Every issued token is audited (`wsfed.token`) with its assertion id.
 *
 * A fresh sign-in (WS-Federation 1.2 section 13.2.1; Entra ID asks for one on prompt=login
 * under promptLoginBehavior translateToFreshPasswordAuthentication, with wfresh=0 and
 * wauth=urn:oasis:names:tc:SAML:1.0:am:password):
 * - wfresh=N: a session that began more than N minutes before the request first arrived
 *   (N=0: before it arrived) is ended, cookie and server-side revocation, and the user signs
 *   in again, returning to the request; as SAML ForceAuthn (saml/complete-sso.ts). The
 *   return path keeps the first arrival (wsfed-request.ts), so the sign-in that follows
 *   counts and the request does not loop. The token's AuthenticationInstant is the sign-in's.
 * - wauth, as AD FS: a password method is satisfied by a primary sign-in (amr `pwd`, or
 *   `hwk` for a passwordless device certificate: fresh-sign-in.ts says why), multipleauthn
 *   by one with a second factor (amr `mfa`, after any step-up the access policy asked
 *   for). A session without the method gets a refusal page and is kept: signing in again
 *   would only loop when the policy cannot give that method (no second factor required for
 *   this application).
 *   An unknown method is refused before anything changes (fresh-sign-in.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../apps/app-registry.ts';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { passSsoGate } from '../login/sso-gate.ts';
import { activeSession, endSession, type ActiveSession } from '../session/web-session.ts';
import { isSignInTooOld, wauthAmr } from './fresh-sign-in.ts';
import { wsfedRpSpec, type WsFedRpConfig } from './rp-config.ts';
import { userAttribute } from './user-attribute.ts';
import { returnPathFor, type WsFedArrival, type WsFedMessage } from './wsfed-request.ts';
import { buildWsFedToken } from './wsfed-token.ts';
import { wsfedUrls } from './wsfed-urls.ts';
import { attributeMissingPage, postTokenPage, refusalPage } from './wsfed-pages.ts';

export async function wsfedSignIn(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  message: WsFedMessage & { wtrealm: string },
  arrival: WsFedArrival,
): Promise<FastifyReply> {
  const { platform } = services;
  const app = await services.apps.find(ctx.tenant.id, wsfedRpSpec, message.wtrealm);
  if (!app?.enabled) {
    request.log.info({ realm: message.wtrealm }, 'wsfed: unknown or disabled realm');
    return refusalPage(reply, ctx, 'realm-unknown', request.id, {
      realm: message.wtrealm.slice(0, 200),
    });
  }
  // Exact match only (WS-Federation 1.2 section 13.2.1 leaves wreply to the IdP's policy).
  if (message.wreply !== undefined && !app.config.replyUrls.includes(message.wreply)) {
    request.log.info({ realm: message.wtrealm, wreply: message.wreply }, 'wsfed: foreign wreply');
    return refusalPage(reply, ctx, 'reply-unregistered', request.id);
  }
  const replyTo = message.wreply ?? app.config.replyUrls[0]!;
  const keepArrival = message.wfresh !== undefined || message.wauth !== undefined;
  const returnTo = await returnPathFor(platform.kv, ctx.tenant, arrival, keepArrival);
  const current = await activeSession(request, platform, ctx.tenant);
  if (
    current &&
    message.wfresh !== undefined &&
    isSignInTooOld(current.auth.issuedAt, message.wfresh, arrival.receivedAt)
  ) {
    request.log.info({ realm: message.wtrealm, wfresh: message.wfresh }, 'wsfed: sign in again');
    endSession(request);
    await platform.revocation.revokeSession(current.auth.sid);
    return reply.redirect(
      `/t/${ctx.tenant.slug}/login?return=${encodeURIComponent(returnTo)}`,
      303,
    );
  }
  const gate = await passSsoGate(services, request, reply, ctx, app, returnTo);
  if (!gate.ok) return gate.reply;
  const wanted = message.wauth === undefined ? undefined : wauthAmr(message.wauth);
  if (wanted && !wanted.some((amr) => gate.session.auth.amr.includes(amr))) {
    const { reference } = await auditToken(services, ctx, gate.session, app, 'failure', {
      reason: 'wauth-unsatisfied',
      details: { realm: app.config.realm, wauth: message.wauth, amr: gate.session.auth.amr },
    });
    return refusalPage(reply, ctx, 'wauth-unsatisfied', reference);
  }
  return issueToken(services, reply, ctx, app, gate.session, replyTo, message.wctx);
}

/** Signs the token for the session's user and posts it to `replyTo`, audited. */
async function issueToken(
  services: IdpServices,
  reply: FastifyReply,
  ctx: PageContext,
  app: Application<WsFedRpConfig>,
  session: ActiveSession,
  replyTo: string,
  wctx: string | undefined,
): Promise<FastifyReply> {
  const { platform } = services;
  const { user, auth } = session;
  const config = app.config;
  const immutableId = userAttribute(user, config.nameIdSource);
  const upn = userAttribute(user, config.upnSource);
  if (!immutableId || !upn) {
    const attribute = immutableId ? config.upnSource : config.nameIdSource;
    const { reference } = await auditToken(services, ctx, session, app, 'failure', {
      reason: 'attribute-missing',
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
  await auditToken(services, ctx, session, app, 'success', {
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
  return postTokenPage(reply, ctx, app.name, replyTo, token.wresult, wctx);
}

function auditToken(
  services: IdpServices,
  ctx: PageContext,
  { user }: ActiveSession,
  app: Application<WsFedRpConfig>,
  result: 'success' | 'failure',
  event: { reason?: string; details: Record<string, unknown> },
) {
  return services.platform.audit.record({
    tenantId: ctx.tenant.id,
    actor: { type: 'user', id: user.id, name: user.loginId },
    action: 'wsfed.token',
    target: { type: 'application', id: app.id },
    result,
    origin: ctx.origin,
    ...event,
  });
}
