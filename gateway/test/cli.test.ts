/** The CLI performs the admin actions against the same stores, for scripts (`--json`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-cli-'));
function sekisho(args: string[], input?: string) {
  const res = spawnSync(process.execPath, ['gateway/bin/sekisho.js', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { status: res.status, out: res.stdout, err: res.stderr };
}

test('tenant, admin, users, import and tokens from the command line', () => {
  const created = sekisho([
    'tenant',
    'create',
    '--slug',
    'acme',
    '--name',
    'ACME',
    '--max-users',
    '3',
    '--domain',
    'acme.example',
    '--json',
  ]);
  assert.equal(created.status, 0, created.err);
  assert.equal(JSON.parse(created.out).maxUsers, 3);

  const admin = sekisho([
    'admin',
    'create',
    '--tenant',
    'acme',
    '--login',
    'it@acme.example',
    '--json',
  ]);
  assert.equal(admin.status, 0, admin.err);
  const grant = JSON.parse(admin.out);
  assert.equal(grant.role, 'global_admin');
  assert.ok(grant.initialPassword.length >= 16);

  const user = sekisho(
    [
      'user',
      'add',
      '--tenant',
      'acme',
      '--login',
      'hanako@acme.example',
      '--name',
      '山田 花子',
      '--password-stdin',
      '--json',
    ],
    'a long enough passphrase\n',
  );
  assert.equal(user.status, 0, user.err);
  assert.equal(JSON.parse(user.out).hasPassword, true);

  const csv = join(dataDir, 'users.csv');
  writeFileSync(
    csv,
    '\uFEFFlogin_id,display_name\ntaro@acme.example,田中 太郎\nnot-an-email,Bad\njiro@acme.example,Over Limit\n',
  );
  const imported = sekisho(['user', 'import', '--tenant', 'acme', csv, '--json']);
  assert.equal(imported.status, 0, imported.err);
  const report = JSON.parse(imported.out);
  assert.equal(report.applied, 1);
  assert.deepEqual(
    report.rejected.map((r: { line: number }) => r.line),
    [3, 4],
  );
  assert.match(report.rejected[1].reasons[0], /contracted user-ID count \(3\)/);

  const token = sekisho([
    'token',
    'create',
    '--tenant',
    'acme',
    '--role',
    'read_only_admin',
    '--name',
    'audit-export',
    '--json',
  ]);
  assert.equal(token.status, 0, token.err);
  assert.match(JSON.parse(token.out).token, /^skt_/);
  const operator = sekisho(['token', 'create', '--operator', '--name', 'ops', '--json']);
  assert.match(JSON.parse(operator.out).token, /^sko_/);

  const rp = sekisho([
    'app',
    'add',
    '--tenant',
    'acme',
    '--kind',
    'oidc',
    '--name',
    'Wiki',
    '--redirect-uri',
    'https://wiki.acme.example/cb',
    '--json',
  ]);
  assert.equal(rp.status, 0, rp.err);
  const client = JSON.parse(rp.out);
  assert.ok(client.secrets.clientSecret);
  assert.match(client.settings.issuer, /\/t\/acme$/);
  const google = sekisho([
    'app',
    'add',
    '--tenant',
    'acme',
    '--kind',
    'saml',
    '--name',
    'Google',
    '--preset',
    'google-workspace',
    '--domain',
    'acme.example',
    '--json',
  ]);
  assert.equal(google.status, 0, google.err);
  assert.equal(JSON.parse(google.out).identifier, 'google.com');
  const apps = JSON.parse(sekisho(['app', 'list', '--tenant', 'acme', '--json']).out);
  assert.deepEqual(apps.map((a: { kind: string }) => a.kind).sort(), ['oidc', 'saml']);
});

test('bad input exits non-zero with the reason and changes nothing', () => {
  const dup = sekisho(['tenant', 'create', '--slug', 'acme', '--name', 'Again']);
  assert.equal(dup.status, 1);
  assert.match(dup.err, /ERR_CONFLICT/);
  const role = sekisho(['token', 'create', '--tenant', 'acme', '--role', 'king', '--name', 'x']);
  assert.equal(role.status, 1);
  assert.match(role.err, /role/);
  const unknown = sekisho(['tenant', 'create', '--slugg', 'x']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.err, /slugg/);
  const list = JSON.parse(sekisho(['tenant', 'list', '--json']).out);
  assert.deepEqual(
    list.map((t: { slug: string }) => t.slug),
    ['acme'],
  );
});
