/** Tenant administrators: users of the tenant holding one admin role each. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SekishoError, ValidationError } from '../errors.ts';
import { isAdminRole, type AdminRole } from './roles.ts';

export interface AdminGrant {
  userId: string;
  loginId: string;
  displayName: string;
  role: AdminRole;
  createdAt: Date;
}

export interface AdminService {
  grant(tenantId: string, userId: string, role: string): Promise<AdminGrant>;
  revoke(tenantId: string, userId: string): Promise<boolean>;
  list(tenantId: string): Promise<AdminGrant[]>;
  roleOf(tenantId: string, userId: string): Promise<AdminRole | undefined>;
}

export function createAdminService(db: Kysely<Database>): AdminService {
  const select = (tenantId: string) =>
    db
      .selectFrom('admins')
      .innerJoin('users', 'users.id', 'admins.user_id')
      .select([
        'admins.user_id',
        'users.login_id',
        'users.display_name',
        'admins.role',
        'admins.created_at',
      ])
      .where('admins.tenant_id', '=', tenantId);
  const toGrant = (r: {
    user_id: string;
    login_id: string;
    display_name: string;
    role: AdminRole;
    created_at: Date;
  }) => ({
    userId: r.user_id,
    loginId: r.login_id,
    displayName: r.display_name,
    role: r.role,
    createdAt: r.created_at,
  });
  return {
    async grant(tenantId, userId, role) {
      if (!isAdminRole(role)) {
        throw new ValidationError([
          {
            field: 'role',
            message: 'must be global_admin, device_cert_admin, transfer_admin or read_only_admin',
          },
        ]);
      }
      const user = await db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
      await db
        .insertInto('admins')
        .values({ tenant_id: tenantId, user_id: userId, role })
        .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ role }))
        .execute();
      return toGrant(
        await select(tenantId).where('admins.user_id', '=', userId).executeTakeFirstOrThrow(),
      );
    },
    async revoke(tenantId, userId) {
      return db.transaction().execute(async (trx) => {
        const target = await trx
          .selectFrom('admins')
          .select('role')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (!target) return false;
        if (target.role === 'global_admin') {
          const n = await trx
            .selectFrom('admins')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('tenant_id', '=', tenantId)
            .where('role', '=', 'global_admin')
            .executeTakeFirstOrThrow();
          if (Number(n.n) <= 1)
            throw new SekishoError('ERR_CONFLICT', 'the last global admin cannot be removed');
        }
        await trx
          .deleteFrom('admins')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .execute();
        return true;
      });
    },
    async list(tenantId) {
      return (await select(tenantId).orderBy('users.login_id').execute()).map(toGrant);
    },
    async roleOf(tenantId, userId) {
      const r = await db
        .selectFrom('admins')
        .select('role')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return r?.role;
    },
  };
}
