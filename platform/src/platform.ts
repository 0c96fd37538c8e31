/**
 * Opens every platform store and service from a validated configuration: the durable store
 * (migrated before anything else runs), the ephemeral store, the mailer, the master key, and
 * the domain services built on them. The gateway and the CLI both start here.
 */
import { join, resolve } from 'node:path';
import type { Config } from './config/schema.ts';
import { systemClock, type Clock } from './clock.ts';
import { openDurableStore, type DurableStore } from './db/open.ts';
import { migrate } from './db/migrate.ts';
import { platformMigrations, type Migration } from './db/migrations.ts';
import type { Kv } from './kv/kv.ts';
import { openKv } from './kv/open.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { createSecretBox, loadOrCreateMasterKey, type SecretBox } from './crypto/secrets.ts';
import { createAuditLog, type AuditLog } from './audit/audit-log.ts';
import { createTenantService, type TenantService } from './tenancy/tenant-service.ts';
import { createUserService, type UserService } from './users/user-service.ts';
import { createGroupService, type GroupService } from './users/group-service.ts';
import { createAdminService, type AdminService } from './users/admin-service.ts';
import { createApiTokenService, type ApiTokenService } from './users/api-token-service.ts';
import { createLoginThrottle, type LoginThrottle } from './users/login-throttle.ts';
import { createSessionRevocation, type SessionRevocation } from './users/session-revocation.ts';
import { createPasswordService, type PasswordService } from './users/password-service.ts';

export interface Platform {
  readonly config: Config;
  readonly clock: Clock;
  readonly store: DurableStore;
  readonly kv: Kv;
  readonly mailer: Mailer;
  readonly masterKey: Buffer;
  readonly secretBox: SecretBox;
  readonly audit: AuditLog;
  readonly tenants: TenantService;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly admins: AdminService;
  readonly tokens: ApiTokenService;
  readonly throttle: LoginThrottle;
  readonly revocation: SessionRevocation;
  readonly passwords: PasswordService;
  close(): Promise<void>;
}

export interface OpenPlatformOptions {
  clock?: Clock;
  /** Other packages' migrations, applied after the platform's. */
  migrations?: readonly Migration[];
  logger?: { info(obj: object, msg: string): void };
  /** Prefix of every key in the ephemeral store. */
  kvPrefix?: string;
}

export async function openPlatform(
  config: Config,
  options: OpenPlatformOptions = {},
): Promise<Platform> {
  const clock = options.clock ?? systemClock;
  const dataDir = resolve(config.dataDir);
  const store = await openDurableStore({
    databaseUrl: config.databaseUrl,
    pgliteDir: join(dataDir, 'db'),
  });
  try {
    await migrate(store.db as never, [...platformMigrations, ...(options.migrations ?? [])]);
  } catch (err) {
    await store.close();
    throw err;
  }
  const kv = await openKv(config.redisUrl, options.kvPrefix ?? config.redisKeyPrefix, clock);
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: join(dataDir, 'outbox'),
    from: config.mailFrom,
    ...(options.logger && { logger: options.logger }),
  });
  const masterKey = config.masterKey ?? loadOrCreateMasterKey(dataDir).key;
  const db = store.db;
  const audit = createAuditLog(db, clock);
  const users = createUserService(db);
  const throttle = createLoginThrottle(kv, {
    threshold: config.lockoutThreshold,
    windowMs: config.lockoutWindowSeconds * 1000,
    lockMs: config.lockoutDurationSeconds * 1000,
    ipLimit: config.ipFailureLimit,
    ipWindowMs: config.ipFailureWindowSeconds * 1000,
  });
  const revocation = createSessionRevocation(kv, config.sessionMaxHours * 3_600_000);
  return {
    config,
    clock,
    store,
    kv,
    mailer,
    masterKey,
    secretBox: createSecretBox(masterKey),
    audit,
    tenants: createTenantService(db),
    users,
    groups: createGroupService(db),
    admins: createAdminService(db),
    tokens: createApiTokenService(db, clock),
    throttle,
    revocation,
    passwords: createPasswordService({
      db,
      users,
      throttle,
      revocation,
      audit,
      mailer,
      clock,
      publicUrl: config.publicUrl,
      minLength: config.passwordMinLength,
      resetTtlMs: config.resetTokenMinutes * 60_000,
    }),
    async close() {
      await Promise.allSettled([kv.close(), mailer.close()]);
      await store.close();
    },
  };
}
