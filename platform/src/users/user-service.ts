/**
 * Users of a tenant: login ID (an email, case-insensitive), display name, status, groups
 * and custom attributes. The contracted user-ID count is enforced inside the transaction
 * that inserts, under a row lock on the tenant, so concurrent requests on any node can
 * never exceed it; a request beyond it changes nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, UserRow } from '../db/schema.ts';
import { SekishoError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import { checkUserInput, normalizeLoginId, type UserInput } from './user-input.ts';

export interface User {
  id: string;
  tenantId: string;
  loginId: string;
  email: string;
  displayName: string;
  status: UserRow['status'];
  locale: 'ja' | 'en' | null;
  attributes: Record<string, string>;
  groups: string[];
  mustChangePassword: boolean;
  hasPassword: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type UserPatch = Partial<Omit<UserInput, 'password' | 'loginId'>> & {
  loginId?: string | undefined;
};

export interface UserListFilter {
  q?: string | undefined;
  status?: UserRow['status'] | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** The outcome of one row of a bulk create: applied, or refused with its reasons. */
export type BulkResult =
  { ok: true; index: number; user: User } | { ok: false; index: number; reasons: string[] };

export interface UserService {
  create(tenantId: string, input: UserInput, passwordHash?: string): Promise<User>;
  /** Applies the valid rows in order until the contracted count; reports every other row. */
  createMany(tenantId: string, inputs: readonly UserInput[]): Promise<BulkResult[]>;
  get(tenantId: string, id: string): Promise<User | undefined>;
  getByLoginId(tenantId: string, loginId: string): Promise<User | undefined>;
  /** The stored password hash, for the login service only. */
  getPasswordHash(tenantId: string, id: string): Promise<string | null | undefined>;
  list(tenantId: string, filter?: UserListFilter): Promise<{ users: User[]; total: number }>;
  update(tenantId: string, id: string, patch: UserPatch): Promise<User>;
  setStatus(tenantId: string, id: string, status: UserRow['status']): Promise<User>;
  setPassword(tenantId: string, id: string, hash: string, mustChange: boolean): Promise<void>;
  requirePasswordChange(tenantId: string, id: string): Promise<User>;
  delete(tenantId: string, id: string): Promise<boolean>;
  count(tenantId: string): Promise<number>;
}

async function groupsOf(db: Kysely<Database>, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (!userIds.length) return map;
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['group_members.user_id', 'groups.name'])
    .where('group_members.user_id', 'in', userIds)
    .orderBy('groups.name')
    .execute();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.name]);
  return map;
}

function toUser(r: UserRow, groups: string[]): User {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    loginId: r.login_id,
    email: r.email,
    displayName: r.display_name,
    status: r.status,
    locale: r.locale,
    attributes: r.attributes,
    groups,
    mustChangePassword: r.must_change_password,
    hasPassword: r.password_hash !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function lockTenant(trx: Transaction<Database>, tenantId: string): Promise<number> {
  const t = await trx
    .selectFrom('tenants')
    .select(['max_users', 'status'])
    .where('id', '=', tenantId)
    .forUpdate()
    .executeTakeFirst();
  if (!t) throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
  if (t.status !== 'active') throw new SekishoError('ERR_TENANT_INACTIVE', 'tenant is not active');
  return t.max_users;
}

async function resolveGroups(
  db: Kysely<Database>,
  tenantId: string,
  names: readonly string[],
): Promise<{ ids: string[]; missing: string[] }> {
  const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (!unique.length) return { ids: [], missing: [] };
  const rows = await db
    .selectFrom('groups')
    .select(['id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('name', 'in', unique)
    .execute();
  const found = new Set(rows.map((r) => r.name));
  return { ids: rows.map((r) => r.id), missing: unique.filter((n) => !found.has(n)) };
}

async function insertUser(
  trx: Transaction<Database>,
  tenantId: string,
  input: UserInput,
  groupIds: string[],
  passwordHash: string | undefined,
): Promise<UserRow | undefined> {
  const loginId = normalizeLoginId(input.loginId);
  const row = await trx
    .insertInto('users')
    .values({
      id: newId(),
      tenant_id: tenantId,
      login_id: loginId,
      email: input.email?.trim() || loginId,
      display_name: input.displayName.trim(),
      status: input.status ?? 'active',
      locale: input.locale ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      password_hash: passwordHash ?? null,
      password_changed_at: passwordHash ? new Date() : null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'login_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row && groupIds.length) {
    await trx
      .insertInto('group_members')
      .values(groupIds.map((g) => ({ tenant_id: tenantId, group_id: g, user_id: row.id })))
      .execute();
  }
  return row;
}

export function createUserService(db: Kysely<Database>): UserService {
  const countIn = async (q: Kysely<Database>, tenantId: string) => {
    const r = await q
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };
  const load = async (tenantId: string, where: 'id' | 'login_id', value: string) => {
    const r = await db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(where, '=', value)
      .executeTakeFirst();
    return r && toUser(r, (await groupsOf(db, [r.id])).get(r.id) ?? []);
  };
  const mustLoad = async (tenantId: string, id: string) => {
    const u = await load(tenantId, 'id', id);
    if (!u) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
    return u;
  };

  const service: UserService = {
    async create(tenantId, input, passwordHash) {
      const problems = checkUserInput(input, true);
      if (problems.length) throw new ValidationError(problems);
      const row = await db.transaction().execute(async (trx) => {
        const max = await lockTenant(trx, tenantId);
        if ((await countIn(trx, tenantId)) >= max) {
          throw new SekishoError('ERR_TENANT_USER_LIMIT', 'contracted user-ID count reached', {
            params: { max },
          });
        }
        const groups = await resolveGroups(trx, tenantId, input.groups ?? []);
        if (groups.missing.length) {
          throw new ValidationError([
            { field: 'groups', message: `unknown group(s): ${groups.missing.join(', ')}` },
          ]);
        }
        return insertUser(trx, tenantId, input, groups.ids, passwordHash);
      });
      if (!row) throw new SekishoError('ERR_USER_EXISTS', `login ID ${input.loginId} exists`);
      return mustLoad(tenantId, row.id);
    },

    async createMany(tenantId, inputs) {
      const results = await db.transaction().execute(async (trx) => {
        const max = await lockTenant(trx, tenantId);
        let count = await countIn(trx, tenantId);
        const out: Array<
          { ok: true; index: number; id: string } | { ok: false; index: number; reasons: string[] }
        > = [];
        for (const [index, input] of inputs.entries()) {
          const reasons = checkUserInput(input, true).map((p) => `${p.field}: ${p.message}`);
          const groups = await resolveGroups(trx, tenantId, input.groups ?? []);
          if (groups.missing.length)
            reasons.push(`groups: unknown group(s): ${groups.missing.join(', ')}`);
          if (!reasons.length && count >= max)
            reasons.push(`contracted user-ID count (${max}) reached`);
          if (reasons.length) {
            out.push({ ok: false, index, reasons });
            continue;
          }
          const row = await insertUser(trx, tenantId, input, groups.ids, undefined);
          if (!row)
            out.push({
              ok: false,
              index,
              reasons: [`loginId: ${normalizeLoginId(input.loginId)} already exists`],
            });
          else {
            count += 1;
            out.push({ ok: true, index, id: row.id });
          }
        }
        return out;
      });
      return Promise.all(
        results.map(async (r) =>
          r.ok ? { ok: true as const, index: r.index, user: await mustLoad(tenantId, r.id) } : r,
        ),
      );
    },

    get: (tenantId, id) => load(tenantId, 'id', id),
    getByLoginId: (tenantId, loginId) => load(tenantId, 'login_id', normalizeLoginId(loginId)),

    async getPasswordHash(tenantId, id) {
      const r = await db
        .selectFrom('users')
        .select('password_hash')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r?.password_hash;
    },

    async list(tenantId, f = {}) {
      let q = db.selectFrom('users').where('tenant_id', '=', tenantId);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.q) {
        const like = `%${f.q.toLowerCase().replace(/[%_\\]/g, '')}%`;
        q = q.where((eb) =>
          eb.or([eb('login_id', 'like', like), eb(eb.fn('lower', ['display_name']), 'like', like)]),
        );
      }
      const total = await q
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      const rows = await q
        .selectAll()
        .orderBy('login_id')
        .limit(Math.min(f.limit ?? 100, 1000))
        .offset(f.offset ?? 0)
        .execute();
      const groups = await groupsOf(
        db,
        rows.map((r) => r.id),
      );
      return { users: rows.map((r) => toUser(r, groups.get(r.id) ?? [])), total: Number(total.n) };
    },

    async update(tenantId, id, patch) {
      const problems = checkUserInput(patch, false);
      if (problems.length) throw new ValidationError(problems);
      await db
        .transaction()
        .execute(async (trx) => {
          const res = await trx
            .updateTable('users')
            .set({
              ...(patch.loginId !== undefined && { login_id: normalizeLoginId(patch.loginId) }),
              ...(patch.displayName !== undefined && { display_name: patch.displayName.trim() }),
              ...(patch.email !== undefined && { email: patch.email.trim() }),
              ...(patch.locale !== undefined && { locale: patch.locale }),
              ...(patch.status !== undefined && { status: patch.status }),
              ...(patch.attributes !== undefined && {
                attributes: JSON.stringify(patch.attributes),
              }),
              updated_at: new Date(),
            })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .executeTakeFirst();
          if (!Number(res.numUpdatedRows))
            throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
          if (patch.groups !== undefined) {
            const groups = await resolveGroups(trx, tenantId, patch.groups);
            if (groups.missing.length) {
              throw new ValidationError([
                { field: 'groups', message: `unknown group(s): ${groups.missing.join(', ')}` },
              ]);
            }
            await trx.deleteFrom('group_members').where('user_id', '=', id).execute();
            if (groups.ids.length) {
              await trx
                .insertInto('group_members')
                .values(groups.ids.map((g) => ({ tenant_id: tenantId, group_id: g, user_id: id })))
                .execute();
            }
          }
        })
        .catch((err: unknown) => {
          if ((err as { code?: string }).code === '23505') {
            throw new SekishoError('ERR_USER_EXISTS', 'another user has this login ID');
          }
          throw err;
        });
      return mustLoad(tenantId, id);
    },

    async setStatus(tenantId, id, status) {
      const res = await db
        .updateTable('users')
        .set({ status, updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!Number(res.numUpdatedRows)) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
      return mustLoad(tenantId, id);
    },

    async setPassword(tenantId, id, hash, mustChange) {
      const res = await db
        .updateTable('users')
        .set({
          password_hash: hash,
          must_change_password: mustChange,
          password_changed_at: new Date(),
          updated_at: new Date(),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!Number(res.numUpdatedRows)) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
    },

    async requirePasswordChange(tenantId, id) {
      const res = await db
        .updateTable('users')
        .set({ must_change_password: true, updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!Number(res.numUpdatedRows)) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
      return mustLoad(tenantId, id);
    },

    async delete(tenantId, id) {
      const res = await db
        .deleteFrom('users')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    count: (tenantId) => countIn(db, tenantId),
  };
  return service;
}
