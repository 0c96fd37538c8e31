/**
 * Counts the private-key signatures this thread makes, by key type, without touching
 * production code: oidc-provider signs ID tokens through jose with WebCrypto
 * (`crypto.subtle.sign`), xml-crypto signs SAML XML with `crypto.createSign(...).sign()`.
 * Both entry points are wrapped in this thread only (a worker's crypto is its own); HMAC
 * (cookie signing) is not a signature and is left out. TLS handshakes sign inside OpenSSL
 * and are not seen, so the count is the protocol's signatures, not the transport's.
 */
import crypto, {
  createPrivateKey,
  type KeyLike,
  type SignPrivateKeyInput,
  type webcrypto,
} from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

export interface SignatureCount {
  rsa: number;
  ecdsa: number;
  other: number;
}

const count: SignatureCount = { rsa: 0, ecdsa: 0, other: 0 };

function tally(type: string | undefined): void {
  if (type === 'rsa' || type === 'rsa-pss' || type === 'RSASSA-PKCS1-v1_5' || type === 'RSA-PSS')
    count.rsa++;
  else if (type === 'ec' || type === 'ECDSA') count.ecdsa++;
  else if (type !== 'HMAC') count.other++;
}

function keyType(key: KeyLike | SignPrivateKeyInput): string | undefined {
  try {
    const k = typeof key === 'object' && 'key' in key ? key.key : key;
    return (k instanceof crypto.KeyObject ? k : createPrivateKey(k as string)).asymmetricKeyType;
  } catch {
    return undefined;
  }
}

/** Installs the counters (once per thread). */
export function countSignatures(): void {
  type Subtle = webcrypto.SubtleCrypto;
  const subtle = Object.getPrototypeOf(globalThis.crypto.subtle) as Subtle;
  const subtleSign = subtle.sign;
  subtle.sign = function (this: Subtle, ...args: Parameters<Subtle['sign']>) {
    tally(args[1].algorithm.name);
    return subtleSign.apply(this, args);
  };
  const mod = crypto as { createSign: typeof crypto.createSign };
  const createSign = mod.createSign;
  mod.createSign = (...args: Parameters<typeof crypto.createSign>) => {
    const signer = createSign(...args);
    const rsaByName = /^RSA-/i.test(args[0]); // xml-crypto's names: no key parsing needed
    const sign = signer.sign.bind(signer) as (...a: unknown[]) => string | Buffer;
    (signer as { sign: (...a: unknown[]) => string | Buffer }).sign = (...a: unknown[]) => {
      tally(rsaByName ? 'rsa' : keyType(a[0] as KeyLike));
      return sign(...a);
    };
    return signer;
  };
  syncBuiltinESMExports();
}

/** The signatures counted since the last call (and starts counting afresh). */
export function takeSignatures(): SignatureCount {
  const taken = { ...count };
  count.rsa = count.ecdsa = count.other = 0;
  return taken;
}
