/**
 * One literal of an `ip` term: an address (`192.0.2.1`), a CIDR block (`192.0.2.0/24`) or an
 * inclusive range (`10.0.0.1-10.0.0.50`), IPv4 or IPv6. Refused, with the offset of the bad
 * part: invalid addresses, prefixes beyond the family's width, host bits set after the prefix
 * (`192.0.2.5/24` is ambiguous: the admin may have meant the host), ranges mixing families or
 * running backwards. Accepted literals are returned in canonical text.
 */
import {
  FAMILY_BITS,
  formatIpAddress,
  parseIpAddress,
  type IpAddress,
  type IpFamily,
} from './ip-address.ts';
import { isPlainNumber } from './chars.ts';

export type IpLiteral =
  | { type: 'address'; family: IpFamily; canonical: string; address: string }
  | { type: 'subnet'; family: IpFamily; canonical: string; network: string; prefix: number }
  | { type: 'range'; family: IpFamily; canonical: string; start: string; end: string };

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
  const canonical = formatIpAddress(address);
  return { type: 'address', family: address.family, canonical, address: canonical };
}

function parseSubnet(addressText: string, prefixText: string, prefixOffset: number) {
  let address = parseIpAddress(addressText);
  if (!address) return { offset: 0, expected: ADDRESS, found: addressText };
  const writtenBits = addressText.includes(':') ? 128 : 32;
  const expectedPrefix = `a prefix length from 0 to ${writtenBits}`;
  if (!isPlainNumber(prefixText)) {
    return { offset: prefixOffset, expected: expectedPrefix, found: prefixText };
  }
  let prefix = Number(prefixText);
  if (prefix > writtenBits)
    return { offset: prefixOffset, expected: expectedPrefix, found: prefixText };
  if (writtenBits === 128 && address.family === 4) {
    // IPv4-mapped: a block inside ::ffff:0:0/96 is an IPv4 block; a wider one stays IPv6.
    if (prefix >= 96) prefix -= 96;
    else address = { family: 6, value: (0xffffn << 32n) | address.value };
  }
  const hostBits = BigInt(FAMILY_BITS[address.family] - prefix);
  const networkValue = (address.value >> hostBits) << hostBits;
  const network = formatIpAddress({ family: address.family, value: networkValue });
  if (networkValue !== address.value) {
    const expected = `a network address without host bits (${network}/${prefix})`;
    return { offset: 0, expected, found: `${addressText}/${prefixText}` };
  }
  return {
    type: 'subnet',
    family: address.family,
    canonical: `${network}/${prefix}`,
    network,
    prefix,
  } as const;
}

function parseRange(startText: string, endText: string, endOffset: number) {
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
  return rangeOf(start, end);
}

function rangeOf(start: IpAddress, end: IpAddress): IpLiteral {
  const [a, b] = [formatIpAddress(start), formatIpAddress(end)];
  return { type: 'range', family: start.family, canonical: `${a}-${b}`, start: a, end: b };
}

export function isIpLiteralError(value: IpLiteral | IpLiteralError): value is IpLiteralError {
  return 'offset' in value;
}
