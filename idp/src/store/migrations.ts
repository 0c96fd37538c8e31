/** The idp package's tables: signing keys (sealed) and registered applications. */
import { runStatements, type Migration } from '@sekisho/platform';

export const idpMigrations: readonly Migration[] = [
  {
    name: 'idp-001-keys-applications',
    async up(db) {
      await runStatements(db, [
        `CREATE TABLE signing_keys (
          kid text PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          use text NOT NULL CHECK (use IN ('oidc-RS256','oidc-ES256','saml')),
          private_key_sealed text NOT NULL,
          public_jwk jsonb NOT NULL,
          certificate_pem text,
          created_at timestamptz NOT NULL DEFAULT now(),
          retired_at timestamptz
        )`,
        `CREATE INDEX signing_keys_tenant_use ON signing_keys (tenant_id, use, created_at DESC)`,
        `CREATE TABLE applications (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          kind text NOT NULL CHECK (kind IN ('oidc','saml','wsfed')),
          name text NOT NULL,
          lookup_key text NOT NULL,
          config jsonb NOT NULL,
          enabled boolean NOT NULL DEFAULT true,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, kind, lookup_key)
        )`,
      ]);
    },
  },
];
