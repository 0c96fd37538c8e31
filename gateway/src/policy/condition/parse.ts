/**
 * Parses a condition's text into the typed tree, once, when a policy is saved (issue #4):
 *
 *   condition = or EOF ;  or = and { "or" and } ;  and = not { "and" not } ;
 *   not = "not" not | "(" or ")" | term
 *
 * - Precedence not > and > or; a chain `a and b and c` becomes one n-ary node, while
 *   parentheses keep the structure written (`(a and b) and c` is an `and` inside an `and`).
 * - At most 4096 characters, and at most 64 levels of nesting (each `(` and each `not` opens
 *   one), so a saved condition cannot exhaust the stack of the parser or the evaluator.
 * - Every problem is a `ConditionSyntaxError` with its position and what was expected; values
 *   (addresses, times, dates, names) are validated here, never at login time.
 * - The tree is deeply frozen.
 */
import type { Condition } from '../condition-types.ts';
import { TERM_PARSERS } from '../terms/index.ts';
import { ConditionSyntaxError } from './syntax-error.ts';
import { TokenCursor } from './token-cursor.ts';

export const MAX_CONDITION_LENGTH = 4096;
export const MAX_CONDITION_NESTING = 64;

const TERM =
  "a term (ip, cert, pass, login, group, attr, time, date, weekday, true, false), 'not' or '('";

/**
 * @param knownIpSets identifiers of the tenant's IP sets; when given, `ip in <id>` must name one.
 * @throws ConditionSyntaxError
 * @example
 * parseCondition('ip in office or pass', new Set(['office']))
 * // { kind: 'or', items: [{ kind: 'ip_set', id: 'office' }, { kind: 'entrance_pass' }] }
 */
export function parseCondition(text: string, knownIpSets?: ReadonlySet<string>): Condition {
  checkLength(text);
  const cursor = new TokenCursor(text, { knownIpSets });
  if (cursor.peek().type === 'end') cursor.fail(TERM);
  const condition = parseOr(cursor, 0);
  if (cursor.peek().type !== 'end') cursor.fail("'and', 'or' or the end of the condition");
  return deepFreeze(condition);
}

function parseOr(cursor: TokenCursor, depth: number): Condition {
  const items = [parseAnd(cursor, depth)];
  while (cursor.atKeyword('or')) {
    cursor.next();
    items.push(parseAnd(cursor, depth));
  }
  return items.length === 1 ? (items[0] as Condition) : { kind: 'or', items };
}

function parseAnd(cursor: TokenCursor, depth: number): Condition {
  const items = [parseNot(cursor, depth)];
  while (cursor.atKeyword('and')) {
    cursor.next();
    items.push(parseNot(cursor, depth));
  }
  return items.length === 1 ? (items[0] as Condition) : { kind: 'and', items };
}

function parseNot(cursor: TokenCursor, depth: number): Condition {
  const token = cursor.peek();
  const opensLevel = cursor.atKeyword('not') || cursor.atPunct('(');
  if (opensLevel && depth >= MAX_CONDITION_NESTING) {
    cursor.fail(`at most ${MAX_CONDITION_NESTING} levels of nesting ('(' and 'not')`);
  }
  if (cursor.atKeyword('not')) {
    cursor.next();
    return { kind: 'not', item: parseNot(cursor, depth + 1) };
  }
  if (cursor.atPunct('(')) {
    cursor.next();
    const inner = parseOr(cursor, depth + 1);
    cursor.expectPunct(')', "'and', 'or' or ')'");
    return inner;
  }
  const parse = token.type === 'word' ? TERM_PARSERS.get(token.value.toLowerCase()) : undefined;
  if (!parse) cursor.fail(TERM);
  cursor.next();
  return parse(cursor, token);
}

/** Counted in code points, as PostgreSQL counts `varchar(4096)`. */
function checkLength(text: string): void {
  if (text.length <= MAX_CONDITION_LENGTH) return;
  let count = 0;
  for (let i = 0; i < text.length; i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) {
    if (++count > MAX_CONDITION_LENGTH) {
      const expected = `at most ${MAX_CONDITION_LENGTH} characters`;
      throw new ConditionSyntaxError(text, i, expected, text.slice(i));
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
