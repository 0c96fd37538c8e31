/**
 * `ip in <id>`: the client IP is in the tenant's IP set with this identifier.
 *
 * - The set is looked up in `input.ipSets` (compiled by the IP-set module) at login time.
 * - A set that does not exist makes the term unknown, traced `ip-set-unknown`: under `not`
 *   it stays unknown, and the engine allows only on a definite true, so it fails closed either
 *   way; when the caller passes `knownIpSets`, such a reference is refused when saved instead.
 * - Identifiers are 3-255 characters of `A-Z a-z 0-9 _ . -`, case-sensitive.
 */
import type { TokenCursor } from '../condition/token-cursor.ts';
import type { Condition } from '../condition-types.ts';
import { isNameChar } from './chars.ts';
import { IP_INVALID, normalizeClientIp } from './client-ip.ts';
import { truth, type TermDefinition, type TermResult } from './term.ts';

const SET_UNKNOWN: TermResult = Object.freeze({ result: 'unknown', reason: 'ip-set-unknown' });
const ID = 'an IP set identifier (3-255 characters of A-Z a-z 0-9 _ . -)';

export const ipSetTerm: TermDefinition<'ip_set'> = {
  keywords: [], // parsed by `ip in <id>` in ip.ts
  print: (term) => `ip in ${term.id}`,
  evaluate(term, input) {
    const ip = normalizeClientIp(input.ip);
    if (!ip) return IP_INVALID;
    const set = input.ipSets.get(term.id);
    if (!set) return SET_UNKNOWN;
    return truth(set.contains(ip.address));
  },
};

export function parseIpSetId(cursor: TokenCursor): Condition {
  const token = cursor.expectWord(ID);
  const id = token.value;
  if (!isIpSetId(id)) cursor.fail(ID, token);
  const known = cursor.options.knownIpSets;
  if (known && !known.has(id)) cursor.fail('the identifier of an existing IP set', token);
  return { kind: 'ip_set', id };
}

export function isIpSetId(id: string): boolean {
  return id.length >= 3 && id.length <= 255 && [...id].every(isNameChar);
}
