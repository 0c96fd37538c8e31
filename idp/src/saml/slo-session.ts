/**
 * What an accepted LogoutRequest does to the IdP session in this browser:
 * - a session whose record shows a different NameID at this SP is not ended (the SP asked
 *   about another principal): Requester/UnknownPrincipal;
 * - otherwise the session ends here and everywhere — the cookie is cleared and its id is
 *   revoked in the shared store, so no node honours it — and the logout is audited;
 * - then the session's other SPs are told (slo-chain.ts) before the requesting SP gets its
 *   LogoutResponse. With no session, the SP still gets Success: the principal is logged out.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { endSession } from '../session/web-session.ts';
import type { PendingLogout } from './check-logout-request.ts';
import { auditSaml } from './saml-audit.ts';
import { SamlError } from './saml-error.ts';
import { readParticipants, takeParticipants, type Participant } from './session-participants.ts';
import { advanceChain } from './slo-chain.ts';
import { refuseLogout } from './slo-respond.ts';
import type { SamlSp } from './sp-lookup.ts';

export async function endSessionForLogout(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  pending: PendingLogout,
  sp: SamlSp,
): Promise<FastifyReply> {
  const { platform } = services;
  const target = { sp, inResponseTo: pending.requestId, relayState: pending.relayState };
  const auth = request.session.get('auth');
  let others: Participant[] = [];
  if (auth && auth.tenantId === ctx.tenant.id) {
    const record = (await readParticipants(platform.kv, auth.sid)).find((p) => p.appId === sp.id);
    if (record && pending.nameId && record.nameId !== pending.nameId)
      return refuseLogout(
        services,
        reply,
        ctx,
        new SamlError('ERR_SAML_UNKNOWN_PRINCIPAL', 'the NameID is not this session’s'),
        target,
      );
    others = (await takeParticipants(platform.kv, auth.sid)).filter((p) => p.appId !== sp.id);
    endSession(request);
    await platform.revocation.revokeSession(auth.sid);
  }
  await auditSaml(platform, ctx, {
    action: 'saml.slo',
    result: 'success',
    reason: auth ? 'session-ended' : 'no-session',
    user: auth ? { id: auth.userId } : undefined,
    sp,
    details: { propagateTo: others.length, inResponseTo: pending.requestId ?? null },
  });
  return advanceChain(services, reply, ctx, {
    origin: { appId: sp.id, requestId: pending.requestId, relayState: pending.relayState },
    remaining: others,
    partial: false,
  });
}
