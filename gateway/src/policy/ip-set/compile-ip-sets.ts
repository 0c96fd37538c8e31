/**
 * Compiles a tenant's validated IP sets once (when saved or loaded) into matchers keyed by
 * identifier: the `ipSets` a condition is evaluated against.
 *
 * - Each set becomes sorted, merged intervals with binary search (ip-matcher.ts), so a lookup
 *   costs O(log n) whatever the number of ranges.
 * - Identifiers are unique per tenant; a duplicate is refused here rather than letting one
 *   set silently shadow another.
 * - `ipSetsContaining` parses the address once and asks every set: the simulator's "which of
 *   your sets does this address fall in?".
 */
import { ValidationError } from '@sekisho/platform';
import { parseIpAddress } from './ip-address.ts';
import { compileIntervals, type IpMatcher } from './ip-matcher.ts';
import { parseIpSetEntries, type IpSetDefinition } from './ip-set.ts';

export interface CompiledIpSet extends IpMatcher {
  readonly identifier: string;
  readonly name: string;
}

/** Compiled IP sets by identifier. */
export type CompiledIpSets = ReadonlyMap<string, CompiledIpSet>;

/**
 * @example
 * const sets = compileIpSets([validateIpSet({ identifier: 'office', name: 'Office', entries: ['203.0.113.0/24'] })]);
 * sets.get('office')?.contains('203.0.113.7') // true
 */
export function compileIpSets(sets: readonly IpSetDefinition[]): CompiledIpSets {
  const out = new Map<string, CompiledIpSet>();
  const seen = new Map<string, number>();
  sets.forEach((set, index) => {
    const first = seen.get(set.identifier);
    if (first !== undefined) {
      throw new ValidationError([
        {
          field: `sets[${index}].identifier`,
          message: `'${set.identifier}' is already the identifier of sets[${first}]`,
        },
      ]);
    }
    seen.set(set.identifier, index);
    const matcher = compileIntervals(set.entries);
    out.set(
      set.identifier,
      Object.freeze({ ...matcher, identifier: set.identifier, name: set.name }),
    );
  });
  return out;
}

/**
 * Literal ranges written in a condition (`ip in 10.0.0.0/8, 2001:db8::/32`), validated by the
 * same rules as IP set entries.
 */
export function compileIpRanges(ranges: readonly string[]): IpMatcher {
  return compileIntervals(parseIpSetEntries(ranges).entries);
}

/** Identifiers of the sets that contain the address, in the sets' order; none if unparsable. */
export function ipSetsContaining(sets: CompiledIpSets, ip: string): string[] {
  const address = parseIpAddress(ip);
  if (!address) return [];
  return [...sets.values()].filter((s) => s.containsAddress(address)).map((s) => s.identifier);
}
