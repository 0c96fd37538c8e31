/**
 * One literal of an `ip` term: an address (`192.0.2.1`), a CIDR block (`192.0.2.0/24`) or an
 * inclusive range (`10.0.0.1-10.0.0.50`), IPv4 or IPv6. Refused, with the offset of the bad
 * part: invalid addresses, prefixes beyond the family's width, host bits set after the prefix
 * (`192.0.2.5/24` is ambiguous: the admin may have meant the host), ranges mixing families or
 * running backwards. Accepted literals come back in canonical text with their first and last
 * address as numbers, which is what the `ip` term matches against.
 */
import { FAMILY_BITS, formatIpAddress, parseIpAddress, type IpFamily } from './ip-address.ts';
import { isPlainNumber } from './chars.ts';

export interface IpLiteral {
  family: IpFamily;
  canonical: string;
  first: bigint;
  last: bigint;
}

export interface IpLiteralError {
  /** Offset of the bad part within the literal. */
  offset: number;
  expected: string;
  found: string;
}

const ADDRESS = 'an IPv4 or IPv6 address';

export function parseIpLiteral(text: string): IpLiteral | IpLiteralError {
  const slash = text.indexOf('/');
  if (slash >= 0) return parseSubnet(text.slice(0, slash), text.slice(slash + 1), slash + 1);
  const dash = text.indexOf('-');
  if (dash >= 0) return parseRange(text.slice(0, dash), text.slice(dash + 1), dash + 1);
  const address = parseIpAddress(text);
  if (!address) return { offset: 0, expected: ADDRESS, found: text };
  const { family, value } = address;
  return { family, canonical: formatIpAddress(address), first: value, last: value };
}

export function isIpLiteralError(value: IpLiteral | IpLiteralError): value is IpLiteralError {
  return 'offset' in value;
}

function parseSubnet(
  addressText: string,
  prefixText: string,
  prefixOffset: number,
): IpLiteral | IpLiteralError {
  let address = parseIpAddress(addressText);
  if (!address) return { offset: 0, expected: ADDRESS, found: addressText };
  const writtenBits = addressText.includes(':') ? 128 : 32;
  const expectedPrefix = `a prefix length from 0 to ${writtenBits}`;
  if (!isPlainNumber(prefixText) || Number(prefixText) > writtenBits) {
    return { offset: prefixOffset, expected: expectedPrefix, found: prefixText };
  }
  let prefix = Number(prefixText);
  if (writtenBits === 128 && address.family === 4) {
    // IPv4-mapped: a block inside ::ffff:0:0/96 is an IPv4 block; a wider one stays IPv6.
    if (prefix >= 96) prefix -= 96;
    else address = { family: 6, value: (0xffffn << 32n) | address.value };
  }
  const { family, value } = address;
  const hostBits = BigInt(FAMILY_BITS[family] - prefix);
  const first = (value >> hostBits) << hostBits;
  const network = formatIpAddress({ family, value: first });
  if (first !== value) {
    const expected = `a network address without host bits (${network}/${prefix})`;
    return { offset: 0, expected, found: `${addressText}/${prefixText}` };
  }
  const last = first | ((1n << hostBits) - 1n);
  return { family, canonical: `${network}/${prefix}`, first, last };
}

function parseRange(
  startText: string,
  endText: string,
  endOffset: number,
): IpLiteral | IpLiteralError {
  const start = parseIpAddress(startText);
  if (!start) return { offset: 0, expected: ADDRESS, found: startText };
  const end = parseIpAddress(endText);
  if (!end) return { offset: endOffset, expected: ADDRESS, found: endText };
  if (end.family !== start.family) {
    const expected = `an IPv${start.family} address, the family of the range's start`;
    return { offset: endOffset, expected, found: endText };
  }
  if (end.value < start.value) {
    const expected = `an address not lower than the range's start ${formatIpAddress(start)}`;
    return { offset: endOffset, expected, found: endText };
  }
  const canonical = `${formatIpAddress(start)}-${formatIpAddress(end)}`;
  return { family: start.family, canonical, first: start.value, last: end.value };
}
