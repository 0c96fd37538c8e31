/**
 * Server-side revocation of cookie sessions. Sessions are encrypted cookies, so ending one
 * means remembering, in the shared ephemeral store, that sessions of a user issued before a
 * moment are void (and single sessions by id). Every node reads the same store, so a
 * revocation holds everywhere at once. Entries live as long as the longest session.
 */
import type { Kv } from '../kv/kv.ts';

export interface SessionRevocation {
  revokeUser(tenantId: string, userId: string, at: Date): Promise<void>;
  revokeSession(sessionId: string): Promise<void>;
  /** True when the session was revoked, by id or by a user-wide revocation after it began. */
  isRevoked(s: {
    tenantId: string;
    userId: string;
    sessionId: string;
    issuedAt: number;
  }): Promise<boolean>;
}

export function createSessionRevocation(kv: Kv, maxSessionMs: number): SessionRevocation {
  const userKey = (t: string, u: string) => `session:revoked-before:${t}:${u}`;
  const idKey = (id: string) => `session:revoked:${id}`;
  return {
    async revokeUser(t, u, at) {
      await kv.set(userKey(t, u), String(at.getTime()), { ttlMs: maxSessionMs });
    },
    async revokeSession(id) {
      await kv.set(idKey(id), '1', { ttlMs: maxSessionMs });
    },
    async isRevoked(s) {
      const [before, one] = await Promise.all([
        kv.get(userKey(s.tenantId, s.userId)),
        kv.get(idKey(s.sessionId)),
      ]);
      return one !== undefined || (before !== undefined && s.issuedAt <= Number(before));
    },
  };
}
