/** Types of the parts of `http_ece` (RFC 8188 / RFC 8291) the test push service uses. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  interface DecryptParams {
    version: 'aes128gcm';
    /** The receiver's (user agent's) P-256 key; the sender's key comes from the header. */
    privateKey: ECDH;
    /** The subscription's 16-byte auth secret (base64url or bytes). */
    authSecret: string | Buffer;
  }
  export function decrypt(buffer: Buffer, params: DecryptParams): Buffer;
  const ece: { decrypt: typeof decrypt };
  export default ece;
}
