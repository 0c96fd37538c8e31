/**
 * Table types of the platform's own tables (tenants, users, groups, admins, tokens, resets,
 * audit). Other packages declare theirs in their own packages and extend `Database` through
 * their own Kysely instances (`db.withTables<...>()`).
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type WithDefault<T> = ColumnType<T, T | undefined, T>;
type JsonWithDefault<T> = ColumnType<T, string | undefined, string>;

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended' | 'ended';
  verified_domains: JsonWithDefault<string[]>;
  max_users: number;
  max_device_certs: number;
  time_zone: WithDefault<string>;
  default_locale: WithDefault<'ja' | 'en'>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  login_id: string;
  email: string;
  display_name: string;
  status: 'active' | 'suspended' | 'locked';
  locale: 'ja' | 'en' | null;
  attributes: JsonWithDefault<Record<string, string>>;
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  password_changed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  name: string;
  description: Generated<string>;
  created_at: CreatedAt;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  user_id: string;
}

export interface AdminsTable {
  tenant_id: string;
  user_id: string;
  role: 'global_admin' | 'device_cert_admin' | 'transfer_admin' | 'read_only_admin';
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: string;
  tenant_id: string | null;
  name: string;
  token_hash: string;
  role: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  tenant_id: string;
  user_id: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<string>;
  tenant_id: string | null;
  at: Timestamp;
  actor_type: 'user' | 'admin' | 'token' | 'operator' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: 'success' | 'failure' | 'allow' | 'deny' | 'challenge';
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  reference: string | null;
  details: JsonWithDefault<Record<string, unknown>>;
}

export interface ImportJobsTable {
  id: string;
  tenant_id: string;
  kind: string;
  rejected_csv: string;
  created_at: CreatedAt;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  admins: AdminsTable;
  api_tokens: ApiTokensTable;
  password_resets: PasswordResetsTable;
  audit_events: AuditEventsTable;
  import_jobs: ImportJobsTable;
}

export type TenantRow = Selectable<TenantsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AuditRow = Selectable<AuditEventsTable>;
