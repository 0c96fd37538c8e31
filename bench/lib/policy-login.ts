/**
 * The login half of the policy benchmark: one real Sekisho in-process over HTTPS on
 * 127.0.0.1 (as the login benchmark starts it) with two tenants of `users` users each:
 *
 * - `heavy`: the heavy policy, saved through the admin API with a global-admin API token, as
 *   an administrator would: every IP set (`POST /api/tenants/heavy/ip-sets`), then one default
 *   policy group whose allow condition is the long condition (it admits loopback in its last
 *   alternative) and which needs no second factor;
 * - `open`: no policy group at all, so the built-in default allows every active user.
 *
 * Logins are driven by two load-generator workers (bench/lib/login-client.ts, one per tenant)
 * in alternating time slices, so both tenants see the same machine.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { hashPassword, loadConfig, openPlatform, type Platform } from '@sekisho/platform';
import { FEATURE_MIGRATIONS, buildApp, ensureTlsCertificate } from '@sekisho/gateway';
import type { ClientResult, ClientSetup } from './login-client.ts';
import type { BenchIpSet } from './policy-fixture.ts';

export const TENANTS = ['heavy', 'open'] as const;
export type TenantSlug = (typeof TENANTS)[number];

export interface LoginSamples {
  /** GET form + POST, per login, ms. */
  loginMs: number[];
  postMs: number[];
  errors: number;
  firstError: string;
}

type App = Awaited<ReturnType<typeof buildApp>>;

async function createTenant(platform: Platform, slug: TenantSlug, count: number) {
  const tenant = await platform.tenants.create({ slug, name: `Bench ${slug}`, maxUsers: count });
  const users = Array.from({ length: count }, (_, i) => ({
    loginId: `user${i}@${slug}.example`,
    password: `bench password ${i} ${randomUUID()}`,
  }));
  for (const [i, u] of users.entries()) {
    const profile = { loginId: u.loginId, displayName: `User ${i}` };
    await platform.users.create(tenant.id, profile, await hashPassword(u.password));
  }
  return { tenant, users };
}

async function savePolicy(app: App, token: string, sets: readonly BenchIpSet[], condition: string) {
  const post = async (path: string, payload: object) => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/tenants/heavy/${path}`,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    if (res.statusCode !== 201)
      throw new Error(`POST ${path}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  };
  for (const set of sets) await post('ip-sets', set);
  await post('policy-groups', {
    ...{ name: 'Everyone', isDefault: true, allowCondition: condition },
    skipSecondFactorCondition: 'true',
  });
}

export async function startPolicyServer(
  users: number,
  sets: readonly BenchIpSet[],
  condition: string,
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-bench-'));
  const config = loadConfig({
    ...{ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', PUBLIC_URL: 'https://127.0.0.1' },
    ...{ SEKISHO_DEMO_TENANT: 'false', LOG_LEVEL: 'silent' },
    ...{ IP_FAILURE_LIMIT: '100000', LOCKOUT_THRESHOLD: '100' }, // never throttle the bench
  });
  const platform = await openPlatform(config, { migrations: FEATURE_MIGRATIONS });
  const workers: Worker[] = [];
  let app: App | undefined;
  const close = async () => {
    await Promise.all(workers.map((w) => w.terminate()));
    await app?.close();
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const tls = ensureTlsCertificate(dataDir, '127.0.0.1');
    app = await buildApp(platform, { https: { key: tls.key, cert: tls.cert }, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no listening port');
    const heavy = await createTenant(platform, 'heavy', users);
    const open = await createTenant(platform, 'open', users);
    const { token } = await platform.tokens.create({
      ...{ tenantId: heavy.tenant.id, name: 'bench', role: 'global_admin' },
    });
    await savePolicy(app, token, sets, condition);

    const worker = (slug: TenantSlug, clients: number) => {
      const setup: ClientSetup = {
        port: address.port,
        ca: tls.cert,
        slug,
        clients,
        users: slug === 'heavy' ? heavy.users : open.users,
      };
      const w = new Worker(new URL('./login-client.ts', import.meta.url), { workerData: setup });
      workers.push(w);
      return w;
    };
    return { close, worker };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Runs one worker for a slice of `seconds`; with `into`, keeps its samples. */
export async function drive(w: Worker, seconds: number, into?: LoginSamples): Promise<void> {
  w.postMessage({ seconds, record: into !== undefined });
  const [r] = (await once(w, 'message')) as [ClientResult | { fatal: string }];
  if ('fatal' in r) throw new Error(r.fatal);
  if (!into) return;
  into.loginMs.push(...r.getMs.map((get, i) => get + (r.postMs[i] ?? 0)));
  into.postMs.push(...r.postMs);
  into.errors += r.errors;
  into.firstError ||= r.firstError ?? '';
}
