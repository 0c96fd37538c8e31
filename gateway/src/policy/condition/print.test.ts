import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Condition } from '../condition-types.ts';
import { parseCondition } from './parse.ts';
import { printCondition } from './print.ts';
import { createRandom, randomCondition } from './random-condition.test-helper.ts';

describe('printCondition', () => {
  test('prints canonical text: lower-case keywords, canonical values, minimal parentheses', () => {
    const cases: [string, string][] = [
      ['IP IN office OR Pass', 'ip in office or pass'],
      ['(cert and pass) or not (true or false)', 'cert and pass or not (true or false)'],
      ['(cert or pass) and true', '(cert or pass) and true'],
      ['cert and (pass and true)', 'cert and (pass and true)'],
      ['not not cert', 'not not cert'],
      ['ip [2001:DB8:0:0::1, ::FFFF:192.0.2.1]', 'ip [2001:db8::1, 192.0.2.1]'],
      ['ip [10.0.0.0/8]', 'ip 10.0.0.0/8'],
      ['login ["A@x.example"]', 'login "A@x.example"'],
      ['attr dept != "say \\"hi\\" \\\\"', 'attr dept != "say \\"hi\\" \\\\"'],
      ['time 9:00-24:00', 'time 09:00-24:00'],
      ['date 2026-04-01..2026-04-01', 'date 2026-04-01'],
      ['weekday sun, sat, tuesday-thu', 'weekday tue-thu,sat,sun'],
      ['weekday Mon,Tue', 'weekday mon,tue'],
      ['pass  age<=7', 'pass age <= 7'],
      ['cert PASSWORDLESS', 'cert passwordless'],
    ];
    for (const [text, printed] of cases)
      assert.equal(printCondition(parseCondition(text)), printed);
  });

  test('prints and/or of fewer than two items as their equivalent', () => {
    const cert: Condition = { kind: 'device_cert' };
    assert.equal(printCondition({ kind: 'and', items: [] }), 'true');
    assert.equal(printCondition({ kind: 'or', items: [] }), 'false');
    assert.equal(printCondition({ kind: 'and', items: [cert] }), 'cert');
    const inner: Condition = { kind: 'or', items: [cert, { kind: 'entrance_pass' }] };
    const tree: Condition = { kind: 'and', items: [{ kind: 'and', items: [inner] }, cert] };
    assert.equal(printCondition(tree), '(cert or pass) and cert');
  });

  test('refuses a node of an unknown kind rather than printing something else', () => {
    const bogus = { kind: 'geo', country: 'JP' } as unknown as Condition;
    assert.throws(() => printCondition(bogus), TypeError);
  });

  test('property: print then parse gives the same tree (600 seeded random trees)', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const tree = randomCondition(createRandom(seed));
      const text = printCondition(tree);
      let parsed: Condition;
      try {
        parsed = parseCondition(text);
      } catch (err) {
        assert.fail(`seed ${seed}: ${(err as Error).message}\n${text}`);
      }
      assert.deepEqual(parsed, tree, `seed ${seed}: ${text}`);
      assert.equal(printCondition(parsed), text, `seed ${seed}: printing is stable`);
    }
  });

  test('property: the generator covers every kind', () => {
    const kinds = new Set<string>();
    const visit = (c: Condition): void => {
      kinds.add(c.kind);
      if (c.kind === 'and' || c.kind === 'or') c.items.forEach(visit);
      if (c.kind === 'not') visit(c.item);
    };
    for (let seed = 1; seed <= 600; seed++) visit(randomCondition(createRandom(seed)));
    assert.equal(kinds.size, 14);
  });
});
