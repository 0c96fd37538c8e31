/** Kysely table types of the idp package. */
import type { ColumnType } from 'kysely';
import type { Database } from '@sekisho/platform';

type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SigningKeysTable {
  kid: string;
  tenant_id: string;
  use: 'oidc-RS256' | 'oidc-ES256' | 'saml';
  private_key_sealed: string;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  certificate_pem: string | null;
  created_at: CreatedAt;
  retired_at: Date | null;
}

export interface ApplicationsTable {
  id: string;
  tenant_id: string;
  kind: 'oidc' | 'saml' | 'wsfed';
  name: string;
  /** client_id (OIDC), SP entityID (SAML) or realm (WS-Federation): unique per tenant and kind. */
  lookup_key: string;
  config: ColumnType<Record<string, unknown>, string, string>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface IdpDatabase extends Database {
  signing_keys: SigningKeysTable;
  applications: ApplicationsTable;
}
