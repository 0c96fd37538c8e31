/**
 * Fetches SP metadata from a URL for registration, defensively, since the URL comes from a
 * tenant admin and the server makes the request. The request is platform's `guardedGet`:
 * - https only; plain http and loopback/private hosts only with `allowLoopback` (tests and
 *   local development fetch from 127.0.0.1);
 * - no redirects followed (a redirect could lead to an internal address);
 * - at most `maxBytes` read (the body is streamed and cut off), within `timeoutMs`;
 * - a host name is resolved first and refused when any of its addresses is loopback or
 *   private (a name pointing inside the network), and again when connecting, so a name that
 *   changes its answer in between (DNS rebinding) is refused too, before any byte is sent.
 * Every refusal is a `ValidationError` on `metadataUrl` saying what to fix.
 */
import {
  GuardedGetError,
  ValidationError,
  guardedGet,
  type GuardedGetRefusal,
  type GuardedGetResponse,
} from '@sekisho/platform';
import { MAX_METADATA_BYTES, parseSpMetadata, type SpMetadataConfig } from './sp-metadata.ts';

export interface FetchSpMetadataOptions {
  /** Resolves a host name to its addresses (default: the system resolver). */
  resolve?: (host: string) => Promise<string[]>;
  maxBytes?: number;
  timeoutMs?: number;
  allowLoopback?: boolean;
}

const invalid = (message: string) => new ValidationError([{ field: 'metadataUrl', message }]);

/** What the admin is told for each refusal of the guarded GET. */
const MESSAGES: Record<GuardedGetRefusal, (maxBytes: number) => string> = {
  'invalid-url': () => 'must be an absolute URL',
  'not-https': () => 'must use https',
  'internal-address': () => 'must not point at a loopback or private address',
  unresolvable: () => 'the metadata host name does not resolve',
  unreachable: () => 'the metadata URL could not be fetched',
  timeout: () => 'the metadata URL did not answer in time',
  redirect: () => 'the metadata URL redirects elsewhere; give the address it redirects to',
  'too-large': (maxBytes) => `the metadata is larger than ${maxBytes} bytes`,
};

export async function fetchSpMetadata(
  rawUrl: string,
  options: FetchSpMetadataOptions = {},
): Promise<SpMetadataConfig> {
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES;
  let res: GuardedGetResponse;
  try {
    res = await guardedGet(rawUrl, {
      allowHttp: options.allowLoopback ?? false,
      allowLoopback: options.allowLoopback ?? false,
      maxBytes,
      timeoutMs: options.timeoutMs ?? 5000,
      accept: 'application/samlmetadata+xml, application/xml, text/xml',
      ...(options.resolve && { resolve: options.resolve }),
    });
  } catch (err) {
    if (err instanceof GuardedGetError) throw invalid(MESSAGES[err.reason](maxBytes));
    throw err;
  }
  if (res.status !== 200) throw invalid(`the metadata URL answered HTTP ${res.status}`);
  return parseSpMetadata(res.body.toString('utf8'));
}
