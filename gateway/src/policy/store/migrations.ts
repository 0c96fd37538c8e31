/** Tables of the access policy: IP sets, policy groups, assignments, settings, entrance passes. */
import { runStatements, type Migration } from '@sekisho/platform';

export const policyMigrations: readonly Migration[] = [
  {
    name: 'gateway-001-policy',
    async up(db) {
      await runStatements(db, [
        `CREATE TABLE ip_sets (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          identifier text NOT NULL,
          name text NOT NULL,
          entries jsonb NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, identifier)
        )`,
        `CREATE TABLE policy_groups (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          name text NOT NULL,
          is_default boolean NOT NULL DEFAULT false,
          applications jsonb NOT NULL,
          allow_condition text NOT NULL,
          skip_condition text NOT NULL,
          factors jsonb NOT NULL,
          login_lifetime_hours integer NOT NULL CHECK (login_lifetime_hours BETWEEN 0 AND 744),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, name)
        )`,
        `CREATE UNIQUE INDEX policy_groups_one_default ON policy_groups (tenant_id) WHERE is_default`,
        `CREATE TABLE policy_assignments (
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          policy_group_id uuid NOT NULL REFERENCES policy_groups(id) ON DELETE CASCADE,
          PRIMARY KEY (tenant_id, user_id)
        )`,
        `CREATE TABLE policy_settings (
          tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
          pass_issuance_condition text NOT NULL DEFAULT 'false',
          pass_lifetime_days integer NOT NULL DEFAULT 365
        )`,
        `CREATE TABLE entrance_passes (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          token_hash text NOT NULL UNIQUE,
          issued_at timestamptz NOT NULL,
          expires_at timestamptz NOT NULL,
          ip text,
          user_agent text,
          last_used_at timestamptz,
          revoked_at timestamptz
        )`,
        `CREATE INDEX entrance_passes_user ON entrance_passes (tenant_id, user_id)`,
      ]);
    },
  },
  {
    name: 'gateway-002-policy-group-rules',
    async up(db) {
      await runStatements(db, [
        `ALTER TABLE policy_groups
          ADD COLUMN member_groups jsonb NOT NULL DEFAULT '[]',
          ADD COLUMN rule_priority integer NOT NULL DEFAULT 0`,
      ]);
    },
  },
];
