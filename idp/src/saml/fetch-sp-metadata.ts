/**
 * Fetches SP metadata from a URL for registration, defensively, since the URL comes from a
 * tenant admin and the server makes the request:
 * - https only; plain http and IP-literal loopback/private hosts only with `allowLoopback`
 *   (tests and local development fetch from 127.0.0.1);
 * - no redirects followed (a redirect could lead to an internal address);
 * - at most `maxBytes` read (the body is streamed and cut off), within `timeoutMs`;
 * - a host name is resolved first and refused when any of its addresses is loopback or
 *   private (a name pointing inside the network). The connection then resolves the name
 *   again through the same check (node:https's `lookup` hook) and connects only to the
 *   addresses that check passed, so a name that changes its answer in between (DNS
 *   rebinding) is refused too, before any byte is sent.
 */
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { ValidationError } from '@sekisho/platform';
import { MAX_METADATA_BYTES, parseSpMetadata, type SpMetadataConfig } from './sp-metadata.ts';

export interface FetchSpMetadataOptions {
  /** Resolves a host name to its addresses (default: the system resolver). */
  resolve?: (host: string) => Promise<string[]>;
  maxBytes?: number;
  timeoutMs?: number;
  allowLoopback?: boolean;
}

const invalid = (message: string) => new ValidationError([{ field: 'metadataUrl', message }]);
const INTERNAL_MESSAGE = 'must not point at a loopback or private address';

function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!isIP(host)) return false;
  return (
    /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|0\.)/.test(host) ||
    /^(::1$|fc|fd|fe80:|::ffff:)/i.test(host)
  );
}

function checkUrl(raw: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('must be an absolute URL');
  }
  const internal = isInternalHost(url.hostname);
  if (internal && !allowLoopback) throw invalid(INTERNAL_MESSAGE);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && internal && allowLoopback))
    throw invalid('must use https');
  return url;
}

/** A `lookup` for node:http(s) that resolves with `resolve` and refuses internal addresses. */
function guardedLookup(resolve: (host: string) => Promise<string[]>): LookupFunction {
  return (host, options, callback) => {
    resolve(host).then(
      (addresses) => {
        if (!addresses.length || addresses.some((a) => isInternalHost(a))) {
          callback(invalid(INTERNAL_MESSAGE), '', 4);
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

const systemResolve = (host: string): Promise<string[]> =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  );

/** GET `url` with no redirects, the address check at connect time, and a deadline. */
function get(url: URL, options: FetchSpMetadataOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const guarded = !options.allowLoopback && !isIP(url.hostname.replace(/^\[|\]$/g, ''));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      ...(guarded && { lookup: guardedLookup(options.resolve ?? systemResolve) }),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

async function readLimited(res: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) {
      res.destroy();
      throw invalid(`the metadata is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function fetchSpMetadata(
  rawUrl: string,
  options: FetchSpMetadataOptions = {},
): Promise<SpMetadataConfig> {
  const url = checkUrl(rawUrl, options.allowLoopback ?? false);
  if (!options.allowLoopback && !isIP(url.hostname.replace(/^\[|\]$/g, ''))) {
    const addresses = await (options.resolve ?? systemResolve)(url.hostname).catch(() => {
      throw invalid('the metadata host name does not resolve');
    });
    if (addresses.some((a) => isInternalHost(a))) throw invalid(INTERNAL_MESSAGE);
  }
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES;
  let res: IncomingMessage;
  try {
    res = await get(url, options);
  } catch (cause) {
    if (cause instanceof ValidationError) throw cause;
    const timeout = ['TimeoutError', 'AbortError'].includes((cause as Error).name);
    throw invalid(
      timeout ? 'the metadata URL did not answer in time' : 'the metadata URL could not be fetched',
    );
  }
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    res.resume();
    throw invalid('the metadata URL redirects elsewhere; give the address it redirects to');
  }
  if (status !== 200) {
    res.resume();
    throw invalid(`the metadata URL answered HTTP ${status}`);
  }
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
    res.destroy();
    throw invalid(`the metadata is larger than ${maxBytes} bytes`);
  }
  return parseSpMetadata(await readLimited(res, maxBytes));
}
