/** Kysely table types of the lock-app package. */
import type { ColumnType, Generated } from 'kysely';
import type { Database } from '@sekisho/platform';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** bigint columns come back as strings from PostgreSQL. */
type BigStep = ColumnType<string, number | string, number | string>;

export interface LockVapidKeysTable {
  tenant_id: string;
  /** base64url of the uncompressed P-256 point, as PushManager.subscribe wants it. */
  public_key: string;
  private_key_sealed: string;
  created_at: CreatedAt;
}

export interface LockDevicesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  /** JSON of the device's public JWK (EC P-256). */
  public_key_jwk: string;
  /** JSON of the PushSubscription, null when none (pull only) or removed after a 404/410. */
  push_subscription: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

export interface LockTotpTable {
  tenant_id: string;
  user_id: string;
  /** The active secret (base32), sealed; null until a setup is confirmed. */
  secret_sealed: string | null;
  confirmed: Generated<boolean>;
  /** A setup in progress; becomes the active secret on confirmation. */
  pending_secret_sealed: string | null;
  /** The last TOTP time step accepted; a step at or before it is refused (replay). */
  last_step: BigStep | null;
  confirmed_at: Timestamp | null;
}

export interface LockEmergencyCodesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  code_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface LockSettingsTable {
  tenant_id: string;
  lock_on_report: Generated<boolean>;
  email_otp_allowed: Generated<boolean>;
  approval_ttl_seconds: Generated<number>;
  emergency_code_hours: Generated<number>;
  updated_at: CreatedAt;
}

export interface LockDatabase extends Database {
  lock_vapid_keys: LockVapidKeysTable;
  lock_devices: LockDevicesTable;
  lock_totp: LockTotpTable;
  lock_emergency_codes: LockEmergencyCodesTable;
  lock_settings: LockSettingsTable;
}
