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
  {
    name: 'device-cert-002-lifecycle-anchors-settings',
    async up(db) {
      await runStatements(db, [
        `ALTER TABLE device_certificates DROP CONSTRAINT device_certificates_status_check`,
        `ALTER TABLE device_certificates ADD CONSTRAINT device_certificates_status_check
          CHECK (status IN ('not_downloaded','downloaded','in_use','revoked','expired',
            'replacing','renewed','suspended'))`,
        `ALTER TABLE device_certificates
          ADD COLUMN last_used_at timestamptz,
          ADD COLUMN last_used_ip text,
          ADD COLUMN replacing_since timestamptz,
          ADD COLUMN suspended_at timestamptz,
          ADD COLUMN renewed_from uuid REFERENCES device_certificates(id) ON DELETE SET NULL,
          ADD COLUMN mail_status text NOT NULL DEFAULT 'none'
            CHECK (mail_status IN ('none','queued','sending','sent','failed')),
          ADD COLUMN mail_locale text CHECK (mail_locale IN ('ja','en')),
          ADD COLUMN mail_error text,
          ADD COLUMN mail_queued_at timestamptz,
          ADD COLUMN mail_sent_at timestamptz,
          ADD COLUMN reminder_sent_at timestamptz`,
        `CREATE INDEX device_certificates_mail ON device_certificates (mail_status, mail_queued_at)
          WHERE mail_status IN ('queued','sending')`,
        `CREATE INDEX device_certificates_not_after ON device_certificates (not_after)`,
        `CREATE TABLE device_cert_settings (
          tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
          validity_days integer NOT NULL DEFAULT 365,
          auto_suspend_copies boolean NOT NULL DEFAULT false,
          download_limit integer NOT NULL DEFAULT 3,
          download_hours integer NOT NULL DEFAULT 72,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE device_cert_anchors (
          id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          name text NOT NULL,
          certificate_pem text NOT NULL,
          fingerprint_sha256 text NOT NULL,
          subject text NOT NULL,
          not_after timestamptz NOT NULL,
          login_type text NOT NULL CHECK (login_type IN ('personal','passwordless','shared')),
          user_match text NOT NULL CHECK (user_match IN ('email','login_id')),
          created_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, fingerprint_sha256)
        )`,
      ]);
    },
  },
  {
    // A certificate row deleted while it could still be valid (its user was deleted) moves to
    // device_cert_withdrawn, so the CRL keeps listing it until its notAfter, and the stored
    // CRL is marked stale so the next read reissues it. A trigger covers every way a user is
    // deleted (admin API, CLI, imports); a deleted tenant takes everything with it.
    name: 'device-cert-003-withdrawn-certificates',
    async up(db) {
      await runStatements(db, [
        `CREATE TABLE device_cert_withdrawn (
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          serial text NOT NULL,
          not_after timestamptz NOT NULL,
          revoked_at timestamptz NOT NULL,
          revocation_reason text NOT NULL,
          PRIMARY KEY (tenant_id, serial)
        )`,
        `CREATE FUNCTION device_cert_withdraw() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.not_after > now() AND EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id) THEN
            INSERT INTO device_cert_withdrawn
              (tenant_id, serial, not_after, revoked_at, revocation_reason)
            VALUES (
              OLD.tenant_id, OLD.serial, OLD.not_after,
              CASE WHEN OLD.status = 'revoked' THEN coalesce(OLD.revoked_at, now()) ELSE now() END,
              CASE WHEN OLD.status = 'revoked' THEN coalesce(OLD.revocation_reason, 'unspecified')
                ELSE 'cessationOfOperation' END)
            ON CONFLICT DO NOTHING;
            UPDATE device_cas SET crl_this_update = NULL WHERE tenant_id = OLD.tenant_id;
          END IF;
          RETURN OLD;
        END $$`,
        `CREATE TRIGGER device_certificates_withdraw AFTER DELETE ON device_certificates
          FOR EACH ROW EXECUTE FUNCTION device_cert_withdraw()`,
      ]);
    },
  },
  {
    // The CRL of a trust anchor: its summary on the anchor row (read with the anchor at every
    // verification), the revoked serials one row each, so a verification is one primary-key
    // lookup. Removing the anchor removes both.
    name: 'device-cert-004-anchor-crls',
    async up(db) {
      await runStatements(db, [
        `ALTER TABLE device_cert_anchors
          ADD COLUMN crl_this_update timestamptz,
          ADD COLUMN crl_next_update timestamptz,
          ADD COLUMN crl_number text CHECK (crl_number ~ '^[0-9]+$'),
          ADD COLUMN crl_revoked_count integer,
          ADD CONSTRAINT device_cert_anchors_crl_check CHECK (
            (crl_this_update IS NULL) = (crl_revoked_count IS NULL))`,
        `CREATE TABLE device_cert_anchor_revoked (
          anchor_id uuid NOT NULL REFERENCES device_cert_anchors(id) ON DELETE CASCADE,
          tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          serial text NOT NULL,
          PRIMARY KEY (anchor_id, serial)
        )`,
      ]);
    },
  },
  {
    // Where the anchor's CRL is fetched from (its distribution point) and the last fetch's
    // outcome, shown to admins; crl_fetch_ok false marks a failure streak (audited once).
    name: 'device-cert-005-anchor-crl-url',
    async up(db) {
      await runStatements(db, [
        `ALTER TABLE device_cert_anchors
          ADD COLUMN crl_url text,
          ADD COLUMN crl_fetch_at timestamptz,
          ADD COLUMN crl_fetch_ok boolean,
          ADD COLUMN crl_fetch_error text,
          ADD CONSTRAINT device_cert_anchors_crl_fetch_check
            CHECK ((crl_fetch_at IS NULL) = (crl_fetch_ok IS NULL))`,
        `CREATE INDEX device_cert_anchors_crl_url ON device_cert_anchors (id)
          WHERE crl_url IS NOT NULL`,
      ]);
    },
  },
];
