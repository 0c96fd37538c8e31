/** Configuration is validated once at start-up; every bad key is named with what it expects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@sekisho/platform';

test('defaults give a working embedded configuration', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8443);
  assert.equal(c.publicUrl, 'https://localhost:8443');
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.lockoutThreshold, 5);
  assert.equal(c.lockoutWindowSeconds, 300);
  assert.ok(Object.isFrozen(c));
});

test('every invalid value is reported at once, naming the key and what it expects', () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: 'abc',
        LOCKOUT_THRESHOLD: '0',
        PUBLIC_URL: 'ftp://x',
        REDIS_URL: 'http://r',
        SEKISHO_MASTER_KEY: 'short',
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const keys = err.problems.map((p) => p.key).sort();
      assert.deepEqual(keys, [
        'LOCKOUT_THRESHOLD',
        'PORT',
        'PUBLIC_URL',
        'REDIS_URL',
        'SEKISHO_MASTER_KEY',
      ]);
      assert.match(err.message, /PORT \(environment PORT\): expected an integer port number/);
      return true;
    },
  );
});

test('a config file is read, environment variables win over it, unknown keys are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-cfg-'));
  const file = join(dir, 'sekisho.json');
  writeFileSync(file, JSON.stringify({ port: 9443, lockoutThreshold: 7 }));
  const c = loadConfig({ SEKISHO_CONFIG: file, PORT: '10443' });
  assert.equal(c.port, 10443);
  assert.equal(c.lockoutThreshold, 7);
  writeFileSync(file, JSON.stringify({ prot: 1 }));
  assert.throws(
    () => loadConfig({ SEKISHO_CONFIG: file }),
    /prot \(file .*\): expected a known setting/,
  );
  writeFileSync(file, '{ not json');
  assert.throws(() => loadConfig({ SEKISHO_CONFIG: file }), /SEKISHO_CONFIG/);
});

test('the server refuses to start with an invalid value and names the key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-bad-'));
  const res = spawnSync(process.execPath, ['gateway/src/main.ts'], {
    env: { ...process.env, PORT: 'not-a-port', LOCKOUT_DURATION_SECONDS: '-5', DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /PORT/);
  assert.match(res.stderr, /LOCKOUT_DURATION_SECONDS/);
});
