/**
 * The one ordered list of schema migrations, PostgreSQL dialect, shared by PGlite and the
 * PostgreSQL server. Each package appends its migrations under its own name prefix; a
 * migration never changes once released (add a new one instead).
 */
import { sql, type Kysely } from 'kysely';

/** Runs statements one by one: PGlite's extended protocol takes one statement per query. */
export async function runStatements(db: Kysely<unknown>, statements: readonly string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export interface Migration {
  /** Unique and sortable: `<package>-<nnn>-<what>`; applied in array order. */
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

export const platformMigrations: readonly Migration[] = [
  {
    name: 'platform-001-tenants-users',
    async up(db) {
      await runStatements(db, [
        `CREATE TABLE tenants (
          id uuid PRIMARY KEY,
          slug text NOT NULL UNIQUE,
          name text NOT NULL,
          status text NOT NULL CHECK (status IN ('active','suspended','ended')),
          verified_domains jsonb NOT NULL DEFAULT '[]',
          max_users integer NOT NULL CHECK (max_users >= 0),
          max_device_certs integer NOT NULL CHECK (max_device_certs >= 0),
          time_zone text NOT NULL DEFAULT 'Asia/Tokyo',
          default_locale text NOT NULL DEFAULT 'ja' CHECK (default_locale IN ('ja','en')),
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE users (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          login_id text NOT NULL,
          email text NOT NULL,
          display_name text NOT NULL,
          status text NOT NULL CHECK (status IN ('active','suspended','locked')),
          locale text CHECK (locale IN ('ja','en')),
          attributes jsonb NOT NULL DEFAULT '{}',
          password_hash text,
          must_change_password boolean NOT NULL DEFAULT false,
          password_changed_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, login_id)
        )`,
        `CREATE TABLE groups (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          name text NOT NULL,
          description text NOT NULL DEFAULT '',
          created_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, name)
        )`,
        `CREATE TABLE group_members (
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          PRIMARY KEY (group_id, user_id)
        )`,
        `CREATE INDEX group_members_user ON group_members (user_id)`,
        `CREATE TABLE admins (
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          role text NOT NULL CHECK (role IN ('global_admin','device_cert_admin','transfer_admin','read_only_admin')),
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, user_id)
        )`,
        `CREATE TABLE api_tokens (
          id uuid PRIMARY KEY,
          tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
          name text NOT NULL,
          token_hash text NOT NULL UNIQUE,
          role text NOT NULL,
          created_by text,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz,
          last_used_at timestamptz,
          revoked_at timestamptz
        )`,
        `CREATE TABLE password_resets (
          token_hash text PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE import_jobs (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          kind text NOT NULL,
          rejected_csv text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
      ]);
    },
  },
  {
    name: 'platform-002-audit',
    async up(db) {
      // Append-only: rows are never updated; only the retention purge deletes old rows.
      await runStatements(db, [
        `CREATE TABLE audit_events (
          id bigserial PRIMARY KEY,
          tenant_id uuid,
          at timestamptz NOT NULL,
          actor_type text NOT NULL,
          actor_id text,
          actor_name text,
          action text NOT NULL,
          target_type text,
          target_id text,
          result text NOT NULL,
          reason text,
          ip text,
          user_agent text,
          request_id text,
          reference text,
          details jsonb NOT NULL DEFAULT '{}'
        )`,
        `CREATE INDEX audit_events_tenant_at ON audit_events (tenant_id, at DESC, id DESC)`,
        `CREATE INDEX audit_events_reference ON audit_events (reference) WHERE reference IS NOT NULL`,
        `CREATE FUNCTION audit_events_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_events is append-only';
        END $$`,
        `CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
          FOR EACH ROW EXECUTE FUNCTION audit_events_no_update()`,
      ]);
    },
  },
];
