import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alice, check, traced } from './condition-input.test-helper.ts';
import { isLoginPattern, matchesLogin } from './login-name.ts';

describe('login', () => {
  test('matches the login ID exactly, case-insensitively', () => {
    assert.equal(check('login "alice@acme.example"', { subject: alice }), true);
    assert.equal(check('login "Alice@ACME.example"', { subject: alice }), true);
    assert.equal(check('login "bob@acme.example"', { subject: alice }), false);
  });

  test('*@domain matches every login of exactly that domain', () => {
    assert.equal(check('login "*@acme.example"', { subject: alice }), true);
    assert.equal(check('login "*@ACME.EXAMPLE"', { subject: alice }), true);
    assert.equal(check('login "*@cme.example"', { subject: alice }), false);
    assert.equal(check('login "*@sub.acme.example"', { subject: alice }), false);
    const sub = { ...alice, loginId: 'carol@sub.acme.example' };
    assert.equal(check('login "*@acme.example"', { subject: sub }), false);
  });

  test('a list matches when any pattern does', () => {
    assert.equal(check('login ["bob@acme.example", "*@acme.example"]', { subject: alice }), true);
    assert.equal(check('login ["bob@acme.example", "*@other.example"]', { subject: alice }), false);
  });

  test('is unknown before the user is identified', () => {
    assert.deepEqual(traced('login "*@acme.example"'), [
      { term: 'login "*@acme.example"', result: 'unknown', reason: 'subject-unknown' },
    ]);
  });

  test('patterns are email addresses or *@domain', () => {
    for (const p of ['a@x.example', "o'brien+tag@x-y.example", '*@x.example', 'a*b@x.example']) {
      assert.ok(isLoginPattern(p), p);
    }
    for (const p of [
      'alice',
      '@x.example',
      'a@x',
      'a@-x.example',
      'a b@x.example',
      'a@x..example',
      '*@*.example',
    ]) {
      assert.ok(!isLoginPattern(p), p);
    }
  });

  test('only a local part of exactly * is a wildcard', () => {
    assert.equal(matchesLogin('a*b@x.example', 'axxb@x.example'), false);
    assert.equal(matchesLogin('a*b@x.example', 'a*b@x.example'), true);
  });
});
