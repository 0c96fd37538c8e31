/**
 * The client certificate of a request, as data for the device-certificate check.
 *
 * - From our own TLS handshake whenever the client presented one, with `tlsVerified` saying
 *   whether the chain verified against the listener's CAs. An unverified one is still
 *   reported so the device-certificate check can name the real reason (expired, unknown
 *   issuer, wrong usage...) instead of "no certificate"; it decides on its own full check.
 * - From a forwarded header (FORWARDED_CERT_HEADER) only when the direct peer is a trusted
 *   proxy that terminated TLS: URL-encoded PEM (nginx `$ssl_client_escaped_cert`, AWS ALB),
 *   PEM with spaces for line breaks, or bare base64 DER. Anything unparsable is no
 *   certificate (fail closed); from an untrusted peer the header is never read.
 * - Behind a trusted proxy with the header configured, the TLS peer certificate is the
 *   proxy's own, not the client's, so only the header counts.
 * - Here nothing is decided: device-cert still checks issuer (the tenant's CA), validity and
 *   revocation. `source` says who verified the chain so far.
 */
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface ClientCertificate {
  /** `tls`: verified in our handshake; `forwarded`: passed on by a trusted proxy. */
  readonly source: 'tls' | 'forwarded';
  /** For `tls`: the handshake verified the chain; `forwarded`: the proxy's word (true). */
  readonly tlsVerified: boolean;
  readonly pem: string;
  /** SHA-256 of the DER, as X509Certificate#fingerprint256 (`AB:CD:...`). */
  readonly fingerprint: string;
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, as X509Certificate#serialNumber. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const MAX_HEADER_LENGTH = 16 * 1024;
const PEM = /^-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function describe(
  der: Buffer,
  source: ClientCertificate['source'],
  tlsVerified = true,
): ClientCertificate | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return undefined;
  }
  return Object.freeze({
    source,
    tlsVerified,
    pem: x509.toString(),
    fingerprint: x509.fingerprint256,
    subject: x509.subject,
    issuer: x509.issuer,
    serial: x509.serialNumber,
    notBefore: x509.validFromDate,
    notAfter: x509.validToDate,
  });
}

function isTlsSocket(socket: Socket): socket is TLSSocket {
  return 'encrypted' in socket && socket.encrypted === true;
}

/** The certificate presented in our TLS handshake, if any, and whether the handshake verified it. */
export function certificateFromSocket(socket: Socket): ClientCertificate | undefined {
  if (!isTlsSocket(socket)) return undefined;
  const peer = socket.getPeerCertificate(false);
  return peer?.raw ? describe(peer.raw, 'tls', socket.authorized) : undefined;
}

/**
 * The certificate in a forwarded header value; undefined when absent or unparsable.
 * @example certificateFromHeader(encodeURIComponent(pem))?.fingerprint
 */
export function certificateFromHeader(value: string | undefined): ClientCertificate | undefined {
  if (!value || value.length > MAX_HEADER_LENGTH) return undefined;
  let text = value.trim();
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text).trim();
    } catch {
      return undefined;
    }
  }
  const base64 = (PEM.exec(text)?.[1] ?? text).replace(/\s+/g, '');
  if (!BASE64.test(base64)) return undefined;
  return describe(Buffer.from(base64, 'base64'), 'forwarded');
}
