/**
 * `ip <literal>` / `ip [<literal>, ...]`: the client IP is one of these addresses, CIDR blocks
 * or ranges; `ip in <id>` (an IP set) is parsed here too and evaluated by `ip-set.ts`.
 *
 * - Literals are validated and canonicalized when the condition is parsed (`ip-literal.ts`),
 *   and compiled into a `node:net` BlockList once per term, so a login only does a lookup.
 * - A client IP that is not an address makes the term false (fail closed), traced `ip-invalid`.
 */
import { BlockList } from 'node:net';
import type { TokenCursor } from '../condition/token-cursor.ts';
import { IP_INVALID, normalizeClientIp } from './client-ip.ts';
import { isIpLiteralError, parseIpLiteral } from './ip-literal.ts';
import { parseIpSetId } from './ip-set.ts';
import { truth, type Term, type TermDefinition } from './term.ts';

const AFTER_IP =
  "an IP address, CIDR block or range, a [list] of them, or 'in' and an IP set identifier";
const LITERAL = 'an IP address, CIDR block (192.0.2.0/24) or range (10.0.0.1-10.0.0.50)';

const compiled = new WeakMap<Term<'ip'>, BlockList>();

export const ipTerm: TermDefinition<'ip'> = {
  keywords: ['ip'],
  parse(cursor) {
    if (cursor.atKeyword('in')) {
      cursor.next();
      return parseIpSetId(cursor);
    }
    const ranges: string[] = [];
    if (cursor.atPunct('[')) {
      cursor.next();
      ranges.push(readLiteral(cursor, LITERAL));
      while (cursor.atPunct(',')) {
        cursor.next();
        ranges.push(readLiteral(cursor, LITERAL));
      }
      cursor.expectPunct(']', "',' or ']'");
    } else {
      ranges.push(readLiteral(cursor, AFTER_IP));
    }
    const term: Term<'ip'> = { kind: 'ip', ranges };
    compile(term);
    return term;
  },
  print(term) {
    if (term.ranges.length === 0) return 'false';
    return term.ranges.length === 1 ? `ip ${term.ranges[0]}` : `ip [${term.ranges.join(', ')}]`;
  },
  evaluate(term, input) {
    const ip = normalizeClientIp(input.ip);
    if (!ip) return IP_INVALID;
    return truth(compile(term).check(ip.address, ip.family));
  },
};

function readLiteral(cursor: TokenCursor, expected: string): string {
  const token = cursor.expectWord(expected);
  const literal = parseIpLiteral(token.value);
  if (!isIpLiteralError(literal)) return literal.canonical;
  const looksLikeIp = token.value.includes('.') || token.value.includes(':');
  const what = literal.offset === 0 && !looksLikeIp ? expected : literal.expected;
  return cursor.failAt(token.start + literal.offset, what, literal.found);
}

/** The term's BlockList, built on first use (at parse time for parsed conditions). */
function compile(term: Term<'ip'>): BlockList {
  let list = compiled.get(term);
  if (list) return list;
  list = new BlockList();
  for (const range of term.ranges) {
    const literal = parseIpLiteral(range);
    if (isIpLiteralError(literal)) continue; // unreachable for parsed trees; matches nothing
    const family = literal.family === 4 ? 'ipv4' : 'ipv6';
    if (literal.type === 'address') list.addAddress(literal.address, family);
    else if (literal.type === 'subnet') list.addSubnet(literal.network, literal.prefix, family);
    else list.addRange(literal.start, literal.end, family);
  }
  compiled.set(term, list);
  return list;
}
