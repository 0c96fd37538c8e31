/**
 * The client addresses proxies recorded in `X-Forwarded-For` or `Forwarded` (RFC 7239),
 * read from the right: the right-most hop was written by our direct peer, the left-most by
 * whoever sent the request first (and may be anything the client chose).
 *
 * - Read right to left, so a client's malformed prefix cannot hide what the trusted proxies
 *   appended after it: `Forwarded` elements are split on commas outside quoted strings,
 *   counting quotes from the right.
 * - Only `for=` is read from `Forwarded`; `by`, `host`, `proto` and extensions are ignored.
 *   An element without exactly one `for`, or with a quoted-pair escape, is unusable.
 * - A hop is an IPv4 address, an IPv6 address (bracketed in `Forwarded`, RFC 7239 §6; bare
 *   or bracketed in `X-Forwarded-For`), optionally with a numeric port. `unknown`,
 *   obfuscated identifiers (`_hidden`) and anything else are unusable (undefined).
 */
import { parseIpAddress, type IpAddress } from '../policy/ip-set/index.ts';

export type ProxyHeader = 'x-forwarded-for' | 'forwarded';

const PORT = /^\d{1,5}$/;

/** A node (`192.0.2.1`, `192.0.2.1:80`, `[2001:db8::1]:4711`, `2001:db8::1`) as an address. */
export function parseForwardedNode(node: string): IpAddress | undefined {
  let host = node;
  let port: string | undefined;
  if (node.startsWith('[')) {
    const close = node.indexOf(']');
    if (close < 0) return undefined;
    host = node.slice(1, close);
    const rest = node.slice(close + 1);
    if (!host.includes(':') || (rest !== '' && !rest.startsWith(':'))) return undefined;
    port = rest === '' ? undefined : rest.slice(1);
  } else if (node.indexOf(':') > 0 && node.indexOf(':') === node.lastIndexOf(':')) {
    [host = '', port] = node.split(':');
  }
  if (port !== undefined && !(PORT.test(port) && Number(port) <= 65535)) return undefined;
  return parseIpAddress(host);
}

/** Splits on `separator` outside quoted strings, returning the parts right to left. */
function splitFromRight(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let end = text.length;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      parts.push(text.slice(i + 1, end).trim());
      end = i;
    }
  }
  parts.push(text.slice(0, end).trim());
  return parts;
}

/** The `for=` node of one `Forwarded` element, unquoted; undefined when unusable. */
function forOfElement(element: string): string | undefined {
  let found: string | undefined;
  for (const pair of splitFromRight(element, ';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) return undefined;
    if (pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
    if (found !== undefined) return undefined; // RFC 7239 §4: a parameter at most once
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) return undefined;
      value = value.slice(1, -1);
      if (value.includes('\\') || value.includes('"')) return undefined;
    }
    found = value;
  }
  return found;
}

/**
 * The forwarded hops in a header value, right-most first; undefined marks an unusable hop.
 * @example forwardedChain('for=192.0.2.60;proto=http, for="[2001:db8::1]"', 'forwarded')
 * // [{ family: 6, ... }, { family: 4, ... }]
 */
export function forwardedChain(value: string, header: ProxyHeader): (IpAddress | undefined)[] {
  if (header === 'x-forwarded-for') {
    return value
      .split(',')
      .reverse()
      .map((hop) => parseForwardedNode(hop.trim()));
  }
  return splitFromRight(value, ',').map((element) => {
    const node = forOfElement(element);
    return node === undefined ? undefined : parseForwardedNode(node);
  });
}
