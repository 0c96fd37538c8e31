/**
 * The test push service refuses what a real push service refuses, so tests that pass through
 * it prove the VAPID header and the RFC 8291 encryption are right: a key other than the
 * subscription's, a JWT for another audience, and a body that does not decrypt.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import webpush from 'web-push';
import {
  checkVapid,
  startTestPushService,
  type TestPushService,
} from '../test-support/push-service.ts';

describe('test push service', () => {
  let push: TestPushService;
  before(async () => {
    push = await startTestPushService();
  });
  after(() => push.close());

  const vapid = webpush.generateVAPIDKeys();
  const options = (keys = vapid) => ({
    vapidDetails: { subject: 'mailto:ops@example.com', ...keys },
    TTL: 30,
    contentEncoding: 'aes128gcm' as const,
    agent: push.agent,
  });

  test('decrypts a push sent with the subscription keys and checks VAPID', async () => {
    const sub = push.createSubscription({ applicationServerKey: vapid.publicKey });
    const sent = await webpush.sendNotification(sub.subscription, '{"hello":"世界"}', options());
    assert.equal(sent.statusCode, 201);
    const [msg] = push.messages(sub.id);
    assert.deepEqual(msg?.payload, { hello: '世界' });
    assert.equal(msg?.vapid.k, vapid.publicKey);
  });

  test("refuses a VAPID key other than the subscription's applicationServerKey", async () => {
    const sub = push.createSubscription({ applicationServerKey: vapid.publicKey });
    await assert.rejects(
      webpush.sendNotification(sub.subscription, 'x', options(webpush.generateVAPIDKeys())),
      { statusCode: 403 },
    );
    assert.match(push.rejections.at(-1)?.reason ?? '', /applicationServerKey/);
  });

  test('refuses a body that does not decrypt with the subscription keys', async () => {
    const sub = push.createSubscription();
    const details = webpush.generateRequestDetails(sub.subscription, '{"a":1}', options());
    const body = Buffer.from(details.body ?? Buffer.alloc(0));
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 1;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        details.endpoint,
        { method: 'POST', headers: details.headers, agent: push.agent },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 400);
    assert.match(push.rejections.at(-1)?.reason ?? '', /cannot decrypt/);
    assert.equal(push.messages(sub.id).length, 0);
  });

  test('refuses a JWT for another audience or without a signature by k', () => {
    const headers = webpush.getVapidHeaders(
      'https://elsewhere.example',
      'mailto:a@b.c',
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
    );
    assert.throws(() => checkVapid(headers.Authorization, push.origin), /aud/);
    const other = webpush.generateVAPIDKeys();
    const forged = String(headers.Authorization).replace(/k=[\w-]+/, `k=${other.publicKey}`);
    assert.throws(() => checkVapid(forged, 'https://elsewhere.example'), /signature/);
    assert.ok(
      checkVapid(headers.Authorization, 'https://elsewhere.example').exp > Date.now() / 1000,
    );
  });
});
