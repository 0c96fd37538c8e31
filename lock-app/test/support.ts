/**
 * Test setup: real platforms (the harness's PostgreSQL and Redis; alone, PGlite and the
 * in-process store) with lock-app's migrations, a manual clock started at the real time,
 * the test push service (lock-app/test-support), and P-256 device keys made by node:crypto
 * as WebCrypto would make them (JWK public key, IEEE P1363 signatures).
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ManualClock,
  loadConfig,
  openPlatform,
  type Platform,
  type Tenant,
  type User,
} from '@sekisho/platform';
import { createDatabaseOn } from '@sekisho/platform/test-support';
import { createLockService, lockMigrations, type LockService } from '../src/index.ts';
import { startTestPushService, type TestPushService } from '../test-support/push-service.ts';

export interface Node {
  platform: Platform;
  lock: LockService;
}

export interface Harness extends Node {
  clock: ManualClock;
  push: TestPushService;
  /** Another gateway node: its own platform (store connections) on the same DB and Redis. */
  secondNode(): Promise<Node>;
  tenant(slug: string): Promise<Tenant>;
  user(tenant: Tenant, loginId: string): Promise<User>;
  /** Mails in the outbox: RFC 5322 with the body decoded. */
  outbox(): string[];
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-lock-'));
  const env: Record<string, string> = {
    DATA_DIR: dir,
    SEKISHO_DEMO_TENANT: 'false',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://sekisho.example',
    REDIS_KEY_PREFIX: `lock-test-${randomBytes(4).toString('hex')}:`,
  };
  let drop: (() => Promise<void>) | undefined;
  if (process.env.TEST_DATABASE_URL) {
    const db = await createDatabaseOn(process.env.TEST_DATABASE_URL);
    env.DATABASE_URL = db.url;
    drop = db.drop;
  }
  if (process.env.TEST_REDIS_URL) env.REDIS_URL = process.env.TEST_REDIS_URL;
  const clock = new ManualClock(Date.now());
  const push = await startTestPushService();
  const open = async (): Promise<Node> => {
    const platform = await openPlatform(loadConfig(env), { migrations: lockMigrations, clock });
    const lock = createLockService({
      platform,
      allowInsecurePushEndpoints: true,
      pushAgent: push.agent,
    });
    return { platform, lock };
  };
  const first = await open();
  const others: Node[] = [];
  return {
    ...first,
    clock,
    push,
    async secondNode() {
      const node = await open();
      others.push(node);
      return node;
    },
    tenant: (slug) => first.platform.tenants.create({ slug, name: `Tenant ${slug}` }),
    user: (tenant, loginId) =>
      first.platform.users.create(tenant.id, { loginId, displayName: loginId, email: loginId }),
    outbox() {
      const out = join(dir, 'outbox');
      if (!existsSync(out)) return [];
      return readdirSync(out)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => decodeMail(readFileSync(join(out, f), 'utf8')));
    },
    async close() {
      for (const n of others) await n.platform.close();
      await first.platform.close();
      await push.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A phone's Lock key pair, as the app's WebCrypto ECDSA P-256 key. */
export interface DeviceKey {
  publicJwk: Record<string, unknown>;
  privateKey: KeyObject;
  /** base64url IEEE P1363 signature of the UTF-8 string, as WebCrypto's sign() returns. */
  sign(data: string): string;
}

export function deviceKey(): DeviceKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
    privateKey,
    sign: (data) =>
      sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
        'base64url',
      ),
  };
}

/** The token of an enrollment URL (`...#enroll=<token>`). */
export function tokenOf(url: string): string {
  return new URL(url).hash.replace(/^#enroll=/, '');
}

/** The mail with its body decoded (base64 or quoted-printable, RFC 2045 §6.7-6.8) as UTF-8. */
export function decodeMail(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return `${head}\r\n\r\n${Buffer.from(body, 'base64').toString()}`;
  if (encoding !== 'quoted-printable') return raw;
  const bytes: number[] = [];
  const text = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? /^[0-9A-F]{2}/.exec(text.slice(i + 1))?.[0] : undefined;
    if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i] ?? ''));
  }
  return `${head}\r\n\r\n${Buffer.from(bytes).toString()}`;
}
