/**
 * The tokens of a condition's text: words, double-quoted strings and punctuation.
 *
 * - A word is a run of `A-Z a-z 0-9 _ . : / -`; keywords, IP literals (`10.0.0.0/8`,
 *   `2001:db8::1-2001:db8::ff`), times, dates and weekday ranges are each one word, which
 *   the term that reads it takes apart.
 * - Strings are `"..."` with `\"` and `\\` as the only escapes; control characters, line
 *   breaks included, are refused inside them.
 * - Punctuation: `( ) [ ] ,` and runs of `= ! < >` (so `<=` is one token, and `<` is reported
 *   as what it is rather than as a stray character).
 */
import { isNameChar } from '../terms/chars.ts';
import { ConditionSyntaxError } from './syntax-error.ts';

export interface Token {
  type: 'word' | 'string' | 'punct' | 'end';
  /** The source text of the token (with quotes for strings; '' at the end). */
  text: string;
  /** A string's content, unescaped; otherwise the same as `text`. */
  value: string;
  start: number;
  end: number;
}

const SPACE = new Set([' ', '\t', '\n', '\r']);
const SINGLE = new Set(['(', ')', '[', ']', ',']);
const OPERATOR = new Set(['=', '!', '<', '>']);

/**
 * Reads the token that starts at or after `from` (after whitespace); at the end of the text
 * a token of type 'end'. The parser pulls tokens one at a time, so an error is reported at
 * the first place the text stops making sense, with what the grammar expected there.
 */
export function readToken(text: string, from: number): Token {
  let i = from;
  while (i < text.length && SPACE.has(text[i] as string)) i++;
  if (i >= text.length) return { type: 'end', text: '', value: '', start: i, end: i };
  const c = text[i] as string;
  if (c === '"') return readString(text, i);
  let end = i + 1;
  let type: Token['type'] = 'punct';
  if (isWordChar(c)) {
    type = 'word';
    while (end < text.length && isWordChar(text[end] as string)) end++;
  } else if (OPERATOR.has(c)) {
    while (end < text.length && OPERATOR.has(text[end] as string)) end++;
  } else if (!SINGLE.has(c)) {
    const expected =
      c === "'" ? 'a double-quoted string ("...")' : 'a term, an operator or a parenthesis';
    throw new ConditionSyntaxError(
      text,
      i,
      expected,
      String.fromCodePoint(text.codePointAt(i) ?? 0),
    );
  }
  const slice = text.slice(i, end);
  return { type, text: slice, value: slice, start: i, end };
}

function isWordChar(c: string): boolean {
  return isNameChar(c) || c === ':' || c === '/';
}

function readString(text: string, start: number): Token {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      return { type: 'string', text: text.slice(start, i + 1), value, start, end: i + 1 };
    }
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') {
        throw new ConditionSyntaxError(text, i + 1, `'"' or '\\' after a backslash`, next ?? '');
      }
      value += next;
      i += 2;
      continue;
    }
    if (c < ' ' || c === '\x7f') {
      const shown = JSON.stringify(c).slice(1, -1);
      throw new ConditionSyntaxError(text, i, `a closing '"' before this control character`, shown);
    }
    value += c;
    i++;
  }
  throw new ConditionSyntaxError(text, start, `a closing '"' for the string opened here`, '');
}
