import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readToken, type Token } from './tokenize.ts';

function tokens(text: string): Omit<Token, 'end'>[] {
  const out: Omit<Token, 'end'>[] = [];
  for (let token = readToken(text, 0); ; token = readToken(text, token.end)) {
    out.push({ type: token.type, text: token.text, value: token.value, start: token.start });
    if (token.type === 'end') return out;
  }
}

describe('readToken', () => {
  test('reads IP literals, times, dates and weekday ranges as single words', () => {
    const words = tokens(
      'ip 2001:db8::/32 10.0.0.1-10.0.0.50 09:00-18:00 2026-04-01..2026-06-30 mon-fri',
    );
    assert.deepEqual(
      words.filter((t) => t.type === 'word').map((t) => t.text),
      [
        'ip',
        '2001:db8::/32',
        '10.0.0.1-10.0.0.50',
        '09:00-18:00',
        '2026-04-01..2026-06-30',
        'mon-fri',
      ],
    );
  });

  test('reads punctuation, and runs of = ! < > as one operator', () => {
    assert.deepEqual(
      tokens('([a,b])<= != = <').map((t) => `${t.type}:${t.text}@${t.start}`),
      [
        'punct:(@0',
        'punct:[@1',
        'word:a@2',
        'punct:,@3',
        'word:b@4',
        'punct:]@5',
        'punct:)@6',
        'punct:<=@7',
        'punct:!=@10',
        'punct:=@13',
        'punct:<@15',
        'end:@16',
      ],
    );
  });

  test('unescapes strings and keeps their source text', () => {
    const [string] = tokens('  "a \\"b\\" \\\\ 営業"');
    assert.deepEqual(string, {
      type: 'string',
      text: '"a \\"b\\" \\\\ 営業"',
      value: 'a "b" \\ 営業',
      start: 2,
    });
  });

  test('skips spaces, tabs and line breaks; ends with an end token at the length', () => {
    assert.deepEqual(tokens(' \t\r\n'), [{ type: 'end', text: '', value: '', start: 4 }]);
  });
});
