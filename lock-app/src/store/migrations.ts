/**
 * The lock-app package's tables: the tenant's VAPID key pair (private key sealed with the
 * master key), one Lock device per user, TOTP secrets (sealed), emergency codes (hashes only)
 * and per-tenant Lock settings. Pending approvals are not here: they live only in the shared
 * ephemeral store, with a TTL.
 */
import { runStatements, type Migration } from '@sekisho/platform';

export const lockMigrations: readonly Migration[] = [
  {
    name: 'lock-001-vapid-devices-totp-codes-settings',
    async up(db) {
      await runStatements(db, [
        `CREATE TABLE lock_vapid_keys (
          tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
          public_key text NOT NULL,
          private_key_sealed text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE lock_devices (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          name text NOT NULL,
          public_key_jwk text NOT NULL,
          push_subscription text,
          created_at timestamptz NOT NULL,
          last_used_at timestamptz,
          UNIQUE (tenant_id, user_id)
        )`,
        `CREATE TABLE lock_totp (
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          secret_sealed text,
          confirmed boolean NOT NULL DEFAULT false,
          pending_secret_sealed text,
          last_step bigint,
          confirmed_at timestamptz,
          PRIMARY KEY (tenant_id, user_id)
        )`,
        `CREATE TABLE lock_emergency_codes (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          code_hash text NOT NULL,
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          created_at timestamptz NOT NULL
        )`,
        `CREATE INDEX lock_emergency_codes_user ON lock_emergency_codes (tenant_id, user_id)`,
        `CREATE TABLE lock_settings (
          tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
          lock_on_report boolean NOT NULL DEFAULT false,
          email_otp_allowed boolean NOT NULL DEFAULT false,
          approval_ttl_seconds integer NOT NULL DEFAULT 60
            CHECK (approval_ttl_seconds BETWEEN 15 AND 600),
          emergency_code_hours integer NOT NULL DEFAULT 24
            CHECK (emergency_code_hours BETWEEN 1 AND 720),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
      ]);
    },
  },
];
