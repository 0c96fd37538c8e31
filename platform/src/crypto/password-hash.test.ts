import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password-hash.ts';

test('a hash verifies the same password and no other', async () => {
  const h = await hashPassword('correct horse battery');
  assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.equal(await verifyPassword(h, 'correct horse battery'), true);
  assert.equal(await verifyPassword(h, 'correct horse batterY'), false);
  assert.equal(await verifyPassword(h, ''), false);
});

test('two hashes of one password differ (random salt) and both verify', async () => {
  const [a, b] = await Promise.all([hashPassword('pässwörd 関所'), hashPassword('pässwörd 関所')]);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword(a, 'pässwörd 関所'), true);
  assert.equal(await verifyPassword(b, 'pässwörd 関所'), true);
});

test('malformed or tampered hashes never verify', async () => {
  const h = await hashPassword('secret-secret');
  assert.equal(await verifyPassword('not a hash', 'secret-secret'), false);
  assert.equal(await verifyPassword(h.replace('m=19456', 'm=9999999'), 'secret-secret'), false);
  const tampered = h.slice(0, -2) + (h.endsWith('AA') ? 'AB' : 'AA');
  assert.equal(await verifyPassword(tampered, 'secret-secret'), false);
});

test('weaker stored parameters ask for a rehash; current ones do not', async () => {
  const weak = await hashPassword('pw-pw-pw-pw', { memory: 8192, passes: 1, parallelism: 1 });
  assert.equal(await verifyPassword(weak, 'pw-pw-pw-pw'), true);
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(await hashPassword('pw-pw-pw-pw')), false);
});

test('the dummy verification always answers false', async () => {
  assert.equal(await verifyAgainstDummy('sekisho-dummy-password'), false);
});
