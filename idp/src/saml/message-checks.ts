/**
 * Checks every inbound request message (AuthnRequest, LogoutRequest) passes once its SP is
 * known, each throwing the SamlError that names the broken rule:
 * - Version is 2.0 (SAML core §3.2.2.2: VersionMismatch with TooHigh/TooLow);
 * - IssueInstant is UTC and within REQUEST_MAX_AGE_MS (+ skew) in the past, and not more
 *   than CLOCK_SKEW_MS in the future;
 * - Destination, when present, is exactly this endpoint, and a signed message must carry it
 *   (SAML bindings §3.4.5.2, §3.5.5.2) — so a request meant for another IdP is refused;
 * - RelayState is within the SP's byte limit;
 * - the request ID was not seen before from this SP (one-time use, remembered with a TTL
 *   covering the whole acceptance window).
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { Kv } from '@sekisho/platform';
import { CLOCK_SKEW_MS, NS, REQUEST_MAX_AGE_MS, STATUS } from './saml-constants.ts';
import { SamlError } from './saml-error.ts';

const NCNAME = /^[A-Za-z_][\w.-]{0,255}$/;
const UTC_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

/** The text of the direct child saml:Issuer; a message without one cannot be attributed. */
export function readIssuer(root: Element): string {
  const issuer = Array.from(root.childNodes).find(
    (n) =>
      n.nodeType === 1 &&
      (n as Element).localName === 'Issuer' &&
      (n as Element).namespaceURI === NS.assertion,
  );
  const value = issuer?.textContent?.trim();
  if (!value) throw new SamlError('ERR_SAML_MALFORMED', 'the message has no Issuer');
  return value;
}

/** The message ID when it is a usable NCName (for InResponseTo), else undefined. */
export function messageId(root: Element): string | undefined {
  const id = root.getAttribute('ID');
  return id && NCNAME.test(id) ? id : undefined;
}

export function checkVersion(root: Element): void {
  const version = root.getAttribute('Version');
  if (version === '2.0') return;
  const second =
    Number.parseFloat(version ?? '0') > 2
      ? STATUS.requestVersionTooHigh
      : STATUS.requestVersionTooLow;
  throw new SamlError('ERR_SAML_VERSION', 'only SAML 2.0 is supported', {
    status: { top: STATUS.versionMismatch, second },
    detail: `Version=${version ?? ''}`,
  });
}

export function checkIssueInstant(root: Element, now: Date): void {
  const raw = root.getAttribute('IssueInstant') ?? '';
  const at = UTC_INSTANT.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(at))
    throw new SamlError('ERR_SAML_MALFORMED', 'IssueInstant is not a UTC dateTime');
  const age = now.getTime() - at;
  if (age > REQUEST_MAX_AGE_MS + CLOCK_SKEW_MS || age < -CLOCK_SKEW_MS)
    throw new SamlError('ERR_SAML_STALE', 'the request is too old or from the future', {
      detail: `IssueInstant=${raw}`,
    });
}

export function checkDestination(root: Element, expected: string, signed: boolean): void {
  const destination = root.getAttribute('Destination');
  if (destination === null || destination === '') {
    if (signed)
      throw new SamlError('ERR_SAML_DESTINATION', 'a signed request must name its Destination');
    return;
  }
  if (destination !== expected)
    throw new SamlError('ERR_SAML_DESTINATION', 'the request is addressed to another endpoint', {
      detail: `Destination=${destination}`,
    });
}

export function checkRelayState(relayState: string | undefined, maxBytes: number): void {
  if (relayState !== undefined && Buffer.byteLength(relayState) > maxBytes)
    throw new SamlError('ERR_SAML_RELAY_STATE', `RelayState is longer than ${maxBytes} bytes`);
}

/** Remembers the request ID; throws when this SP already used it. */
export async function checkReplay(
  kv: Kv,
  tenantId: string,
  spEntityId: string,
  root: Element,
): Promise<void> {
  const id = messageId(root);
  if (!id) throw new SamlError('ERR_SAML_MALFORMED', 'the request ID is missing or not an NCName');
  const sp = createHash('sha256').update(spEntityId).digest('base64url');
  const fresh = await kv.setIfAbsent(`saml:seen:${tenantId}:${sp}:${id}`, '1', {
    ttlMs: REQUEST_MAX_AGE_MS + 2 * CLOCK_SKEW_MS,
  });
  if (!fresh)
    throw new SamlError('ERR_SAML_REPLAY', 'this request was already used', { detail: `ID=${id}` });
}
