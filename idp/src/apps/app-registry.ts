/**
 * Registered applications of a tenant: OIDC clients, SAML service providers and
 * WS-Federation relying parties. Each kind has a validator that parses the admin's input
 * into a typed config when saved (runtime code never sees raw JSON) and names the key it is
 * looked up by (client_id, SP entityID, realm).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SekishoError, ValidationError } from '@sekisho/platform';
import type { IdpDatabase } from '../store/tables.ts';

export type AppKind = 'oidc' | 'saml' | 'wsfed';

export interface AppKindSpec<C> {
  kind: AppKind;
  /** Parses and checks the config; throws ValidationError naming each bad field. */
  validate(raw: unknown): C;
  lookupKey(config: C): string;
}

export interface Application<C = unknown> {
  id: string;
  tenantId: string;
  kind: AppKind;
  name: string;
  lookupKey: string;
  config: C;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface AppRegistry {
  create<C>(
    tenantId: string,
    spec: AppKindSpec<C>,
    name: string,
    raw: unknown,
  ): Promise<Application<C>>;
  update<C>(
    tenantId: string,
    spec: AppKindSpec<C>,
    id: string,
    patch: { name?: string; config?: unknown; enabled?: boolean },
  ): Promise<Application<C>>;
  get(tenantId: string, id: string): Promise<Application | undefined>;
  find<C>(tenantId: string, spec: AppKindSpec<C>, key: string): Promise<Application<C> | undefined>;
  list(tenantId: string, kind?: AppKind): Promise<Application[]>;
  delete(tenantId: string, id: string): Promise<boolean>;
}

type Row = {
  id: string;
  tenant_id: string;
  kind: AppKind;
  name: string;
  lookup_key: string;
  config: Record<string, unknown>;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
};

function toApp<C>(r: Row): Application<C> {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    kind: r.kind,
    name: r.name,
    lookupKey: r.lookup_key,
    config: r.config as C,
    enabled: r.enabled,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function checkName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 200)
    throw new ValidationError([{ field: 'name', message: 'must be 1-200 characters' }]);
  return n;
}

export function createAppRegistry(db: Kysely<IdpDatabase>): AppRegistry {
  const conflict = (err: unknown): never => {
    if ((err as { code?: string }).code === '23505')
      throw new SekishoError('ERR_CONFLICT', 'an application with this identifier exists');
    throw err;
  };
  return {
    async create(tenantId, spec, name, raw) {
      const config = spec.validate(raw);
      const row = await db
        .insertInto('applications')
        .values({
          id: randomUUID(),
          tenant_id: tenantId,
          kind: spec.kind,
          name: checkName(name),
          lookup_key: spec.lookupKey(config),
          config: JSON.stringify(config),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(conflict);
      return toApp(row);
    },
    async update(tenantId, spec, id, patch) {
      const current = await db
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('kind', '=', spec.kind)
        .executeTakeFirst();
      if (!current) throw new SekishoError('ERR_NOT_FOUND', 'no such application');
      const config = patch.config === undefined ? undefined : spec.validate(patch.config);
      const row = await db
        .updateTable('applications')
        .set({
          ...(patch.name !== undefined && { name: checkName(patch.name) }),
          ...(config !== undefined && {
            config: JSON.stringify(config),
            lookup_key: spec.lookupKey(config),
          }),
          ...(patch.enabled !== undefined && { enabled: patch.enabled }),
          updated_at: new Date(),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(conflict);
      return toApp(row);
    },
    async get(tenantId, id) {
      const r = await db
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toApp(r);
    },
    async find(tenantId, spec, key) {
      const r = await db
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', spec.kind)
        .where('lookup_key', '=', key)
        .executeTakeFirst();
      return r && toApp(r);
    },
    async list(tenantId, kind) {
      let q = db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId);
      if (kind) q = q.where('kind', '=', kind);
      return (await q.orderBy('name').execute()).map((r) => toApp(r));
    },
    async delete(tenantId, id) {
      const res = await db
        .deleteFrom('applications')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
