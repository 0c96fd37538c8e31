/**
 * A GET for server-side fetches of URLs an admin typed in (SP metadata, a trust anchor's CRL).
 * The server makes the request, so the URL must not become a way into our own network (SSRF):
 * - https only, plain http with `allowHttp` (CRLs are served over http by design and protect
 *   themselves with their signature, RFC 5280 §4.2.1.13);
 * - loopback, private, link-local and other special-use addresses (and `localhost`) are refused,
 *   unless `allowLoopback` (tests and local development on 127.0.0.1, an intranet server);
 * - a host name is resolved first and refused when any of its addresses is such an address.
 *   The connection resolves it again through the same check (node:http(s)'s `lookup` hook) and
 *   connects only to addresses that passed, so a name that changes its answer in between (DNS
 *   rebinding) is refused too, before any byte is sent. No connection pool: a socket opened
 *   under other rules is never reused;
 * - no redirect is followed (it could lead to an internal address): a 3xx is refused;
 * - at most `maxBytes` are read (the body is streamed and cut off), all within `timeoutMs`.
 * Other statuses are returned as they are; the caller decides what it accepts.
 */
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Why a guarded GET was refused or failed. */
export type GuardedGetRefusal =
  | 'invalid-url'
  | 'not-https'
  | 'internal-address'
  | 'unresolvable'
  | 'unreachable'
  | 'timeout'
  | 'redirect'
  | 'too-large';

/** A refused or failed guarded GET; `reason` says why (the message is for people). */
export class GuardedGetError extends Error {
  readonly code = 'ERR_GUARDED_GET' as const;
  readonly reason: GuardedGetRefusal;
  constructor(reason: GuardedGetRefusal, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'GuardedGetError';
    this.reason = reason;
  }
}

export interface GuardedGetOptions {
  /** Allow plain http (default false: https only). */
  allowHttp?: boolean;
  /** Allow loopback, private and link-local addresses (default false). */
  allowLoopback?: boolean;
  /** Largest body read (default 1 MiB). */
  maxBytes?: number;
  /** Deadline for connecting, the answer and the whole body (default 5 s). */
  timeoutMs?: number;
  /** Resolves a host name to its addresses (default: the system resolver). */
  resolve?: (host: string) => Promise<string[]>;
  /** The Accept header (default `*\/*`). */
  accept?: string;
}

export interface GuardedGetResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const IPV4_SPECIAL = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast, reserved, broadcast
] as const;
const IPV6_SPECIAL = [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['::ffff:0:0', 96], // IPv4-mapped
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const;
// Two lists: node's BlockList matches IPv4 addresses against IPv6 rules as if mapped.
const ipv4Special = new BlockList();
for (const [net, prefix] of IPV4_SPECIAL) ipv4Special.addSubnet(net, prefix, 'ipv4');
const ipv6Special = new BlockList();
for (const [net, prefix] of IPV6_SPECIAL) ipv6Special.addSubnet(net, prefix, 'ipv6');

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** Whether a host (name or IP literal) is loopback, private, link-local or otherwise internal. */
export function isInternalHost(hostname: string): boolean {
  const host = bare(hostname).toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family === 4) return ipv4Special.check(host, 'ipv4');
  if (family === 6) return ipv6Special.check(host, 'ipv6');
  return false;
}

const refused = (reason: GuardedGetRefusal, message: string, cause?: unknown) =>
  new GuardedGetError(reason, message, { cause });
const internal = () =>
  refused('internal-address', 'the URL must not point at a loopback or private address');

function checkUrl(raw: string, options: GuardedGetOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('invalid-url', 'the URL must be an absolute URL');
  }
  if (isInternalHost(url.hostname) && !options.allowLoopback) throw internal();
  if (url.protocol === 'http:' && options.allowHttp) return url;
  if (url.protocol !== 'https:') {
    throw refused('not-https', `the URL must use ${options.allowHttp ? 'http or ' : ''}https`);
  }
  return url;
}

const systemResolve = (host: string): Promise<string[]> =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  );

/** A `lookup` for node:http(s) that resolves with `resolve` and refuses internal addresses. */
function guardedLookup(resolve: (host: string) => Promise<string[]>): LookupFunction {
  return (host, options, callback) => {
    resolve(host).then(
      (addresses) => {
        if (!addresses.length || addresses.some((a) => isInternalHost(a))) {
          callback(internal(), '', 4);
          return;
        }
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, entries);
        else callback(null, entries[0]!.address, entries[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}

/** Sends the GET; resolves with the response head. */
function send(url: URL, options: GuardedGetOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const guarded = !options.allowLoopback && !isIP(bare(url.hostname));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      agent: false,
      headers: { accept: options.accept ?? '*/*' },
      signal,
      ...(guarded && { lookup: guardedLookup(options.resolve ?? systemResolve) }),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

const tooLarge = (maxBytes: number) =>
  refused('too-large', `the answer is larger than ${maxBytes} bytes`);

async function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
    res.destroy();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) {
      res.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * GETs `rawUrl` under the rules above; throws a `GuardedGetError` when refused or failed.
 *
 * @example
 * const { status, body } = await guardedGet('http://pki.example.com/ca.crl', {
 *   allowHttp: true, maxBytes: 10 * 1024 * 1024, timeoutMs: 10_000,
 * });
 */
export async function guardedGet(
  rawUrl: string,
  options: GuardedGetOptions = {},
): Promise<GuardedGetResponse> {
  const url = checkUrl(rawUrl, options);
  if (!options.allowLoopback && !isIP(bare(url.hostname))) {
    const addresses = await (options.resolve ?? systemResolve)(url.hostname).catch(() => []);
    if (!addresses.length) throw refused('unresolvable', 'the host name does not resolve');
    if (addresses.some((a) => isInternalHost(a))) throw internal();
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    const res = await send(url, options, deadline.signal);
    deadline.signal.addEventListener('abort', () => res.destroy(), { once: true });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400) {
      res.destroy();
      throw refused('redirect', `the URL redirects (HTTP ${status}); redirects are not followed`);
    }
    return { status, headers: res.headers, body: await readBody(res, options.maxBytes ?? 1 << 20) };
  } catch (cause) {
    if (cause instanceof GuardedGetError) throw cause;
    if (deadline.signal.aborted) {
      throw refused('timeout', `no complete answer within ${timeoutMs} ms`, cause);
    }
    const code = (cause as NodeJS.ErrnoException).code;
    throw refused('unreachable', `the URL could not be fetched${code ? ` (${code})` : ''}`, cause);
  } finally {
    clearTimeout(timer);
  }
}
