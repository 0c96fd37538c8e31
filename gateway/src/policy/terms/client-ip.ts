/**
 * The client IP as the `ip` terms compare it: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes
 * the IPv4 address, so a dual-stack listener cannot be used to step around an IPv4 rule.
 * Anything that is not a plain address (a zone index `fe80::1%eth0` included) is refused, and
 * the terms then fail closed.
 *
 * The last answer is remembered: every `ip` term of every rule of one login asks about the
 * same address. (A pure function of its argument, so sharing it across requests is safe.)
 */
import { formatIpAddress, parseIpAddress, type IpFamily } from './ip-address.ts';
import type { TermResult } from './term.ts';

/** An `ip` or `ip in` term when the client IP is not an address. */
export const IP_INVALID: TermResult = Object.freeze({ result: false, reason: 'ip-invalid' });

export interface ClientIp {
  /** IPv4 dotted decimal, or IPv6 in RFC 5952 text. */
  address: string;
  family: IpFamily;
  value: bigint;
}

let last: { ip: string; client: ClientIp | undefined } = { ip: '', client: undefined };

export function normalizeClientIp(ip: string): ClientIp | undefined {
  if (ip !== last.ip) {
    const parsed = parseIpAddress(ip);
    const client = parsed && Object.freeze({ ...parsed, address: formatIpAddress(parsed) });
    last = { ip, client };
  }
  return last.client;
}
