/**
 * A test push service: the receiving side of RFC 8030 on loopback HTTPS, standing in for the
 * phone's push service (FCM, APNs, Mozilla), which cannot run here. It checks what a real
 * push service checks and decrypts what the phone's browser would decrypt, so the encryption
 * is exercised for real:
 *
 * - `POST /push/{id}` only, for a subscription it created;
 * - `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292 §3): an ES256 JWT signed by `k`, `aud`
 *   the origin of the endpoint, `exp` in the future and at most 24 h ahead, `sub` present
 *   (mailto: or https:); when the subscription was made with an applicationServerKey, `k`
 *   must equal it (§4);
 * - `Content-Encoding: aes128gcm` and a `TTL` header (RFC 8030 §5.2);
 * - the body is decrypted (RFC 8291) with the subscription's private key and auth secret by
 *   the `http_ece` package, then parsed as JSON and kept for the test;
 * - answers `201 Created` with a `Location`, or the status `answerWith` set (e.g. 410 Gone
 *   for an unsubscribed device). Refused requests are kept in `rejections` with the reason.
 *
 * @example
 * const push = await startTestPushService();
 * const lock = createLockService({ platform, allowInsecurePushEndpoints: true, pushAgent: push.agent });
 * const sub = push.createSubscription();             // sub.subscription is PushSubscriptionJSON
 * // ... enroll with sub.subscription, start an approval ...
 * const [message] = await push.waitForMessages(sub.id, 1);
 * await push.close();
 */
import { createECDH, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ece from 'http_ece';

export interface TestPushSubscription {
  /** The id in the endpoint URL. */
  id: string;
  /** What `PushSubscription.toJSON()` gives in a browser. */
  subscription: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
}

export interface ReceivedPush {
  /** The decrypted payload, parsed as JSON. */
  payload: unknown;
  headers: { ttl: number; urgency: string | undefined; topic: string | undefined };
  vapid: { sub: string; aud: string; exp: number; k: string };
}

export interface TestPushService {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** PEM of the self-signed certificate the service presents. */
  ca: string;
  /** An https.Agent trusting `ca`, for web-push's `agent` option. */
  agent: Agent;
  /** A subscription with a fresh P-256 key pair and 16-byte auth secret. */
  createSubscription(options?: { applicationServerKey?: string }): TestPushSubscription;
  /** Messages decrypted so far for this subscription, oldest first. */
  messages(id: string): ReceivedPush[];
  /** Resolves when at least `count` messages arrived (rejects after `timeoutMs`, 5 s). */
  waitForMessages(id: string, count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  /** From now on answer this status (e.g. 410) for the subscription instead of 201. */
  answerWith(id: string, status: number): void;
  /** Requests refused, with why (bad VAPID, wrong encoding, undecryptable...). */
  readonly rejections: { id: string; status: number; reason: string }[];
  close(): Promise<void>;
}

interface Sub {
  ecdh: ReturnType<typeof createECDH>;
  auth: string;
  applicationServerKey: string | undefined;
  answer: number;
  received: ReceivedPush[];
  waiters: (() => void)[];
}

/** A self-signed P-256 certificate for 127.0.0.1, made by the openssl CLI. */
function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-push-'));
  try {
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr.toString()}`);
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

class Refused extends Error {
  readonly status: number;
  constructor(status: number, reason: string) {
    super(reason);
    this.status = status;
  }
}

/** RFC 8292 §3: `vapid t=<JWT>, k=<key>`; returns the verified claims. */
export function checkVapid(header: string | undefined, origin: string, nowMs = Date.now()) {
  const m = /^vapid\s+(.+)$/i.exec(header ?? '');
  if (!m?.[1]) throw new Refused(401, 'no vapid authorization');
  const fields = Object.fromEntries(
    m[1].split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const { t, k } = fields as { t?: string; k?: string };
  if (!t || !k) throw new Refused(401, 'vapid t or k missing');
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Refused(401, 'k is not a P-256 point');
  const key = createPublicKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
  });
  const [h, p, s] = t.split('.');
  if (!h || !p || !s) throw new Refused(401, 'JWT is not three parts');
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  if (head.alg !== 'ES256') throw new Refused(401, 'JWT alg is not ES256');
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new Refused(403, 'JWT signature does not verify with k');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
    aud?: string;
    exp?: number;
    sub?: string;
  };
  if (claims.aud !== origin) throw new Refused(403, `aud ${String(claims.aud)} is not ${origin}`);
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600)
    throw new Refused(403, 'exp not within the next 24 hours');
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))
    throw new Refused(403, 'sub is not a mailto: or https: URL');
  return { sub: claims.sub, aud: claims.aud, exp: claims.exp, k };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startTestPushService(): Promise<TestPushService> {
  const { key, cert } = selfSignedCert();
  const subs = new Map<string, Sub>();
  const rejections: { id: string; status: number; reason: string }[] = [];
  let origin = '';

  function receive(sub: Sub, req: IncomingMessage, body: Buffer): ReceivedPush {
    const vapid = checkVapid(req.headers.authorization, origin);
    if (sub.applicationServerKey && vapid.k !== sub.applicationServerKey)
      throw new Refused(403, 'k is not the applicationServerKey of the subscription');
    if (req.headers['content-encoding'] !== 'aes128gcm')
      throw new Refused(415, 'content-encoding is not aes128gcm');
    const ttl = Number(req.headers.ttl);
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0)
      throw new Refused(400, 'TTL header missing or invalid');
    let payload: unknown;
    try {
      const clear = ece.decrypt(body, {
        version: 'aes128gcm',
        privateKey: sub.ecdh,
        authSecret: sub.auth,
      });
      payload = JSON.parse(clear.toString('utf8'));
    } catch (err) {
      throw new Refused(400, `cannot decrypt: ${(err as Error).message}`);
    }
    const header = (n: string) =>
      typeof req.headers[n] === 'string' ? String(req.headers[n]) : undefined;
    return { payload, vapid, headers: { ttl, urgency: header('urgency'), topic: header('topic') } };
  }

  const server: Server = createServer({ key, cert }, (req, res) => {
    void (async () => {
      const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const body = await readBody(req);
      const sub = subs.get(id);
      try {
        if (req.method !== 'POST' || !sub) throw new Refused(404, 'no such subscription');
        if (sub.answer !== 201) {
          res.writeHead(sub.answer).end();
          return;
        }
        sub.received.push(receive(sub, req, body));
        for (const w of sub.waiters.splice(0)) w();
        res.writeHead(201, { location: `${origin}/message/${randomUUID()}` }).end();
      } catch (err) {
        const status = err instanceof Refused ? err.status : 500;
        rejections.push({ id, status, reason: (err as Error).message });
        res.writeHead(status, { 'content-type': 'text/plain' }).end((err as Error).message);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ ca: cert, keepAlive: false });

  const mustGet = (id: string) => {
    const sub = subs.get(id);
    if (!sub) throw new Error(`no test subscription ${id}`);
    return sub;
  };

  return {
    origin,
    ca: cert,
    agent,
    rejections,
    createSubscription(options = {}) {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      subs.set(id, {
        ecdh,
        auth,
        applicationServerKey: options.applicationServerKey,
        answer: 201,
        received: [],
        waiters: [],
      });
      return {
        id,
        subscription: {
          endpoint: `${origin}/push/${id}`,
          expirationTime: null,
          keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
        },
      };
    },
    messages: (id) => [...mustGet(id).received],
    async waitForMessages(id, count, timeoutMs = 5_000) {
      const sub = mustGet(id);
      const deadline = Date.now() + timeoutMs;
      while (sub.received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`${sub.received.length} of ${count} pushes arrived for ${id}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          sub.waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return [...sub.received];
    },
    answerWith(id, status) {
      mustGet(id).answer = status;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
