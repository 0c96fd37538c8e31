/** Keeps docs/policy-conditions.md honest: its examples parse and its errors are the real ones. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseCondition } from './parse.ts';

const doc = readFileSync(new URL('../../../../docs/policy-conditions.md', import.meta.url), 'utf8');
const section = (title: string) => doc.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';
const KNOWN = new Set(['office', 'vpn', 'partner_office']);

describe('docs/policy-conditions.md', () => {
  test('every condition in the quick reference and the examples parses', () => {
    const column = (title: string, index: number) =>
      section(title)
        .split('\n')
        .filter((line) => line.startsWith('| ') && !line.startsWith('| -'))
        .slice(1) // the header row
        .map((line) => line.split(' | ')[index] ?? '');
    const codes = [
      ...column('Quick reference', 0).filter((cell) => !cell.includes('`not a`')),
      ...column('Examples', 1).map((cell) => cell.split(' (')[0] as string),
    ].flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
    assert.ok(codes.length >= 35, `found ${codes.length}`);
    for (const code of codes) assert.doesNotThrow(() => parseCondition(code, KNOWN), code);
  });

  test('the error examples show the messages the parser gives', () => {
    const block =
      section('Grammar').split('### Errors')[1]?.split('```text\n')[1]?.split('```')[0] ?? '';
    const lines = block.trimEnd().split('\n');
    assert.equal(lines.length, 8);
    for (let i = 0; i < lines.length; i += 2) {
      const text = lines[i] as string;
      const message = (lines[i + 1] as string).replace(/^\s+-> /, '');
      assert.throws(() => parseCondition(text, KNOWN), { message }, text);
    }
  });
});
