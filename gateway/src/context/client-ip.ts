/**
 * The client IP of a request.
 *
 * - The socket's peer address, unless that peer is a trusted proxy (TRUSTED_PROXIES): a
 *   forwarded header from anyone else is the client's own claim and is ignored.
 * - From a trusted peer, the one configured header (TRUSTED_PROXY_HEADER) is walked from the
 *   right, skipping hops that are themselves trusted proxies; the first untrusted hop is the
 *   client. Reading only one header matters: a proxy that appends to X-Forwarded-For passes
 *   a client's `Forwarded` through untouched, so honouring both would let the client choose.
 * - A hop that is not an address (garbage, `unknown`, an obfuscated name) ends the walk and
 *   the peer address is used: never trust garbage. If every hop is trusted, the left-most
 *   one is the client.
 * - Addresses come out canonical, IPv4-mapped IPv6 as IPv4 (`::ffff:127.0.0.1` -> 127.0.0.1).
 */
import { formatIpAddress, parseIpAddress, type IpMatcher } from '../policy/ip-set/index.ts';
import { forwardedChain, type ProxyHeader } from './forwarded-chain.ts';

export type IpSource = 'socket' | 'forwarded';

export interface ClientIp {
  ip: string;
  source: IpSource;
  /** The direct peer (the socket's remote address), canonical. */
  peer: string;
  /** Whether the direct peer is a trusted proxy. */
  peerTrusted: boolean;
}

export interface ClientIpInput {
  /** `socket.remoteAddress`; undefined once the socket is gone. */
  remoteAddress: string | undefined;
  /** The value of the configured forwarded header, if any. */
  forwarded: string | undefined;
  header: ProxyHeader;
  trustedProxies: IpMatcher;
}

/** What `ip` is when the socket has no usable address; it lies in no IP set. */
export const UNKNOWN_IP = 'unknown';

/**
 * @example
 * resolveClientIp({ remoteAddress: '::ffff:10.0.0.2', forwarded: '203.0.113.9, 10.0.0.3',
 *   header: 'x-forwarded-for', trustedProxies: compileIpRanges(['10.0.0.0/8']) })
 * // { ip: '203.0.113.9', source: 'forwarded', peer: '10.0.0.2', peerTrusted: true }
 */
export function resolveClientIp(input: ClientIpInput): ClientIp {
  const peerAddress = parseIpAddress(input.remoteAddress ?? '');
  if (!peerAddress) {
    return { ip: UNKNOWN_IP, source: 'socket', peer: UNKNOWN_IP, peerTrusted: false };
  }
  const peer = formatIpAddress(peerAddress);
  const peerTrusted = input.trustedProxies.containsAddress(peerAddress);
  const direct: ClientIp = { ip: peer, source: 'socket', peer, peerTrusted };
  if (!peerTrusted || !input.forwarded?.trim()) return direct;
  let client = peerAddress;
  for (const hop of forwardedChain(input.forwarded, input.header)) {
    if (!hop) return direct;
    client = hop;
    if (!input.trustedProxies.containsAddress(hop)) break;
  }
  return { ip: formatIpAddress(client), source: 'forwarded', peer, peerTrusted };
}
