/**
 * IP addresses as numbers, for validating and canonicalizing the literals of `ip` terms.
 *
 * - IPv4 is strict dotted decimal: four parts 0-255 without leading zeros (`010.0.0.1` is
 *   refused: some stacks read it as octal).
 * - IPv6 per RFC 4291 §2.2 (one `::`, an optional trailing dotted IPv4), no zone index.
 * - IPv4-mapped IPv6 (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) is the IPv4 address: the same
 *   host reaches a dual-stack socket either way, and a policy must not tell them apart.
 * - Printed IPv6 is RFC 5952 text: lower case, no leading zeros, longest zero run as `::`.
 */

import { isHexDigit, isPlainNumber } from './chars.ts';

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export const FAMILY_BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export function parseIpAddress(text: string): IpAddress | undefined {
  if (!text.includes(':')) {
    const v4 = parseIpv4(text);
    return v4 === undefined ? undefined : { family: 4, value: v4 };
  }
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

export function formatIpAddress({ family, value }: IpAddress): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  const [runStart, runLength] = longestZeroRun(groups);
  const hex = groups.map((g) => g.toString(16));
  if (runLength < 2) return hex.join(':');
  const head = hex.slice(0, runStart).join(':');
  const tail = hex.slice(runStart + runLength).join(':');
  return `${head}::${tail}`;
}

function longestZeroRun(groups: readonly number[]): [start: number, length: number] {
  let best: [number, number] = [0, 0];
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start > best[1]) best = [start, i - start];
      start = -1;
    }
  }
  return best;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (part.length > 3 || !isPlainNumber(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const double = text.indexOf('::');
  if (double !== text.lastIndexOf('::') || text.includes(':::')) return undefined;
  const head = double < 0 ? text : text.slice(0, double);
  const tail = double < 0 ? '' : text.slice(double + 2);
  const headGroups = parseGroups(head, double < 0);
  const tailGroups = parseGroups(tail, true);
  if (headGroups === undefined || tailGroups === undefined) return undefined;
  const count = headGroups.length + tailGroups.length;
  if (double < 0 ? count !== 8 : count > 7) return undefined;
  const groups = [...headGroups, ...Array<number>(8 - count).fill(0), ...tailGroups];
  return groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n);
}

/** Colon-separated hex groups; the last may be dotted IPv4 (two groups) when allowed. */
function parseGroups(text: string, ipv4Last: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (ipv4Last && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (part.length >= 1 && part.length <= 4 && [...part].every(isHexDigit)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}
