/**
 * Validated requests waiting for the browser, in the ephemeral store (so any node can finish
 * them) for PENDING_TTL_MS under an unguessable id:
 * - `sso`: a sign-in waiting for the user to sign in; read while the user signs in, and
 *   taken — deleted in the same step — when the Response is issued, so one request yields
 *   at most one assertion;
 * - `slo`: a LogoutRequest that came by POST, waiting for the GET that carries the cookie;
 * - `slo-chain`: the state of a logout being propagated to the session's other SPs.
 */
import { randomBytes } from 'node:crypto';
import type { Kv } from '@sekisho/platform';
import { PENDING_TTL_MS } from './saml-constants.ts';

export interface PendingSso {
  tenantId: string;
  appId: string;
  acsUrl: string;
  /** The AuthnRequest ID; absent for IdP-initiated (unsolicited) Responses. */
  requestId?: string | undefined;
  relayState?: string | undefined;
  forceAuthn: boolean;
  isPassive: boolean;
  /** When the request arrived (ms); ForceAuthn needs a sign-in after it. */
  receivedAt: number;
  binding: 'HTTP-Redirect' | 'HTTP-POST' | 'idp-initiated';
}

export type PendingKind = 'sso' | 'slo' | 'slo-chain';

const key = (kind: PendingKind, tenantId: string, id: string) => `saml:${kind}:${tenantId}:${id}`;
const ID = /^[A-Za-z0-9_-]{32}$/;

export async function savePending(
  kv: Kv,
  kind: PendingKind,
  tenantId: string,
  value: unknown,
): Promise<string> {
  const id = randomBytes(24).toString('base64url');
  await kv.set(key(kind, tenantId, id), JSON.stringify(value), { ttlMs: PENDING_TTL_MS });
  return id;
}

export async function readPending<T>(
  kv: Kv,
  kind: PendingKind,
  tenantId: string,
  id: string,
): Promise<T | undefined> {
  if (!ID.test(id)) return undefined;
  const raw = await kv.get(key(kind, tenantId, id));
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

/** Deletes and returns it; undefined when it expired or another request already took it. */
export async function takePending<T>(
  kv: Kv,
  kind: PendingKind,
  tenantId: string,
  id: string,
): Promise<T | undefined> {
  if (!ID.test(id)) return undefined;
  const raw = await kv.take(key(kind, tenantId, id));
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

export const savePendingSso = (kv: Kv, pending: PendingSso) =>
  savePending(kv, 'sso', pending.tenantId, pending);
export const readPendingSso = (kv: Kv, tenantId: string, id: string) =>
  readPending<PendingSso>(kv, 'sso', tenantId, id);
export const takePendingSso = (kv: Kv, tenantId: string, id: string) =>
  takePending<PendingSso>(kv, 'sso', tenantId, id);
