/**
 * The request context (STYLE §2 step 1): who is asking, from where and with what, built once
 * per request before anything else looks at it, then frozen.
 *
 * - `ip`: see client-ip.ts (socket, or forwarded headers only from trusted proxies).
 * - `clientCertificate`: see client-certificate.ts (verified TLS peer, or a trusted proxy's
 *   forwarded header).
 * - `userAgent`, `device`: the client's claims, for conditions and the audit log.
 * - `at`: from the injected clock, so one request sees one time.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '@sekisho/platform';
import type { IpMatcher } from '../policy/ip-set/index.ts';
import {
  certificateFromHeader,
  certificateFromSocket,
  type ClientCertificate,
} from './client-certificate.ts';
import { resolveClientIp, type IpSource } from './client-ip.ts';
import { classifyDevice, type DeviceClass } from './device-class.ts';
import type { ProxyHeader } from './forwarded-chain.ts';

export interface RequestContext {
  /** The client IP, canonical (IPv4-mapped IPv6 as IPv4); `unknown` without a socket address. */
  readonly ip: string;
  readonly ipSource: IpSource;
  /** The direct peer; differs from `ip` behind a trusted proxy. */
  readonly peerIp: string;
  readonly clientCertificate?: ClientCertificate | undefined;
  /** The User-Agent header (at most 512 characters), or ''. */
  readonly userAgent: string;
  readonly device: DeviceClass;
  readonly at: Date;
}

export interface RequestContextSettings {
  trustedProxies: IpMatcher;
  proxyHeader: ProxyHeader;
  /** Lower-case header name a trusted proxy puts the client certificate in, if any. */
  forwardedCertHeader: string | undefined;
  clock: Clock;
}

const MAX_USER_AGENT = 512;

function header(raw: IncomingMessage, name: string): string | undefined {
  const value = raw.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Builds the frozen context of one request from its raw message and socket. */
export function buildRequestContext(
  raw: IncomingMessage,
  settings: RequestContextSettings,
): RequestContext {
  const client = resolveClientIp({
    remoteAddress: raw.socket.remoteAddress,
    forwarded: header(raw, settings.proxyHeader),
    header: settings.proxyHeader,
    trustedProxies: settings.trustedProxies,
  });
  const certHeader = settings.forwardedCertHeader;
  const clientCertificate =
    client.peerTrusted && certHeader
      ? certificateFromHeader(header(raw, certHeader))
      : certificateFromSocket(raw.socket);
  const userAgent = (header(raw, 'user-agent') ?? '').slice(0, MAX_USER_AGENT);
  return Object.freeze({
    ip: client.ip,
    ipSource: client.source,
    peerIp: client.peer,
    ...(clientCertificate && { clientCertificate }),
    userAgent,
    device: classifyDevice(userAgent, header(raw, 'sec-ch-ua-mobile')),
    at: settings.clock.now(),
  });
}
