/**
 * One entry of an IP set: an address, a CIDR block or an inclusive range `first-last`.
 *
 * - Both ends of a range are of one family and the first is not after the last.
 * - A CIDR block names its network: host bits must be zero (`10.0.0.1/8` is refused with the
 *   block it probably means), so a typo cannot silently widen or shift a range.
 * - Entries inside `::ffff:0:0/96` become IPv4, as client addresses do (see ip-address.ts);
 *   the mapped part of a wider IPv6 entry (`::/0`) matches nothing, so `::/0` means every
 *   IPv6 client and never an IPv4 one.
 * - `text` is the canonical form, stored and shown instead of what was typed.
 */
import {
  MAPPED_FIRST,
  MAPPED_LAST,
  formatIpAddress,
  parseIpAddress,
  parseIpAddressRaw,
  type IpAddress,
} from './ip-address.ts';

export type IpEntryKind = 'address' | 'cidr' | 'range';

/** An inclusive interval of one family. */
export type IpInterval =
  | { readonly family: 4; readonly first: number; readonly last: number }
  | { readonly family: 6; readonly first: bigint; readonly last: bigint };

export type IpEntry = IpInterval & { readonly kind: IpEntryKind; readonly text: string };

export type ParsedIpEntry = { ok: true; entry: IpEntry } | { ok: false; problem: string };

const NOT_AN_ENTRY = 'is not an IPv4 or IPv6 address, CIDR or range';
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

function quote(text: string): string {
  return `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`;
}

function fail(text: string, why: string): ParsedIpEntry {
  return { ok: false, problem: `${quote(text)} ${why}` };
}

/** The interval from a to b when both are of one family, else undefined. */
function between(a: IpAddress, b: IpAddress): IpInterval | undefined {
  if (a.family === 4 && b.family === 4) return { family: 4, first: a.value, last: b.value };
  if (a.family === 6 && b.family === 6) return { family: 6, first: a.value, last: b.value };
  return undefined;
}

function parseAddressEntry(text: string): ParsedIpEntry {
  const a = parseIpAddress(text);
  const interval = a && between(a, a);
  if (!a || !interval) return fail(text, NOT_AN_ENTRY);
  return { ok: true, entry: { ...interval, kind: 'address', text: formatIpAddress(a) } };
}

function parseRangeEntry(text: string, dash: number): ParsedIpEntry {
  const a = parseIpAddress(text.slice(0, dash).trim());
  const b = parseIpAddress(text.slice(dash + 1).trim());
  if (!a || !b) return fail(text, NOT_AN_ENTRY);
  const interval = between(a, b);
  if (!interval) return fail(text, 'mixes IPv4 and IPv6 in one range');
  if (interval.first > interval.last) return fail(text, 'is a range whose start is after its end');
  const range = `${formatIpAddress(a)}-${formatIpAddress(b)}`;
  return { ok: true, entry: { ...interval, kind: 'range', text: range } };
}

function parseCidrEntry(text: string, slash: number): ParsedIpEntry {
  const a = parseIpAddressRaw(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!a || !PREFIX.test(bitsText)) return fail(text, NOT_AN_ENTRY);
  const bits = Number(bitsText);
  const width = a.family === 4 ? 32 : 128;
  if (bits > width) {
    return fail(text, `has a prefix length over ${width}, the most for IPv${a.family}`);
  }
  if (a.family === 4) {
    const size = 2 ** (32 - bits);
    const first = a.value - (a.value % size);
    if (first !== a.value) {
      return fail(
        text,
        `has host bits set; the block is ${formatIpAddress({ family: 4, value: first })}/${bits}`,
      );
    }
    const canonical = `${formatIpAddress(a)}/${bits}`;
    return {
      ok: true,
      entry: { family: 4, first, last: first + size - 1, kind: 'cidr', text: canonical },
    };
  }
  const size = 1n << BigInt(128 - bits);
  const first = a.value - (a.value % size);
  if (first !== a.value) {
    return fail(
      text,
      `has host bits set; the block is ${formatIpAddress({ family: 6, value: first })}/${bits}`,
    );
  }
  const last = first + size - 1n;
  if (first >= MAPPED_FIRST && last <= MAPPED_LAST) {
    const v4 = Number(first - MAPPED_FIRST);
    const canonical = `${formatIpAddress({ family: 4, value: v4 })}/${bits - 96}`;
    return {
      ok: true,
      entry: {
        family: 4,
        first: v4,
        last: Number(last - MAPPED_FIRST),
        kind: 'cidr',
        text: canonical,
      },
    };
  }
  const canonical = `${formatIpAddress(a)}/${bits}`;
  return { ok: true, entry: { family: 6, first, last, kind: 'cidr', text: canonical } };
}

/**
 * Parses one entry (surrounding spaces ignored); never throws.
 * @example parseIpEntry('192.0.2.0/24') // { ok: true, entry: { family: 4, kind: 'cidr', ... } }
 */
export function parseIpEntry(input: string): ParsedIpEntry {
  const text = input.trim();
  if (text.length > 100) return fail(text, NOT_AN_ENTRY);
  const slash = text.indexOf('/');
  if (slash >= 0) return parseCidrEntry(text, slash);
  const dash = text.indexOf('-');
  if (dash >= 0) return parseRangeEntry(text, dash);
  return parseAddressEntry(text);
}
