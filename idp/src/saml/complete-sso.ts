/**
 * Finishes a pending sign-in once the browser comes back (from /sso, after sign-in, or from
 * the portal):
 * - IsPassive: without a usable session (or when a fresh sign-in would be needed) the SP
 *   gets a NoPassive status, never a login page (SAML core §3.4.1);
 * - ForceAuthn: a session that began before the request arrived is ended (cookie and
 *   server-side revocation) and the user signs in again; only a sign-in after the request
 *   counts (SAML core §3.4.1, "MUST authenticate the presenter directly");
 * - the SSO gate (sso-gate.ts) then signs the user in, checks the policy for this SP and
 *   context, and audits the decision;
 * - only then is the pending request taken (single use) and the Response issued.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpServices } from '../services.ts';
import { passSsoGate } from '../login/sso-gate.ts';
import type { PageContext } from '../routes/page-context.ts';
import { activeSession, endSession } from '../session/web-session.ts';
import { issueResponse } from './issue-response.ts';
import { readPendingSso, takePendingSso } from './pending-sso.ts';
import { sendPostForm } from './post-form.ts';
import { refuseRequest } from './refuse-request.ts';
import { auditSaml } from './saml-audit.ts';
import { SamlError, isSamlError } from './saml-error.ts';
import { getSpById, type SamlSp } from './sp-lookup.ts';

export async function completeSso(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  pendingId: string,
): Promise<FastifyReply> {
  const { platform } = services;
  const expired = new SamlError(
    'ERR_SAML_PENDING_EXPIRED',
    'the sign-in request expired or was used',
  );
  const pending = await readPendingSso(platform.kv, ctx.tenant.id, pendingId);
  if (!pending) return refuseRequest(services, reply, ctx, expired);
  let sp: SamlSp;
  try {
    sp = await getSpById(services, ctx.tenant.id, pending.appId);
  } catch (err) {
    if (isSamlError(err)) return refuseRequest(services, reply, ctx, err);
    throw err;
  }
  const target = {
    sp,
    acsUrl: pending.acsUrl,
    inResponseTo: pending.requestId,
    relayState: pending.relayState,
  };
  const session = await activeSession(request, platform, ctx.tenant);
  const stale = !!session && pending.forceAuthn && session.auth.issuedAt < pending.receivedAt;
  if (pending.isPassive && (!session || session.user.mustChangePassword || stale)) {
    await takePendingSso(platform.kv, ctx.tenant.id, pendingId);
    const noPassive = new SamlError('ERR_SAML_NO_PASSIVE', 'the user must sign in interactively');
    return refuseRequest(services, reply, ctx, noPassive, target, session?.user);
  }
  const returnTo = `/t/${ctx.tenant.slug}/saml/continue/${pendingId}`;
  if (stale) {
    endSession(request);
    await platform.revocation.revokeSession(session.auth.sid);
    return reply.redirect(
      `/t/${ctx.tenant.slug}/login?return=${encodeURIComponent(returnTo)}`,
      303,
    );
  }
  const gate = await passSsoGate(services, request, reply, ctx, sp, returnTo);
  if (!gate.ok) return gate.reply;
  if (!(await takePendingSso(platform.kv, ctx.tenant.id, pendingId)))
    return refuseRequest(services, reply, ctx, expired, undefined, gate.session.user);
  let issued;
  try {
    issued = await issueResponse(services, ctx.tenant.slug, sp, pending, gate.session);
  } catch (err) {
    if (isSamlError(err))
      return refuseRequest(services, reply, ctx, err, target, gate.session.user);
    throw err;
  }
  await auditSaml(platform, ctx, {
    action: 'saml.sso',
    result: 'success',
    user: gate.session.user,
    sp,
    details: {
      binding: pending.binding,
      inResponseTo: pending.requestId ?? null,
      nameIdFormat: issued.nameId.format,
      acs: pending.acsUrl,
    },
  });
  return sendPostForm(reply, ctx.locale, {
    action: pending.acsUrl,
    app: sp.name,
    fields: {
      SAMLResponse: Buffer.from(issued.xml).toString('base64'),
      RelayState: pending.relayState,
    },
  });
}
