/**
 * Propagating a logout to the session's other SPs (SAML profiles §4.4.3.3, front channel):
 * one SP at a time, the browser carries our signed LogoutRequest there and brings the SP's
 * LogoutResponse back to /slo, with RelayState naming the chain's state in the ephemeral
 * store (single use). An SP that is gone, has no SLO endpoint, or answers with anything but
 * a valid, signed-when-possible Success for our request makes the logout partial. At the end
 * the SP that started the logout gets Success (or Success/PartialLogout); a logout that no
 * SP started (the user signed out of Sekisho) goes on to `then` — the OpenID provider's end
 * of session — or ends on the signed-out page. The IdP session itself ended before the chain
 * began, so a broken chain never leaves it open.
 */
import type { FastifyReply } from 'fastify';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { deliverToSp } from './deliver-to-sp.ts';
import { idpEndpoints } from './idp-endpoints.ts';
import type { InboundMessage } from './inbound-message.ts';
import { checkInboundSignature } from './inbound-signature.ts';
import { buildLogoutRequest, isLogoutResponse, readStatusCode } from './logout-messages.ts';
import { readIssuer } from './message-checks.ts';
import { savePending, takePending } from './pending-sso.ts';
import { tenantSigningKey } from './tenant-signing-key.ts';
import { STATUS } from './saml-constants.ts';
import type { Participant } from './session-participants.ts';
import { respondLogout, signedOutPage } from './slo-respond.ts';
import { getSpById, type SamlSp } from './sp-lookup.ts';

export interface ChainState {
  origin?:
    { appId: string; requestId?: string | undefined; relayState?: string | undefined } | undefined;
  remaining: Participant[];
  current?: { appId: string; requestId: string } | undefined;
  partial: boolean;
  /** A path on this origin to continue to when no SP started the logout. */
  then?: string | undefined;
}

async function spOrUndefined(
  services: IdpServices,
  tenantId: string,
  appId: string,
): Promise<SamlSp | undefined> {
  return getSpById(services, tenantId, appId).catch(() => undefined);
}

export async function advanceChain(
  services: IdpServices,
  reply: FastifyReply,
  ctx: PageContext,
  state: ChainState,
): Promise<FastifyReply> {
  const { platform } = services;
  const remaining = [...state.remaining];
  let partial = state.partial;
  for (let next = remaining.shift(); next; next = remaining.shift()) {
    const sp = await spOrUndefined(services, ctx.tenant.id, next.appId);
    if (!sp?.config.slo) {
      partial = true;
      continue;
    }
    const message = buildLogoutRequest({
      issuer: idpEndpoints(platform.config.publicUrl, ctx.tenant.slug).entityId,
      destination: sp.config.slo.url,
      nameId: { value: next.nameId, format: next.nameIdFormat },
      sessionIndex: next.sessionIndex,
      now: platform.clock.now(),
    });
    const current = { appId: sp.id, requestId: message.id };
    const stateId = await savePending(platform.kv, 'slo-chain', ctx.tenant.id, {
      ...state,
      remaining,
      partial,
      current,
    });
    const key = await tenantSigningKey(services, ctx.tenant.id);
    const { url, binding } = sp.config.slo;
    return deliverToSp(reply, ctx.locale, {
      endpoint: url,
      binding,
      param: 'SAMLRequest',
      message,
      relayState: stateId,
      key,
      app: sp.name,
    });
  }
  const origin = state.origin && (await spOrUndefined(services, ctx.tenant.id, state.origin.appId));
  if (!origin?.config.slo) {
    return state.then ? reply.redirect(state.then, 303) : signedOutPage(reply, ctx);
  }
  const status = partial
    ? { top: STATUS.success, second: STATUS.partialLogout }
    : { top: STATUS.success };
  const { requestId, relayState } = state.origin!;
  return respondLogout(
    services,
    reply,
    ctx,
    { sp: origin, inResponseTo: requestId, relayState },
    status,
  );
}

/** A LogoutResponse from an SP we sent a LogoutRequest to: checked, then the chain goes on. */
export async function onLogoutResponse(
  services: IdpServices,
  reply: FastifyReply,
  ctx: PageContext,
  message: InboundMessage,
): Promise<FastifyReply> {
  const state = message.relayState
    ? await takePending<ChainState>(
        services.platform.kv,
        'slo-chain',
        ctx.tenant.id,
        message.relayState,
      )
    : undefined;
  if (!state?.current || !isLogoutResponse(message.root)) return signedOutPage(reply, ctx);
  const sp = await spOrUndefined(services, ctx.tenant.id, state.current.appId);
  let ok = false;
  try {
    if (sp && readIssuer(message.root) === sp.config.entityId) {
      const { root } = checkInboundSignature(
        message,
        sp.config,
        sp.config.signingCertificates.length > 0,
      );
      ok =
        root.getAttribute('InResponseTo') === state.current.requestId &&
        readStatusCode(root) === STATUS.success;
    }
  } catch {
    ok = false;
  }
  return advanceChain(services, reply, ctx, {
    ...state,
    current: undefined,
    partial: state.partial || !ok,
  });
}
