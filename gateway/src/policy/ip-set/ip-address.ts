/**
 * IP addresses as numbers, parsed strictly and printed canonically.
 *
 * - IPv4 is a number in [0, 2^32); IPv6 is a bigint in [0, 2^128).
 * - Only plain dotted-quad IPv4 (no leading zeros, no octal or hex forms) and RFC 4291 IPv6
 *   text (optionally ending in dotted IPv4) are accepted; zone ids (`%eth0`) are not.
 * - `parseIpAddress` normalizes IPv4-mapped IPv6 (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) to
 *   IPv4, so a dual-stack socket and an IPv4 socket give the same client address.
 * - `formatIpAddress` prints RFC 5952 text (lower case, longest zero run compressed).
 */

export type IpAddress =
  { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint };

export const IPV4_MAX = 0xffff_ffff;
export const IPV6_MAX = (1n << 128n) - 1n;
/** `::ffff:0:0/96`, the IPv4-mapped IPv6 block. */
export const MAPPED_FIRST = 0xffff_0000_0000n;
export const MAPPED_LAST = 0xffff_ffff_ffffn;

/** A dotted-quad IPv4 address as a number, or undefined. Scans characters: the hot path. */
export function parseIpv4(text: string): number | undefined {
  const n = text.length;
  if (n < 7 || n > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // a leading zero: octal in some parsers
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : undefined;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The eight 16-bit groups of an IPv6 address, or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  const n = text.length;
  if (n < 2 || n > 45) return undefined;
  const groups: number[] = [];
  let gap = -1; // where `::` stands, as an index into groups
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let value = 0;
    while (i < n && i - start < 5) {
      const digit = hexDigit(text.charCodeAt(i));
      if (digit < 0) break;
      value = value * 16 + digit;
      i++;
    }
    if (text.charCodeAt(i) === 46) {
      const v4 = parseIpv4(text.slice(start));
      if (v4 === undefined || groups.length > 6) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
      break;
    }
    if (i === start || i - start > 4 || groups.length === 8) return undefined;
    groups.push(value);
    if (i === n) break;
    if (text.charCodeAt(i++) !== 58 || i === n) return undefined;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      i++;
    }
  }
  if (gap < 0) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  return groups;
}

/** An IPv6 address as a bigint, or undefined. IPv4-mapped addresses stay IPv6 here. */
export function parseIpv6(text: string): bigint | undefined {
  const g = ipv6Groups(text);
  if (!g) return undefined;
  const word = (k: number) => BigInt((g[k] ?? 0) * 0x10000 + (g[k + 1] ?? 0));
  return (word(0) << 96n) | (word(2) << 64n) | (word(4) << 32n) | word(6);
}

/** An address as written, without normalizing IPv4-mapped IPv6. */
export function parseIpAddressRaw(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** An IPv4-mapped IPv6 address as IPv4; any other address unchanged. */
export function normalizeIpAddress(address: IpAddress): IpAddress {
  if (address.family === 6 && address.value >= MAPPED_FIRST && address.value <= MAPPED_LAST) {
    return { family: 4, value: Number(address.value - MAPPED_FIRST) };
  }
  return address;
}

/**
 * Parses an IPv4 or IPv6 address, IPv4-mapped IPv6 normalized to IPv4.
 * @example parseIpAddress('::ffff:192.0.2.1') // { family: 4, value: 3221225985 }
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const raw = parseIpAddressRaw(text);
  return raw && normalizeIpAddress(raw);
}

function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/**
 * The canonical text of an address.
 * @example formatIpAddress(parseIpAddress('2001:DB8:0:0:0::1')!) // '2001:db8::1'
 */
export function formatIpAddress(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}

/** The canonical text of an address given as text, or undefined if it is not one. */
export function canonicalIp(text: string): string | undefined {
  const address = parseIpAddress(text);
  return address && formatIpAddress(address);
}
