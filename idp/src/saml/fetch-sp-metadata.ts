/**
 * Fetches SP metadata from a URL for registration, defensively, since the URL comes from a
 * tenant admin and the server makes the request:
 * - https only; plain http and IP-literal loopback/private hosts only with `allowLoopback`
 *   (tests and local development fetch from 127.0.0.1);
 * - no redirects followed (a redirect could lead to an internal address);
 * - at most `maxBytes` read (the body is streamed and cut off), within `timeoutMs`.
 * - a host name is resolved first and refused when any of its addresses is loopback or
 *   private (a name pointing inside the network); a name that changes its answer between
 *   this lookup and the connection (DNS rebinding) is not caught here.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
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
  if (internal && !allowLoopback) throw invalid('must not point at a loopback or private address');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && internal && allowLoopback))
    throw invalid('must use https');
  return url;
}

async function readLimited(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw invalid(`the metadata is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
}

export async function fetchSpMetadata(
  rawUrl: string,
  options: FetchSpMetadataOptions = {},
): Promise<SpMetadataConfig> {
  const url = checkUrl(rawUrl, options.allowLoopback ?? false);
  if (!options.allowLoopback && !isIP(url.hostname.replace(/^\[|\]$/g, ''))) {
    const resolve =
      options.resolve ??
      (async (host: string) => (await lookup(host, { all: true })).map((a) => a.address));
    const addresses = await resolve(url.hostname).catch(() => {
      throw invalid('the metadata host name does not resolve');
    });
    if (addresses.some((a) => isInternalHost(a))) {
      throw invalid('must not point at a loopback or private address');
    }
  }
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES;
  let res: Response;
  try {
    res = await fetch(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
    });
  } catch (cause) {
    const timeout = (cause as Error).name === 'TimeoutError';
    throw invalid(
      timeout ? 'the metadata URL did not answer in time' : 'the metadata URL could not be fetched',
    );
  }
  if (!res.ok || !res.body) throw invalid(`the metadata URL answered HTTP ${res.status}`);
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body.cancel();
    throw invalid(`the metadata is larger than ${maxBytes} bytes`);
  }
  return parseSpMetadata(await readLimited(res.body, maxBytes));
}
