/**
 * The client IP as the `ip` terms compare it: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes
 * the IPv4 address, so a dual-stack listener cannot be used to step around an IPv4 rule.
 * Anything that is not a plain address (a zone index `fe80::1%eth0` included) is refused, and
 * the terms then fail closed.
 */
import { isIP } from 'node:net';
import { formatIpAddress, parseIpAddress } from './ip-address.ts';
import type { TermResult } from './term.ts';

/** An `ip` or `ip in` term when the client IP is not an address. */
export const IP_INVALID: TermResult = Object.freeze({ result: false, reason: 'ip-invalid' });

export interface ClientIp {
  address: string;
  family: 'ipv4' | 'ipv6';
}

export function normalizeClientIp(ip: string): ClientIp | undefined {
  const family = isIP(ip);
  if (family === 4) return { address: ip, family: 'ipv4' };
  if (family === 0 || ip.includes('%')) return undefined;
  const parsed = parseIpAddress(ip);
  if (!parsed) return undefined;
  return { address: formatIpAddress(parsed), family: parsed.family === 4 ? 'ipv4' : 'ipv6' };
}
