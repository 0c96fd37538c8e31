/** Groups of users within a tenant, named uniquely; membership is set per group or per user. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SekishoError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';

export interface Group {
  id: string;
  name: string;
  description: string;
  memberCount: number;
}

export interface GroupService {
  create(tenantId: string, name: string, description?: string): Promise<Group>;
  list(tenantId: string): Promise<Group[]>;
  get(tenantId: string, id: string): Promise<Group | undefined>;
  update(
    tenantId: string,
    id: string,
    patch: { name?: string; description?: string },
  ): Promise<Group>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Replaces the members with these user IDs (all must belong to the tenant). */
  setMembers(tenantId: string, id: string, userIds: readonly string[]): Promise<Group>;
  members(tenantId: string, id: string): Promise<string[]>;
}

function checkName(name: string): void {
  if (!name.trim() || name.length > 100 || /[;,\n\r]/.test(name)) {
    throw new ValidationError([
      { field: 'name', message: 'must be 1-100 characters without ; , or line breaks' },
    ]);
  }
}

export function createGroupService(db: Kysely<Database>): GroupService {
  const select = (tenantId: string) =>
    db
      .selectFrom('groups')
      .leftJoin('group_members', 'group_members.group_id', 'groups.id')
      .select(['groups.id', 'groups.name', 'groups.description'])
      .select((eb) => eb.fn.count<string>('group_members.user_id').as('n'))
      .where('groups.tenant_id', '=', tenantId)
      .groupBy(['groups.id', 'groups.name', 'groups.description']);
  const toGroup = (r: { id: string; name: string; description: string; n: string }): Group => ({
    id: r.id,
    name: r.name,
    description: r.description,
    memberCount: Number(r.n),
  });
  const mustGet = async (tenantId: string, id: string) => {
    const r = await select(tenantId).where('groups.id', '=', id).executeTakeFirst();
    if (!r) throw new SekishoError('ERR_GROUP_NOT_FOUND', 'no such group');
    return toGroup(r);
  };
  const uniqueViolation = (err: unknown) => {
    if ((err as { code?: string }).code === '23505') {
      throw new SekishoError('ERR_GROUP_EXISTS', 'a group with this name exists');
    }
    throw err;
  };

  return {
    async create(tenantId, name, description = '') {
      checkName(name);
      const id = newId();
      await db
        .insertInto('groups')
        .values({ id, tenant_id: tenantId, name: name.trim(), description })
        .execute()
        .catch(uniqueViolation);
      return mustGet(tenantId, id);
    },
    async list(tenantId) {
      return (await select(tenantId).orderBy('groups.name').execute()).map(toGroup);
    },
    async get(tenantId, id) {
      const r = await select(tenantId).where('groups.id', '=', id).executeTakeFirst();
      return r && toGroup(r);
    },
    async update(tenantId, id, patch) {
      if (patch.name !== undefined) checkName(patch.name);
      const res = await db
        .updateTable('groups')
        .set({
          ...(patch.name !== undefined && { name: patch.name.trim() }),
          ...(patch.description !== undefined && { description: patch.description }),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst()
        .catch(uniqueViolation);
      if (!Number(res.numUpdatedRows))
        throw new SekishoError('ERR_GROUP_NOT_FOUND', 'no such group');
      return mustGet(tenantId, id);
    },
    async delete(tenantId, id) {
      const res = await db
        .deleteFrom('groups')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async setMembers(tenantId, id, userIds) {
      const unique = [...new Set(userIds)];
      await db.transaction().execute(async (trx) => {
        const group = await trx
          .selectFrom('groups')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!group) throw new SekishoError('ERR_GROUP_NOT_FOUND', 'no such group');
        if (unique.length) {
          const found = await trx
            .selectFrom('users')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('id', 'in', unique)
            .execute();
          const known = new Set(found.map((r) => r.id));
          const missing = unique.filter((u) => !known.has(u));
          if (missing.length) {
            throw new ValidationError([
              { field: 'userIds', message: `unknown user(s): ${missing.join(', ')}` },
            ]);
          }
        }
        await trx.deleteFrom('group_members').where('group_id', '=', id).execute();
        if (unique.length) {
          await trx
            .insertInto('group_members')
            .values(unique.map((u) => ({ tenant_id: tenantId, group_id: id, user_id: u })))
            .execute();
        }
      });
      return mustGet(tenantId, id);
    },
    async members(tenantId, id) {
      const rows = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('tenant_id', '=', tenantId)
        .where('group_id', '=', id)
        .execute();
      return rows.map((r) => r.user_id);
    },
  };
}
