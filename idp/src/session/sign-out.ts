/**
 * Signing a browser out of this tenant: the cookie is cleared, the session id is revoked in
 * the shared store (so no node honours a copy of the cookie), and `logout` is audited. A
 * session of another tenant is left alone: a sign-out page of one tenant never ends another's.
 */
import type { FastifyRequest } from 'fastify';
import type { Platform } from '@sekisho/platform';
import type { PageContext } from '../routes/page-context.ts';
import { endSession, type SessionAuth } from './web-session.ts';

/** Ends the session; returns what it was, or undefined when there was none of this tenant. */
export async function signOut(
  platform: Platform,
  request: FastifyRequest,
  ctx: PageContext,
  details?: Record<string, unknown>,
): Promise<SessionAuth | undefined> {
  if (request.session.get('auth')?.tenantId !== ctx.tenant.id) return undefined;
  const auth = endSession(request);
  if (!auth) return undefined;
  await platform.revocation.revokeSession(auth.sid);
  await platform.audit.record({
    tenantId: ctx.tenant.id,
    actor: { type: 'user', id: auth.userId },
    action: 'logout',
    result: 'success',
    origin: ctx.origin,
    ...(details && { details }),
  });
  return auth;
}
