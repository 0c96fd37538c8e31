/**
 * The network a client address belongs to, for copy detection: IPv4 /24, IPv6 /64 (a home or
 * office line usually keeps its prefix while its addresses change). An IPv4-mapped IPv6
 * address (`::ffff:192.0.2.1`) counts as its IPv4 address. Undefined for a non-address.
 */
import { isIPv4, isIPv6 } from 'node:net';

function expandIPv6(ip: string): string[] | undefined {
  const [head = '', tail, extra] = ip.split('::');
  if (extra !== undefined) return undefined;
  const part = (s: string) => (s ? s.split(':') : []);
  const left = part(head);
  const right = part(tail ?? '');
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right];
  return groups.length === 8 ? groups.map((g) => g.toLowerCase().padStart(4, '0')) : undefined;
}

export function networkOf(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = mapped ? mapped[1]! : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(ip) || ip.includes('.')) return undefined;
  const groups = expandIPv6(ip.split('%')[0]!);
  return groups && `${groups.slice(0, 4).join(':')}::/64`;
}
