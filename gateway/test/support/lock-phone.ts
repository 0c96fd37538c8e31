/**
 * The phone side of second factors for tests, built from the public specs only:
 * - `LockPhone` plays the Lock app through its HTTP API (docs/lock.md, "App API"): an
 *   ECDSA P-256 key made with node:crypto as WebCrypto would, answers signed in IEEE P1363
 *   form, base64url. It subscribes to no push service (`subscription: null`): a phone's push
 *   service cannot run here, and the app also pulls `pending` when opened.
 * - `authenticatorCode` is an authenticator app: RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s)
 *   over an RFC 4648 base32 secret, computed independently of the server's library.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export class LockPhone {
  readonly #app: FastifyInstance;
  readonly #slug: string;
  readonly #key: KeyObject;
  readonly #publicJwk: Record<string, unknown>;
  deviceId = '';

  constructor(app: FastifyInstance, slug: string) {
    this.#app = app;
    this.#slug = slug;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#key = privateKey;
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    this.#publicJwk = { kty, crv, x, y };
  }

  #sign(lines: string[]): string {
    const data = Buffer.from(lines.join('\n'), 'utf8');
    return sign('sha256', data, { key: this.#key, dsaEncoding: 'ieee-p1363' }).toString(
      'base64url',
    );
  }

  /** Enrolls with the link the portal or the factor page showed (`...#enroll=<token>`). */
  async enroll(enrollUrl: string, replace = false): Promise<void> {
    const token = new URL(enrollUrl, 'https://x').hash.replace(/^#enroll=/, '');
    assert.ok(token, `no enrollment token in ${enrollUrl}`);
    const res = await this.#app.inject({
      method: 'POST',
      url: `/t/${this.#slug}/lock/api/enroll`,
      payload: {
        token: decodeURIComponent(token),
        deviceName: 'Test phone',
        publicKey: this.#publicJwk,
        subscription: null,
        replace,
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    this.deviceId = res.json<{ deviceId: string }>().deviceId;
  }

  /** The requests waiting for this phone, as the app pulls them when opened. */
  async pending(ts = Date.now()): Promise<{ id: string; application: string; ip: string }[]> {
    const res = await this.#app.inject({
      method: 'POST',
      url: `/t/${this.#slug}/lock/api/pending`,
      payload: {
        deviceId: this.deviceId,
        ts,
        signature: this.#sign(['sekisho-lock-pending', this.#slug, this.deviceId, String(ts)]),
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ approvals: { id: string; application: string; ip: string }[] }>().approvals;
  }

  async answer(approvalId: string, decision: 'approve' | 'deny', number: string) {
    const signature = this.#sign([
      'sekisho-lock-answer',
      this.#slug,
      this.deviceId,
      approvalId,
      decision,
      number,
    ]);
    return this.#app.inject({
      method: 'POST',
      url: `/t/${this.#slug}/lock/api/answer`,
      payload: { deviceId: this.deviceId, approvalId, decision, number, signature },
    });
  }
}

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The TOTP code of `secret` (base32) at `at` (RFC 6238 with RFC 4226 dynamic truncation). */
export function authenticatorCode(secret: string, at: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}
