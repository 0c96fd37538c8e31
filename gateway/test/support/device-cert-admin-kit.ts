/**
 * Shared steps of the device-certificate admin API tests: authenticated calls, problem+json
 * checks, a fresh tenant with a contracted count, users, and openssl run in a temp dir.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { hashPassword, type User } from '@sekisho/platform';
import { TEST_PASSWORD, seedTenant, type SeededTenant, type TestApp } from './test-app.ts';

export interface Problem {
  title: string;
  status: number;
  detail: string;
  problems?: { field: string; message: string }[];
}

/**
 * Runs openssl in a temp dir, with `input` (when given) as the file `in`; returns its status,
 * output and the text of `outFile` when asked for.
 */
export function openssl(args: string[], input?: Buffer | string, outFile?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-dc-admin-'));
  try {
    if (input !== undefined) writeFileSync(join(dir, 'in'), input);
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    const file = outFile && r.status === 0 ? readFileSync(join(dir, outFile), 'utf8') : '';
    return { status: r.status, out: `${r.stdout}${r.stderr}`, file };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The helpers bound to the test app `app()` returns (set in `before`); `prefix` names tenants. */
export function deviceCertAdminKit(app: () => TestApp, prefix: string) {
  let n = 0;
  const call = (method: string, url: string, token: string, body?: unknown, type?: string) =>
    app().app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': type ?? 'application/json' }),
      },
      ...(body !== undefined && {
        payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      }),
    });

  function problem(res: LightMyRequestResponse, status: number, code: string): Problem {
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const p = res.json<Problem>();
    assert.equal(p.title, code);
    return p;
  }

  async function seed(maxDeviceCerts: number): Promise<SeededTenant> {
    n += 1;
    const t = app();
    const s = await seedTenant(t.platform, `${prefix}${n}-${Date.now().toString(36)}`);
    await t.platform.tenants.update(s.tenant.id, { maxDeviceCerts });
    return s;
  }

  async function addUser(s: SeededTenant, name: string, locale?: 'ja' | 'en'): Promise<User> {
    const loginId = `${name}@${s.tenant.slug}.example`;
    return app().platform.users.create(
      s.tenant.id,
      { loginId, displayName: name, email: loginId, ...(locale && { locale }) },
      await hashPassword(TEST_PASSWORD),
    );
  }

  const base = (s: SeededTenant) => `/api/tenants/${s.tenant.slug}/device-certificates`;

  return { call, problem, seed, addUser, base };
}
