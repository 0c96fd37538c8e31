/**
 * `ip <literal>` / `ip [<literal>, ...]`: the client IP is one of these addresses, CIDR blocks
 * or ranges; `ip in <id>` (an IP set) is parsed here too and evaluated by `ip-set.ts`.
 *
 * - Literals are validated and canonicalized when the condition is parsed (`ip-literal.ts`)
 *   and kept, per term, as numeric intervals, so a login only compares numbers.
 * - IPv4 rules never match IPv6 clients nor the reverse (IPv4-mapped clients are IPv4).
 * - A client IP that is not an address makes the term false (fail closed), traced `ip-invalid`.
 */
import type { TokenCursor } from '../condition/token-cursor.ts';
import { IP_INVALID, normalizeClientIp } from './client-ip.ts';
import type { IpFamily } from './ip-address.ts';
import { isIpLiteralError, parseIpLiteral, type IpLiteral } from './ip-literal.ts';
import { parseIpSetId } from './ip-set.ts';
import { truth, type Term, type TermDefinition } from './term.ts';

const AFTER_IP =
  "an IP address, CIDR block or range, a [list] of them, or 'in' and an IP set identifier";
const LITERAL = 'an IP address, CIDR block (192.0.2.0/24) or range (10.0.0.1-10.0.0.50)';

type Intervals = readonly Pick<IpLiteral, 'family' | 'first' | 'last'>[];
const compiled = new WeakMap<Term<'ip'>, Intervals>();

export const ipTerm: TermDefinition<'ip'> = {
  keywords: ['ip'],
  parse(cursor) {
    if (cursor.atKeyword('in')) {
      cursor.next();
      return parseIpSetId(cursor);
    }
    const literals: IpLiteral[] = [];
    if (cursor.atPunct('[')) {
      cursor.next();
      literals.push(readLiteral(cursor, LITERAL));
      while (cursor.atPunct(',')) {
        cursor.next();
        literals.push(readLiteral(cursor, LITERAL));
      }
      cursor.expectPunct(']', "',' or ']'");
    } else {
      literals.push(readLiteral(cursor, AFTER_IP));
    }
    const term: Term<'ip'> = { kind: 'ip', ranges: literals.map((l) => l.canonical) };
    compiled.set(term, literals);
    return term;
  },
  print(term) {
    if (term.ranges.length === 0) return 'false';
    return term.ranges.length === 1 ? `ip ${term.ranges[0]}` : `ip [${term.ranges.join(', ')}]`;
  },
  evaluate(term, input) {
    const client = normalizeClientIp(input.ip);
    if (!client) return IP_INVALID;
    return truth(contains(intervalsOf(term), client.family, client.value));
  },
};

function contains(intervals: Intervals, family: IpFamily, value: bigint): boolean {
  for (const i of intervals)
    if (i.family === family && value >= i.first && value <= i.last) return true;
  return false;
}

function readLiteral(cursor: TokenCursor, expected: string): IpLiteral {
  const token = cursor.expectWord(expected);
  const literal = parseIpLiteral(token.value);
  if (!isIpLiteralError(literal)) return literal;
  const looksLikeIp = token.value.includes('.') || token.value.includes(':');
  const what = literal.offset === 0 && !looksLikeIp ? expected : literal.expected;
  return cursor.failAt(token.start + literal.offset, what, literal.found);
}

/** The term's intervals: kept from parsing, or computed once for a tree built elsewhere. */
function intervalsOf(term: Term<'ip'>): Intervals {
  let intervals = compiled.get(term);
  if (!intervals) {
    // A range that does not parse matches nothing (fail closed).
    intervals = term.ranges.flatMap((range) => {
      const literal = parseIpLiteral(range);
      return isIpLiteralError(literal) ? [] : [literal];
    });
    compiled.set(term, intervals);
  }
  return intervals;
}
