import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Condition, Truth } from '../condition-types.ts';
import { alice, check, conditionInput, traced } from '../terms/condition-input.test-helper.ts';
import { evaluate } from './evaluate.ts';
import { parseCondition } from './parse.ts';

/** Conditions that evaluate to each truth value for a login whose user is not known yet. */
const OPERAND: Record<string, string> = { true: 'true', false: 'false', unknown: 'group "Sales"' };
const VALUES: Truth[] = [true, false, 'unknown'];
const name = (t: Truth) => String(t);

describe('evaluate: three-valued (Kleene) logic', () => {
  const AND: Record<string, Truth> = {
    'true,true': true,
    'true,false': false,
    'true,unknown': 'unknown',
    'false,true': false,
    'false,false': false,
    'false,unknown': false,
    'unknown,true': 'unknown',
    'unknown,false': false,
    'unknown,unknown': 'unknown',
  };
  const OR: Record<string, Truth> = {
    'true,true': true,
    'true,false': true,
    'true,unknown': true,
    'false,true': true,
    'false,false': false,
    'false,unknown': 'unknown',
    'unknown,true': true,
    'unknown,false': 'unknown',
    'unknown,unknown': 'unknown',
  };
  for (const a of VALUES) {
    for (const b of VALUES) {
      const key = `${name(a)},${name(b)}`;
      test(`${name(a)} and ${name(b)} = ${name(AND[key] as Truth)}`, () => {
        assert.equal(check(`${OPERAND[name(a)]} and ${OPERAND[name(b)]}`), AND[key]);
      });
      test(`${name(a)} or ${name(b)} = ${name(OR[key] as Truth)}`, () => {
        assert.equal(check(`${OPERAND[name(a)]} or ${OPERAND[name(b)]}`), OR[key]);
      });
    }
  }

  test('not true = false, not false = true, not unknown = unknown', () => {
    assert.deepEqual(
      VALUES.map((v) => check(`not ${OPERAND[name(v)]}`)),
      [false, true, 'unknown'],
    );
  });

  test('n-ary: false wins in and, true wins in or, wherever it stands', () => {
    assert.equal(check('group "a" and login "a@x.example" and false'), false);
    assert.equal(check('group "a" or login "a@x.example" or true'), true);
    assert.equal(check('true and group "a" and true'), 'unknown');
  });

  test('precedence is respected when evaluating: a or b and not c', () => {
    assert.equal(check('true or false and not true'), true); // true or (false and false)
    assert.equal(check('(true or false) and not true'), false);
  });
});

describe('evaluate: before and after the password', () => {
  const policy = parseCondition(
    '(ip 192.0.2.0/24 or pass) and (group "Sales" or login "*@partner.example")',
  );

  test('a definite false on network and device is known before the password', () => {
    assert.equal(evaluate(policy, conditionInput({ ip: '198.51.100.1' })), false);
  });

  test('the same policy is unknown before the password when the network matches', () => {
    assert.equal(evaluate(policy, conditionInput()), 'unknown');
  });

  test('and is decided once the user is known', () => {
    assert.equal(evaluate(policy, conditionInput({ subject: alice })), true);
    const bob = { loginId: 'bob@acme.example', groups: [], attributes: {} };
    assert.equal(evaluate(policy, conditionInput({ subject: bob })), false);
  });
});

describe('evaluate: trace', () => {
  test('lists each evaluated term, then its operator, printed in the condition language', () => {
    assert.deepEqual(traced('ip in office or (cert and pass age <= 30)', { ipSets: new Map() }), [
      { term: 'ip in office', result: 'unknown', reason: 'ip-set-unknown' },
      { term: 'cert', result: false },
      { term: 'cert and pass age <= 30', result: false },
      { term: 'ip in office or cert and pass age <= 30', result: 'unknown' },
    ]);
  });

  test('stops at the first decisive item, so the trace shows only what was looked at', () => {
    assert.deepEqual(traced('true or group "x"'), [
      { term: 'true', result: true },
      { term: 'true or group "x"', result: true },
    ]);
  });

  test('marks subject terms as unknown before the password, with the reason', () => {
    assert.deepEqual(traced('not attr department = "sales"'), [
      { term: 'attr department = "sales"', result: 'unknown', reason: 'subject-unknown' },
      { term: 'not attr department = "sales"', result: 'unknown' },
    ]);
  });

  test('evaluates without a trace as well', () => {
    assert.equal(evaluate(parseCondition('cert or pass'), conditionInput()), false);
  });
});

describe('evaluate: fails closed', () => {
  test('throws on a node of an unknown kind (the engine turns it into a deny)', () => {
    const bogus = { kind: 'geo', country: 'JP' } as unknown as Condition;
    assert.throws(() => evaluate(bogus, conditionInput()), TypeError);
  });

  test('throws on an unknown time zone rather than guessing one', () => {
    assert.throws(() => check('time 09:00-18:00', { timeZone: 'Mars/Olympus_Mons' }), RangeError);
  });
});
