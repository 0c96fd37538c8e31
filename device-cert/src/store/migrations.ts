/**
 * The device-cert package's tables: one CA per tenant (key sealed with the master key), the
 * certificates it issued, and one-time PKCS#12 downloads (only hashes of token and password).
 */
import { runStatements, type Migration } from '@sekisho/platform';

export const deviceCertMigrations: readonly Migration[] = [
  {
    name: 'device-cert-001-ca-certificates-downloads',
    async up(db) {
      await runStatements(db, [
        `CREATE TABLE device_cas (
          tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
          certificate_pem text NOT NULL,
          private_key_sealed text NOT NULL,
          serial_counter bigint NOT NULL DEFAULT 0,
          crl_number bigint NOT NULL DEFAULT 0,
          crl_pem text,
          crl_this_update timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE device_certificates (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          serial text NOT NULL,
          os text NOT NULL,
          device_id_type text NOT NULL,
          device_id text NOT NULL,
          description text NOT NULL DEFAULT '',
          login_type text NOT NULL CHECK (login_type IN ('personal','passwordless','shared')),
          status text NOT NULL CHECK (status IN
            ('not_downloaded','downloaded','in_use','revoked','expired','replacing')),
          not_before timestamptz NOT NULL,
          not_after timestamptz NOT NULL,
          certificate_pem text NOT NULL,
          fingerprint_sha256 text NOT NULL,
          private_key_sealed text,
          revoked_at timestamptz,
          revocation_reason text,
          created_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, serial)
        )`,
        `CREATE INDEX device_certificates_user ON device_certificates (tenant_id, user_id)`,
        `CREATE INDEX device_certificates_status ON device_certificates (tenant_id, status)`,
        `CREATE TABLE device_cert_downloads (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          certificate_id uuid NOT NULL REFERENCES device_certificates(id) ON DELETE CASCADE,
          token_hash text NOT NULL UNIQUE,
          password_hash text NOT NULL,
          expires_at timestamptz NOT NULL,
          downloads_left integer NOT NULL CHECK (downloads_left >= 0),
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
      ]);
    },
  },
];
