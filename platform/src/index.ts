/**
 * @sekisho/platform: the shared kernel every package builds on — configuration, errors,
 * clock, the durable and ephemeral stores, mail, i18n, HTML pages, secrets, tenants, users,
 * groups, admins, API tokens, passwords and the audit log.
 */
export * from './errors.ts';
export * from './clock.ts';
export * from './ids.ts';
export * from './factors.ts';
export { loadConfig, redactConfig, ConfigError, type ConfigProblem } from './config/load.ts';
export { CONFIG_ENTRIES, type Config } from './config/schema.ts';

export * from './db/schema.ts';
export { platformMigrations, runStatements, type Migration } from './db/migrations.ts';
export { migrate } from './db/migrate.ts';
export { openDurableStore, type DurableStore, type DbBackend } from './db/open.ts';

export type { Kv, SetOptions, IncrementOptions, MessageHandler } from './kv/kv.ts';
export { createMemoryKv } from './kv/memory.ts';
export { createRedisKv } from './kv/redis.ts';
export { openKv } from './kv/open.ts';

export { createMailer, type Mailer, type MailMessage } from './mail/mailer.ts';
export * from './i18n/locale.ts';
export * from './i18n/catalog.ts';
export * from './http/html.ts';
export * from './http/guarded-get.ts';

export {
  hashPassword,
  verifyPassword,
  needsRehash,
  ARGON2_PARAMS,
} from './crypto/password-hash.ts';
export {
  createSecretBox,
  deriveKey,
  loadOrCreateMasterKey,
  type SecretBox,
} from './crypto/secrets.ts';
export { newOpaqueToken, hashOpaqueToken } from './crypto/opaque-token.ts';
export * from './audit/audit-log.ts';
export { auditToCsv, neutralize } from './audit/audit-csv.ts';
export * from './tenancy/tenant-service.ts';
export * from './users/user-input.ts';
export * from './users/user-service.ts';
export * from './users/group-service.ts';
export * from './users/roles.ts';
export * from './users/admin-service.ts';
export * from './users/api-token-service.ts';
export * from './users/login-throttle.ts';
export * from './users/session-revocation.ts';
export * from './users/password-policy.ts';
export * from './users/password-service.ts';
export * from './users/user-import.ts';
export * from './platform.ts';
