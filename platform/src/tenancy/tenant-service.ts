/**
 * Tenants: one company each, addressed by slug in every URL (`/t/{slug}`), with its contract
 * limits (user IDs and device certificates). Deleting a tenant deletes all of its data
 * (foreign keys cascade), as the terms require when a contract ends.
 */
import type { Kysely } from 'kysely';
import type { Database, TenantRow } from '../db/schema.ts';
import { SekishoError, ValidationError, type FieldProblem } from '../errors.ts';
import { newId } from '../ids.ts';

export interface TenantInput {
  slug: string;
  name: string;
  maxUsers?: number | undefined;
  maxDeviceCerts?: number | undefined;
  verifiedDomains?: string[] | undefined;
  timeZone?: string | undefined;
  defaultLocale?: 'ja' | 'en' | undefined;
}

export interface TenantPatch {
  name?: string | undefined;
  status?: TenantRow['status'] | undefined;
  maxUsers?: number | undefined;
  maxDeviceCerts?: number | undefined;
  verifiedDomains?: string[] | undefined;
  timeZone?: string | undefined;
  defaultLocale?: 'ja' | 'en' | undefined;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: TenantRow['status'];
  maxUsers: number;
  maxDeviceCerts: number;
  verifiedDomains: string[];
  timeZone: string;
  defaultLocale: 'ja' | 'en';
  createdAt: Date;
}

/** The free startup plan: up to 100 employees. */
export const DEFAULT_MAX_USERS = 100;
export const DEFAULT_MAX_DEVICE_CERTS = 100;

const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/;
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const RESERVED = new Set(['api', 'admin', 'operator', 'static', 'assets', 'healthz', 'readyz']);

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function check(input: TenantPatch & { slug?: string | undefined }): void {
  const problems: FieldProblem[] = [];
  if (input.slug !== undefined && (!SLUG_RE.test(input.slug) || RESERVED.has(input.slug))) {
    problems.push({
      field: 'slug',
      message: 'must be 3-40 lowercase letters, digits or hyphens, not reserved',
    });
  }
  if (input.name !== undefined && !input.name.trim()) {
    problems.push({ field: 'name', message: 'must not be empty' });
  }
  for (const [field, v] of [
    ['maxUsers', input.maxUsers],
    ['maxDeviceCerts', input.maxDeviceCerts],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 100_000)) {
      problems.push({ field, message: 'must be an integer from 0 to 100000' });
    }
  }
  for (const d of input.verifiedDomains ?? []) {
    if (!DOMAIN_RE.test(d))
      problems.push({ field: 'verifiedDomains', message: `'${d}' is not a domain name` });
  }
  if (input.timeZone !== undefined && !validTimeZone(input.timeZone)) {
    problems.push({ field: 'timeZone', message: 'must be an IANA time zone such as Asia/Tokyo' });
  }
  if (problems.length) throw new ValidationError(problems);
}

export function toTenant(r: TenantRow): Tenant {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    status: r.status,
    maxUsers: r.max_users,
    maxDeviceCerts: r.max_device_certs,
    verifiedDomains: r.verified_domains,
    timeZone: r.time_zone,
    defaultLocale: r.default_locale,
    createdAt: r.created_at,
  };
}

export interface TenantService {
  create(input: TenantInput): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  getBySlug(slug: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
  update(id: string, patch: TenantPatch): Promise<Tenant>;
  delete(id: string): Promise<boolean>;
}

export function createTenantService(db: Kysely<Database>): TenantService {
  return {
    async create(input) {
      const domains = (input.verifiedDomains ?? []).map((d) => d.toLowerCase());
      check({ ...input, verifiedDomains: domains });
      const row = await db
        .insertInto('tenants')
        .values({
          id: newId(),
          slug: input.slug,
          name: input.name.trim(),
          status: 'active',
          verified_domains: JSON.stringify(domains),
          max_users: input.maxUsers ?? DEFAULT_MAX_USERS,
          max_device_certs: input.maxDeviceCerts ?? DEFAULT_MAX_DEVICE_CERTS,
          time_zone: input.timeZone ?? 'Asia/Tokyo',
          default_locale: input.defaultLocale ?? 'ja',
        })
        .onConflict((oc) => oc.column('slug').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new SekishoError('ERR_CONFLICT', `tenant slug '${input.slug}' is taken`);
      return toTenant(row);
    },
    async get(id) {
      const r = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toTenant(r);
    },
    async getBySlug(slug) {
      const r = await db
        .selectFrom('tenants')
        .selectAll()
        .where('slug', '=', slug)
        .executeTakeFirst();
      return r && toTenant(r);
    },
    async list() {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('slug').execute();
      return rows.map(toTenant);
    },
    async update(id, patch) {
      const domains = patch.verifiedDomains?.map((d) => d.toLowerCase());
      check({ ...patch, verifiedDomains: domains });
      const row = await db
        .updateTable('tenants')
        .set({
          ...(patch.name !== undefined && { name: patch.name.trim() }),
          ...(patch.status !== undefined && { status: patch.status }),
          ...(patch.maxUsers !== undefined && { max_users: patch.maxUsers }),
          ...(patch.maxDeviceCerts !== undefined && { max_device_certs: patch.maxDeviceCerts }),
          ...(domains !== undefined && { verified_domains: JSON.stringify(domains) }),
          ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
          ...(patch.defaultLocale !== undefined && { default_locale: patch.defaultLocale }),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
      return toTenant(row);
    },
    async delete(id) {
      const res = await db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
