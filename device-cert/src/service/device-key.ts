/**
 * The public keys a device certificate may carry, and what each key may be used for:
 * - RSA of 2048 bits or more (server-generated keys, and CSRs): digitalSignature +
 *   keyEncipherment (RSA key transport in TLS 1.2);
 * - EC on P-256 or P-384, the keys of Apple's Secure Enclave (P-256 only), TPMs and MDM
 *   enrolments: digitalSignature only, as an EC key cannot encipher keys (RFC 5480 §3).
 * Anything else (Ed25519, P-521, secp256k1, RSA-PSS-only or DSA keys, RSA under 2048 bits) is
 * refused: keychains, MDMs and TLS stacks do not all take it, so it would fail later, on a
 * device, instead of now with a reason.
 */
import type { KeyObject } from 'node:crypto';

export type DeviceKeyKind = 'rsa' | 'ec';

/** What `deviceKeyKind` accepts, in words (for error messages and docs). */
export const ACCEPTED_DEVICE_KEYS = 'RSA (2048 bits or more), EC P-256 or EC P-384';

const MIN_RSA_BITS = 2048;
/** Node's (OpenSSL's) names of P-256 and P-384. */
const EC_CURVES: readonly string[] = ['prime256v1', 'secp384r1'];

/** The kind of an accepted device key, or `undefined` when it is not accepted. */
export function deviceKeyKind(key: KeyObject): DeviceKeyKind | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= MIN_RSA_BITS) {
    return 'rsa';
  }
  if (key.asymmetricKeyType === 'ec' && EC_CURVES.includes(details.namedCurve ?? '')) {
    return 'ec';
  }
  return undefined;
}

/** A short name of a key for a refusal: "RSA-1024", "EC secp256k1", "ed25519". */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `RSA-${details.modulusLength ?? '?'}`;
  if (key.asymmetricKeyType === 'ec') return `EC ${details.namedCurve ?? 'explicit parameters'}`;
  return key.asymmetricKeyType ?? 'unknown';
}
