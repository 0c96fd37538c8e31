import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from './condition-input.test-helper.ts';

describe('cert', () => {
  test('is true when a verified device certificate was presented, of any login type', () => {
    assert.equal(check('cert', { deviceCert: { loginType: 'shared' } }), true);
    assert.equal(check('cert'), false);
  });

  test('with a login type, is true only for a certificate of that type', () => {
    const passwordless = { deviceCert: { loginType: 'passwordless' as const } };
    assert.equal(check('cert passwordless', passwordless), true);
    assert.equal(check('cert personal', passwordless), false);
    assert.equal(check('cert shared', passwordless), false);
    assert.equal(check('cert passwordless'), false);
  });

  test('is known before the password (never unknown)', () => {
    assert.equal(check('not cert'), true);
  });
});
