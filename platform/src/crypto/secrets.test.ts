import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSecretBox, deriveKey, loadOrCreateMasterKey } from './secrets.ts';

test('a sealed secret opens with the same key and context only', () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);
  const sealed = box.seal('ca private key', 'tenant-a/ca');
  assert.equal(box.open(sealed, 'tenant-a/ca').toString(), 'ca private key');
  assert.throws(() => box.open(sealed, 'tenant-b/ca'), /failed authentication/);
  assert.throws(() => createSecretBox(randomBytes(32)).open(sealed, 'tenant-a/ca'));
  const flipped = sealed.slice(0, -3) + (sealed.endsWith('AAA') ? 'BBB' : 'AAA');
  assert.throws(() => box.open(flipped, 'tenant-a/ca'));
});

test('derived keys differ per purpose', () => {
  const key = randomBytes(32);
  assert.notDeepEqual(deriveKey(key, 'session-cookie'), deriveKey(key, 'secret-box'));
  assert.deepEqual(deriveKey(key, 'csrf'), deriveKey(key, 'csrf'));
});

test('the master key is generated once with mode 0600 and then reused', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'sekisho-mk-')), 'data');
  const first = loadOrCreateMasterKey(dir);
  assert.equal(first.created, true);
  assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
  const second = loadOrCreateMasterKey(dir);
  assert.equal(second.created, false);
  assert.deepEqual(second.key, first.key);
});
