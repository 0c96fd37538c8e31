import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from './condition-input.test-helper.ts';
import { TERM_PARSERS, TERMS } from './index.ts';

describe('TERMS', () => {
  test('lists one definition per term kind, each keyword starting exactly one kind', () => {
    assert.deepEqual(Object.keys(TERMS).sort(), [
      'attribute',
      'const',
      'date',
      'device_cert',
      'entrance_pass',
      'group',
      'ip',
      'ip_set',
      'login',
      'time',
      'weekday',
    ]);
    const keywords = Object.values(TERMS).flatMap((t) => t.keywords);
    assert.equal(new Set(keywords).size, keywords.length);
    assert.deepEqual([...TERM_PARSERS.keys()].sort(), [
      'attr',
      'cert',
      'date',
      'false',
      'group',
      'ip',
      'login',
      'pass',
      'time',
      'true',
      'weekday',
    ]);
  });

  test('true and false are constants', () => {
    assert.equal(check('true'), true);
    assert.equal(check('false'), false);
  });
});
