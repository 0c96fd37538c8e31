/**
 * Scoped API tokens for scripts: a tenant token carries one admin role; an operator token
 * (no tenant) acts across tenants. Only the token's SHA-256 is stored; the token is shown
 * once at creation.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SekishoError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Clock } from '../clock.ts';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token.ts';
import { isAdminRole, type AdminRole } from './roles.ts';

export interface ApiToken {
  id: string;
  tenantId: string | null;
  name: string;
  role: AdminRole | 'operator';
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiTokenService {
  create(input: {
    tenantId: string | null;
    name: string;
    role: string;
    createdBy?: string | null;
    expiresAt?: Date | null;
  }): Promise<{ token: string; record: ApiToken }>;
  /** The live token's record, or undefined when unknown, revoked or expired. */
  authenticate(token: string): Promise<ApiToken | undefined>;
  list(tenantId: string | null): Promise<ApiToken[]>;
  revoke(tenantId: string | null, id: string): Promise<boolean>;
}

type Row = {
  id: string;
  tenant_id: string | null;
  name: string;
  role: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
};
const toToken = (r: Row): ApiToken => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  role: r.role as ApiToken['role'],
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});
const COLUMNS = [
  'id',
  'tenant_id',
  'name',
  'role',
  'created_by',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
] as const;

export function createApiTokenService(db: Kysely<Database>, clock: Clock): ApiTokenService {
  return {
    async create(input) {
      const operator = input.tenantId === null;
      if (operator ? input.role !== 'operator' : !isAdminRole(input.role)) {
        throw new ValidationError([
          {
            field: 'role',
            message: operator ? "operator tokens have role 'operator'" : 'must be an admin role',
          },
        ]);
      }
      if (!input.name.trim() || input.name.length > 100) {
        throw new ValidationError([{ field: 'name', message: 'must be 1-100 characters' }]);
      }
      if (input.expiresAt && input.expiresAt <= clock.now()) {
        throw new ValidationError([{ field: 'expiresAt', message: 'must be in the future' }]);
      }
      const { token, hash } = newOpaqueToken(operator ? 'sko' : 'skt');
      const row = await db
        .insertInto('api_tokens')
        .values({
          id: newId(),
          tenant_id: input.tenantId,
          name: input.name.trim(),
          token_hash: hash,
          role: input.role,
          created_by: input.createdBy ?? null,
          expires_at: input.expiresAt ?? null,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return { token, record: toToken(row) };
    },
    async authenticate(token) {
      if (!/^sk[ot]_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const now = clock.now();
      const row = await db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('token_hash', '=', hashOpaqueToken(token))
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .returning(COLUMNS)
        .executeTakeFirst();
      return row && toToken(row);
    },
    async list(tenantId) {
      let q = db.selectFrom('api_tokens').select(COLUMNS);
      q =
        tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId);
      return (await q.orderBy('created_at', 'desc').execute()).map(toToken);
    },
    async revoke(tenantId, id) {
      let q = db
        .updateTable('api_tokens')
        .set({ revoked_at: clock.now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null);
      q =
        tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId);
      const res = await q.executeTakeFirst();
      if (!Number(res.numUpdatedRows))
        throw new SekishoError('ERR_NOT_FOUND', 'no such live token');
      return true;
    },
  };
}
