/** Every package's migrations after the platform's, in dependency order. */
import type { Migration } from '@sekisho/platform';
import { idpMigrations } from '@sekisho/idp';
import { policyMigrations } from './policy/store/migrations.ts';
import { deviceCertMigrations } from '@sekisho/device-cert';
import { lockMigrations } from '@sekisho/lock-app';

export const FEATURE_MIGRATIONS: readonly Migration[] = [
  ...idpMigrations,
  ...policyMigrations,
  ...deviceCertMigrations,
  ...lockMigrations,
];
