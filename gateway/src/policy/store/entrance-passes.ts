/**
 * Entrance passes: a long-lived random cookie bound to one browser, issued at a successful
 * sign-in when the tenant's issuance condition holds (typically: at the office). Only its
 * SHA-256 is stored. Admins list and revoke passes; users see their own.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SekishoError, hashOpaqueToken, newOpaqueToken, type Clock } from '@sekisho/platform';
import type { PolicyDatabase } from './tables.ts';

export interface EntrancePass {
  id: string;
  userId: string;
  issuedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function createEntrancePassStore(db: Kysely<PolicyDatabase>, clock: Clock) {
  const toPass = (r: Awaited<ReturnType<typeof selectOne>>): EntrancePass | undefined =>
    r && {
      id: r.id,
      userId: r.user_id,
      issuedAt: r.issued_at,
      expiresAt: r.expires_at,
      ip: r.ip,
      userAgent: r.user_agent,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    };
  const selectOne = (tenantId: string, hash: string) =>
    db
      .selectFrom('entrance_passes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('token_hash', '=', hash)
      .executeTakeFirst();
  return {
    async issue(
      tenantId: string,
      userId: string,
      lifetimeDays: number,
      origin: { ip?: string; userAgent?: string },
    ) {
      const { token, hash } = newOpaqueToken('skp');
      const now = clock.now();
      await db
        .insertInto('entrance_passes')
        .values({
          id: randomUUID(),
          tenant_id: tenantId,
          user_id: userId,
          token_hash: hash,
          issued_at: now,
          expires_at: new Date(now.getTime() + lifetimeDays * 86_400_000),
          ip: origin.ip ?? null,
          user_agent: origin.userAgent?.slice(0, 512) ?? null,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      return { token, maxAgeSeconds: lifetimeDays * 86_400 };
    },
    /** The live pass this cookie value names in this tenant, or undefined. */
    async find(tenantId: string, token: string | undefined): Promise<EntrancePass | undefined> {
      if (!token || !/^skp_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const pass = toPass(await selectOne(tenantId, hashOpaqueToken(token)));
      if (!pass || pass.revokedAt || pass.expiresAt <= clock.now()) return undefined;
      return pass;
    },
    async list(tenantId: string, userId?: string): Promise<EntrancePass[]> {
      let q = db.selectFrom('entrance_passes').selectAll().where('tenant_id', '=', tenantId);
      if (userId) q = q.where('user_id', '=', userId);
      return (await q.orderBy('issued_at', 'desc').limit(1000).execute()).map((r) => toPass(r)!);
    },
    async revoke(tenantId: string, id: string): Promise<void> {
      const res = await db
        .updateTable('entrance_passes')
        .set({ revoked_at: clock.now() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!Number(res.numUpdatedRows))
        throw new SekishoError('ERR_NOT_FOUND', 'no such live entrance pass');
    },
  };
}

export type EntrancePassStore = ReturnType<typeof createEntrancePassStore>;
