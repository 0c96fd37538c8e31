/**
 * Password-reset links: a random token of which only the hash is stored, valid for a limited
 * time, consumed by one conditional UPDATE so it works exactly once.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../clock.ts';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token.ts';

export function createResetTokens(db: Kysely<Database>, clock: Clock, ttlMs: number) {
  const live = (tenantId: string, token: string) =>
    db
      .selectFrom('password_resets')
      .select('user_id')
      .where('token_hash', '=', hashOpaqueToken(token))
      .where('tenant_id', '=', tenantId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', clock.now());
  return {
    async create(tenantId: string, userId: string): Promise<string> {
      const { token, hash } = newOpaqueToken('rst');
      const expires = new Date(clock.now().getTime() + ttlMs);
      await db
        .insertInto('password_resets')
        .values({ token_hash: hash, tenant_id: tenantId, user_id: userId, expires_at: expires })
        .execute();
      return token;
    },
    /** The user a live token belongs to; does not consume it. */
    async userOf(tenantId: string, token: string): Promise<string | undefined> {
      return (await live(tenantId, token).executeTakeFirst())?.user_id;
    },
    /** Marks the token used; false when it was not live (used meanwhile, or expired). */
    async consume(tenantId: string, token: string): Promise<boolean> {
      const used = await db
        .updateTable('password_resets')
        .set({ used_at: clock.now() })
        .where('token_hash', '=', hashOpaqueToken(token))
        .where('tenant_id', '=', tenantId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', clock.now())
        .returning('user_id')
        .executeTakeFirst();
      return used !== undefined;
    },
  };
}
