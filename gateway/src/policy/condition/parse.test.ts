import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Condition } from '../condition-types.ts';
import { MAX_CONDITION_LENGTH, parseCondition } from './parse.ts';
import { ConditionSyntaxError } from './syntax-error.ts';

const cert: Condition = { kind: 'device_cert' };
const pass: Condition = { kind: 'entrance_pass' };
const yes: Condition = { kind: 'const', value: true };

describe('parseCondition: operators', () => {
  test('not binds tighter than and, and tighter than or: a or b and not c', () => {
    assert.deepEqual(parseCondition('cert or pass and not true'), {
      kind: 'or',
      items: [cert, { kind: 'and', items: [pass, { kind: 'not', item: yes }] }],
    });
  });

  test('flattens a chain of the same operator into one n-ary node', () => {
    assert.deepEqual(parseCondition('cert and pass and true'), {
      kind: 'and',
      items: [cert, pass, yes],
    });
    assert.deepEqual(parseCondition('cert or pass or true'), {
      kind: 'or',
      items: [cert, pass, yes],
    });
  });

  test('parentheses override precedence and keep the structure written', () => {
    assert.deepEqual(parseCondition('(cert or pass) and true'), {
      kind: 'and',
      items: [{ kind: 'or', items: [cert, pass] }, yes],
    });
    assert.deepEqual(parseCondition('(cert and pass) and true'), {
      kind: 'and',
      items: [{ kind: 'and', items: [cert, pass] }, yes],
    });
    assert.deepEqual(parseCondition('((cert))'), cert);
  });

  test('not applies to the next operand only, and may repeat', () => {
    assert.deepEqual(parseCondition('not cert and pass'), {
      kind: 'and',
      items: [{ kind: 'not', item: cert }, pass],
    });
    assert.deepEqual(parseCondition('not not cert'), {
      kind: 'not',
      item: { kind: 'not', item: cert },
    });
  });

  test('keywords are case-insensitive; whitespace and line breaks are free', () => {
    assert.deepEqual(
      parseCondition('  CERT\n\tAnd\r\n  NOT\nPass  '),
      parseCondition('cert and not pass'),
    );
  });

  test('returns a deeply frozen tree', () => {
    const tree = parseCondition('ip [10.0.0.0/8, ::1] or not login "a@b.example"');
    assert.ok(Object.isFrozen(tree));
    assert.ok(tree.kind === 'or' && Object.isFrozen(tree.items[0]));
    assert.ok(
      tree.kind === 'or' && tree.items[0]?.kind === 'ip' && Object.isFrozen(tree.items[0].ranges),
    );
  });
});

describe('parseCondition: terms', () => {
  const cases: [string, Condition][] = [
    ['true', { kind: 'const', value: true }],
    ['FALSE', { kind: 'const', value: false }],
    ['ip in office', { kind: 'ip_set', id: 'office' }],
    ['ip in Tokyo_HQ.v6-2', { kind: 'ip_set', id: 'Tokyo_HQ.v6-2' }],
    ['ip 192.0.2.1', { kind: 'ip', ranges: ['192.0.2.1'] }],
    ['ip 192.0.2.0/24', { kind: 'ip', ranges: ['192.0.2.0/24'] }],
    ['ip 10.0.0.1-10.0.0.50', { kind: 'ip', ranges: ['10.0.0.1-10.0.0.50'] }],
    ['ip 2001:DB8::/32', { kind: 'ip', ranges: ['2001:db8::/32'] }],
    ['ip 2001:db8::1-2001:db8::ff', { kind: 'ip', ranges: ['2001:db8::1-2001:db8::ff'] }],
    ['ip ::ffff:192.0.2.1', { kind: 'ip', ranges: ['192.0.2.1'] }],
    ['ip ::ffff:192.0.2.0/120', { kind: 'ip', ranges: ['192.0.2.0/24'] }],
    ['ip [2001:db8::/32, 192.0.2.1]', { kind: 'ip', ranges: ['2001:db8::/32', '192.0.2.1'] }],
    ['cert', { kind: 'device_cert' }],
    ['cert passwordless', { kind: 'device_cert', loginType: 'passwordless' }],
    ['cert Personal', { kind: 'device_cert', loginType: 'personal' }],
    ['cert shared', { kind: 'device_cert', loginType: 'shared' }],
    ['pass', { kind: 'entrance_pass' }],
    ['pass age <= 30', { kind: 'entrance_pass', maxAgeDays: 30 }],
    ['pass AGE<=0', { kind: 'entrance_pass', maxAgeDays: 0 }],
    ['login "alice@acme.example"', { kind: 'login', patterns: ['alice@acme.example'] }],
    ['login "*@acme.example"', { kind: 'login', patterns: ['*@acme.example'] }],
    [
      'login ["a@x.example", "*@y.example"]',
      { kind: 'login', patterns: ['a@x.example', '*@y.example'] },
    ],
    ['group "Sales"', { kind: 'group', name: 'Sales' }],
    ['group "営業 \\"東京\\""', { kind: 'group', name: '営業 "東京"' }],
    [
      'attr department = "sales"',
      { kind: 'attribute', name: 'department', op: 'eq', value: 'sales' },
    ],
    [
      'attr employment.type != ""',
      { kind: 'attribute', name: 'employment.type', op: 'ne', value: '' },
    ],
    ['time 09:00-18:00', { kind: 'time', from: 540, to: 1080 }],
    ['time 22:00-06:00', { kind: 'time', from: 1320, to: 360 }],
    ['time 0:00-24:00', { kind: 'time', from: 0, to: 1440 }],
    ['date 2026-04-01..2026-06-30', { kind: 'date', from: '2026-04-01', to: '2026-06-30' }],
    ['date 2028-02-29', { kind: 'date', from: '2028-02-29', to: '2028-02-29' }],
    ['weekday mon-fri', { kind: 'weekday', days: [1, 2, 3, 4, 5] }],
    ['weekday sat,sun', { kind: 'weekday', days: [0, 6] }],
    ['weekday Saturday, SUN, sat', { kind: 'weekday', days: [0, 6] }],
    ['weekday fri-mon', { kind: 'weekday', days: [0, 1, 5, 6] }],
    ['weekday wed-wed', { kind: 'weekday', days: [3] }],
  ];
  for (const [text, tree] of cases) {
    test(`parses ${text}`, () => assert.deepEqual(parseCondition(text), tree));
  }

  test('an IP set identifier is checked against the known sets when they are given', () => {
    assert.deepEqual(parseCondition('ip in office', new Set(['office'])), {
      kind: 'ip_set',
      id: 'office',
    });
    assert.throws(() => parseCondition('ip in Office', new Set(['office'])), ConditionSyntaxError);
  });

  test('a word after `ip in` is an identifier even if it spells a keyword or an address', () => {
    assert.deepEqual(parseCondition('ip in and or cert'), {
      kind: 'or',
      items: [{ kind: 'ip_set', id: 'and' }, cert],
    });
    assert.deepEqual(parseCondition('ip in 10.0.0.1'), { kind: 'ip_set', id: '10.0.0.1' });
  });
});

describe('parseCondition: limits', () => {
  test(`accepts ${MAX_CONDITION_LENGTH} characters and refuses ${MAX_CONDITION_LENGTH + 1}`, () => {
    const base = 'ip in office';
    const exact = base + ' '.repeat(MAX_CONDITION_LENGTH - base.length);
    assert.equal(exact.length, 4096);
    assert.deepEqual(parseCondition(exact), { kind: 'ip_set', id: 'office' });
    assert.throws(
      () => parseCondition(`${exact} `),
      (err: ConditionSyntaxError) =>
        err.position === 4096 && err.expected === 'at most 4096 characters',
    );
  });

  test('a realistic 4096-character condition parses', () => {
    const terms: string[] = [];
    for (let i = 0; terms.join(' or ').length < 4000; i++) terms.push(`ip 10.${i}.0.0/16`);
    const text = `(${terms.join(' or ')}) and cert`.padEnd(4096, ' ');
    assert.equal(text.length, 4096);
    const tree = parseCondition(text);
    assert.ok(tree.kind === 'and' && tree.items[0]?.kind === 'or');
  });

  test('counts characters as code points, as PostgreSQL does: 4096 emoji-rich characters fit', () => {
    const term = `group "${'👍'.repeat(40)}"`;
    const terms: string[] = [];
    while ([...terms.join(' or ')].length < 4000) terms.push(term);
    const text = terms.join(' or ').padEnd(4096 + 40 * terms.length, ' ');
    assert.equal([...text].length, 4096);
    assert.ok(text.length > 4096);
    assert.equal(parseCondition(text).kind, 'or');
    assert.throws(
      () => parseCondition(`${text}x`),
      (err: ConditionSyntaxError) => err.position === text.length && err.found === 'x',
    );
  });

  test('accepts 64 levels of nesting and refuses the 65th', () => {
    assert.deepEqual(parseCondition(`${'('.repeat(64)}cert${')'.repeat(64)}`), cert);
    let deep = parseCondition(`${'not '.repeat(64)}cert`);
    for (let i = 0; i < 64; i++) deep = deep.kind === 'not' ? deep.item : deep;
    assert.deepEqual(deep, cert);
    assert.deepEqual(parseCondition(`${'not ('.repeat(32)}cert${')'.repeat(32)}`).kind, 'not');
  });
});
