/**
 * Compiled address ranges: answers "is this address inside?" in O(log n).
 *
 * - Entries are turned once into sorted, disjoint intervals per family: overlapping and
 *   adjacent intervals are merged, so 10.0.0.0-10.0.0.9 and 10.0.0.10/31 become one.
 * - A lookup is one binary search (IPv4 over a Uint32Array, IPv6 over bigints); thousands of
 *   ranges cost a dozen comparisons. node:net BlockList is not used: its cost per rule is a
 *   detail of the Node version (earlier versions scan every rule; 24.x measured flat), and it
 *   parses addresses by its own rules, while sets must match exactly what validation accepted.
 * - An unparsable address is inside nothing (fail closed). IPv4-mapped IPv6 is looked up as
 *   IPv4, as everywhere else.
 */
import { parseIpAddress, type IpAddress } from './ip-address.ts';
import type { IpInterval } from './ip-entry.ts';

export interface IpMatcher {
  /** Whether the address (text) lies in one of the ranges; false when it is not an address. */
  contains(ip: string): boolean;
  /** The same for an address already parsed (and normalized) with parseIpAddress. */
  containsAddress(address: IpAddress): boolean;
  /** How many disjoint intervals remain after merging, per family. */
  readonly intervals: { readonly v4: number; readonly v6: number };
}

interface Sorted<T> {
  firsts: ArrayLike<T>;
  lasts: ArrayLike<T>;
}

/** Sorts and merges [first, last] pairs; `next(x)` is x + 1 in the pair's number type. */
function mergeIntervals<T extends number | bigint>(
  pairs: [T, T][],
  next: (x: T) => T,
): { firsts: T[]; lasts: T[] } {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const firsts: T[] = [];
  const lasts: T[] = [];
  for (const [first, last] of pairs) {
    const n = lasts.length - 1;
    const prev = lasts[n];
    if (prev !== undefined && first <= next(prev)) {
      if (last > prev) lasts[n] = last;
    } else {
      firsts.push(first);
      lasts.push(last);
    }
  }
  return { firsts, lasts };
}

/** Whether x lies in one of the sorted disjoint intervals. */
function search<T extends number | bigint>({ firsts, lasts }: Sorted<T>, x: T): boolean {
  let lo = 0;
  let hi = firsts.length - 1;
  let found = -1; // the last interval whose first is <= x
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((firsts[mid] as T) <= x) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found >= 0 && x <= (lasts[found] as T);
}

/**
 * Compiles intervals (e.g. the entries of parsed IP sets) into a matcher.
 * @example compileIntervals(parseIpSetEntries(['10.0.0.0/8']).entries).contains('10.1.2.3') // true
 */
export function compileIntervals(intervals: Iterable<IpInterval>): IpMatcher {
  const v4: [number, number][] = [];
  const v6: [bigint, bigint][] = [];
  for (const i of intervals) {
    if (i.family === 4) v4.push([i.first, i.last]);
    else v6.push([i.first, i.last]);
  }
  const m4 = mergeIntervals(v4, (x) => x + 1);
  const s4: Sorted<number> = {
    firsts: Uint32Array.from(m4.firsts),
    lasts: Uint32Array.from(m4.lasts),
  };
  const s6: Sorted<bigint> = mergeIntervals(v6, (x) => x + 1n);
  const containsAddress = (a: IpAddress): boolean =>
    a.family === 4 ? search(s4, a.value) : search(s6, a.value);
  return Object.freeze({
    containsAddress,
    contains(ip: string): boolean {
      const a = parseIpAddress(ip);
      return a !== undefined && containsAddress(a);
    },
    intervals: Object.freeze({ v4: s4.firsts.length, v6: s6.firsts.length }),
  });
}
