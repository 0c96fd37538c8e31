/**
 * The idp package's services, built once from the platform and shared by its routes, the
 * admin API routes it exports, and the CLI.
 */
import type { Kysely } from 'kysely';
import type { Platform } from '@sekisho/platform';
import type { IdpDatabase } from './store/tables.ts';
import { createSigningKeyStore, type SigningKeyStore } from './keys/signing-keys.ts';
import { createAppRegistry, type AppRegistry } from './apps/app-registry.ts';
import { allowActiveUsers, type AccessPolicy } from './login/access-policy.ts';
import type { SecondFactorPort } from './login/second-factor.ts';

export interface IdpServices {
  platform: Platform;
  db: Kysely<IdpDatabase>;
  keys: SigningKeyStore;
  apps: AppRegistry;
  policy: AccessPolicy;
  /** Second factors (Lock, TOTP, email and emergency codes); absent = none in this deployment. */
  factors?: SecondFactorPort | undefined;
}

export interface IdpServiceOptions {
  policy?: AccessPolicy;
  factors?: SecondFactorPort | undefined;
  keyOverlapMs?: number;
}

export function createIdpServices(
  platform: Platform,
  options: IdpServiceOptions = {},
): IdpServices {
  const db = platform.store.db as unknown as Kysely<IdpDatabase>;
  return {
    platform,
    db,
    keys: createSigningKeyStore(db, platform.secretBox, platform.clock, options.keyOverlapMs),
    apps: createAppRegistry(db),
    policy: options.policy ?? allowActiveUsers,
    ...(options.factors && { factors: options.factors }),
  };
}
