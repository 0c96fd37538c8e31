/**
 * Lock approval in the browser sign-in (#6) through the whole app: the factor page shows the
 * two-digit number and waits on server-sent events; the phone (emulated from docs/lock.md:
 * a P-256 key, signed answers over the app API) approves; the stream says `approved` and the
 * completion signs in with amr swk and mfa. A reload keeps the same number; denial, a wrong
 * number and expiry say so; a passwordless device certificate plus approval signs in without
 * a password; the device can be set up from the factor page and from the portal.
 * A phone's push service cannot run here: the phone pulls `pending` as the app does on open.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeviceCertService, type DeviceCertService } from '@sekisho/device-cert';
import { createLockService, type LockService } from '@sekisho/lock-app';
import { TestBrowser } from './support/browser.ts';
import { seedTenant, startTestApp, type SeededTenant, type TestApp } from './support/test-app.ts';
import {
  JumpClock,
  csrfOf,
  newUser,
  passwordStep,
  policyGroup,
  sessionAuth,
} from './support/factor-kit.ts';
import { LockPhone } from './support/lock-phone.ts';

const PROXY = '127.0.0.1';
const EN = { 'accept-language': 'en' };
const DEVICE = { os: 'macOS 15', deviceIdType: 'serial', deviceId: 'C02XYZ' };

describe('Lock approval at sign-in', () => {
  let t: TestApp;
  let s: SeededTenant;
  let lock: LockService;
  let certs: DeviceCertService;
  const clock = new JumpClock();

  before(async () => {
    t = await startTestApp(
      {
        PUBLIC_URL: 'https://sekisho.test',
        TRUSTED_PROXIES: PROXY,
        FORWARDED_CERT_HEADER: 'x-client-cert',
      },
      clock,
    );
    s = await seedTenant(t.platform, 'acme');
    lock = createLockService({ platform: t.platform });
    certs = createDeviceCertService({ platform: t.platform });
    await policyGroup(t, s, {
      name: 'staff',
      isDefault: true,
      allowCondition: 'true',
      skipSecondFactorCondition: 'false',
      factors: ['lock'],
    });
  });
  after(() => t.close());

  /** A user whose phone is enrolled (link from the service, enrolled over the app API). */
  async function userWithPhone(groups: string[] = []) {
    const user = await newUser(t, s, groups);
    const phone = new LockPhone(t.app, 'acme');
    await phone.enroll((await lock.createEnrollment(s.tenant.id, user.id)).url);
    return { user, phone };
  }

  /** Password, then "send a request": returns the waiting page. */
  async function waitingFor(b: TestBrowser, loginId: string) {
    assert.equal((await passwordStep(b, 'acme', loginId)).headers.location, '/t/acme/login/factor');
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /Send a request to my phone/);
    const sent = await b.post('/t/acme/login/factor/lock', { _csrf: csrfOf(page.body) });
    assert.equal(sent.statusCode, 303, sent.body);
    const wait = await b.get('/t/acme/login/factor');
    assert.equal(wait.statusCode, 200);
    const number = /id="lock-number"[^>]*>(\d{2})</.exec(wait.body)?.[1];
    assert.ok(number, 'the page shows a two-digit number');
    return { wait, number };
  }

  test('the waiting page shows the number, the phone approves, the stream says so, and the sign-in completes', async () => {
    const { user, phone } = await userWithPhone();
    const b = new TestBrowser(t.app, EN, PROXY);
    const { wait, number } = await waitingFor(b, user.loginId);
    assert.match(wait.body, /Approve on your device/);
    assert.match(
      wait.body,
      /<script src="\/t\/acme\/login\/factor\/lock\/wait\.js" defer><\/script>/,
    );
    const csp = String((await b.get('/t/acme/login/factor')).headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const js = await b.get('/t/acme/login/factor/lock/wait.js');
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.match(js.body, /EventSource/);

    // A reload shows the same number and keeps waiting.
    const again = await b.get('/t/acme/login/factor');
    assert.ok(again.body.includes(`>${number}<`));

    // Listen on a real port so the stream is read while it is open.
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${address}/t/acme/login/factor/lock/events`, {
        headers: { cookie: b.cookieHeader, accept: 'text/event-stream' },
      });
      assert.equal(res.status, 200);
      assert.match(String(res.headers.get('content-type')), /^text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      const readUntil = async (re: RegExp) => {
        while (!re.test(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        assert.match(text, re);
      };
      await readUntil(/event: pending/);
      const [pending] = await phone.pending(clock.now().getTime());
      assert.ok(pending, 'the phone sees the request');
      assert.equal((await phone.answer(pending.id, 'approve', number)).statusCode, 200);
      await readUntil(/event: approved\ndata: \{"state":"approved"\}/);
      await reader.cancel();
    } finally {
      // Close only the listener; inject keeps working.
      await new Promise<void>((done) => t.app.server.close(() => done()));
    }

    const done = await b.post('/t/acme/login/factor/lock/complete', { _csrf: csrfOf(again.body) });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/t/acme/portal');
    assert.deepEqual(sessionAuth(t, b)?.amr, ['pwd', 'swk', 'mfa']);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 200);
  });

  test('an approval completes once: replaying the completion does not sign in again', async () => {
    const { user, phone } = await userWithPhone();
    const b = new TestBrowser(t.app, EN, PROXY);
    const { wait, number } = await waitingFor(b, user.loginId);
    const [pending] = await phone.pending(clock.now().getTime());
    await phone.answer(pending!.id, 'approve', number);
    const events = await b.get('/t/acme/login/factor/lock/events');
    assert.match(events.body, /event: approved/);
    const status = await b.get('/t/acme/login/factor/lock/status', { accept: 'application/json' });
    assert.deepEqual(status.json(), { state: 'approved' });
    const csrf = csrfOf(wait.body);
    const attacker = b.movedTo(PROXY);
    assert.equal(
      (await b.post('/t/acme/login/factor/lock/complete', { _csrf: csrf })).statusCode,
      303,
    );
    const replay = await attacker.post('/t/acme/login/factor/lock/complete', { _csrf: csrf });
    assert.equal(sessionAuth(t, attacker), undefined, 'the consumed approval signs nobody in');
    assert.notEqual(replay.headers.location, '/t/acme/portal');
  });

  test('a denial on the phone is shown clearly with "try again"', async () => {
    const { user, phone } = await userWithPhone();
    const b = new TestBrowser(t.app, EN, PROXY);
    const { number } = await waitingFor(b, user.loginId);
    const [pending] = await phone.pending(clock.now().getTime());
    await phone.answer(pending!.id, 'deny', number);
    const events = await b.get('/t/acme/login/factor/lock/events');
    assert.match(events.body, /event: denied\ndata: \{"state":"denied","reason":"user-denied"\}/);
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /denied on your device/);
    assert.match(page.body, /Try again/);
    const complete = await b.post('/t/acme/login/factor/lock/complete', {
      _csrf: csrfOf(page.body),
    });
    assert.equal(complete.headers.location, '/t/acme/login/factor');
    assert.equal(sessionAuth(t, b), undefined);
    // Try again: a new request with a new approval.
    const retry = await b.post('/t/acme/login/factor/lock', { _csrf: csrfOf(page.body) });
    assert.equal(retry.statusCode, 303);
    assert.match((await b.get('/t/acme/login/factor')).body, /Approve on your device/);
  });

  test('a wrong number typed on the phone refuses the request, and the page says so', async () => {
    const { user, phone } = await userWithPhone();
    const b = new TestBrowser(t.app, EN, PROXY);
    const { number } = await waitingFor(b, user.loginId);
    const [pending] = await phone.pending(clock.now().getTime());
    const wrong = number === '42' ? '43' : '42';
    await phone.answer(pending!.id, 'approve', wrong);
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /A different number was entered in Lock/);
    assert.equal(sessionAuth(t, b), undefined);
  });

  test('an unanswered request expires, and the stream and the page say so', async () => {
    const { user } = await userWithPhone();
    const b = new TestBrowser(t.app, EN, PROXY);
    await waitingFor(b, user.loginId);
    clock.advance(5 * 60_000);
    const events = await b.get('/t/acme/login/factor/lock/events');
    assert.match(events.body, /event: expired/);
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /expired before it was approved/);
    assert.match(page.body, /Try again/);
  });

  test('a passwordless device certificate and a Lock approval sign in without a password', async () => {
    const { user, phone } = await userWithPhone();
    const cert = await certs.issue(s.tenant.id, {
      userId: user.id,
      device: DEVICE,
      loginType: 'passwordless',
    });
    const b = new TestBrowser(
      t.app,
      { ...EN, 'x-client-cert': encodeURIComponent(cert.certificatePem) },
      PROXY,
    );
    const res = await b.get('/t/acme/login/certificate');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/t/acme/login/factor');
    const page = await b.get('/t/acme/login/factor');
    await b.post('/t/acme/login/factor/lock', { _csrf: csrfOf(page.body) });
    const wait = await b.get('/t/acme/login/factor');
    const number = /id="lock-number"[^>]*>(\d{2})</.exec(wait.body)![1]!;
    const [pending] = await phone.pending(clock.now().getTime());
    await phone.answer(pending!.id, 'approve', number);
    const done = await b.post('/t/acme/login/factor/lock/complete', { _csrf: csrfOf(wait.body) });
    assert.equal(done.headers.location, '/t/acme/portal');
    const auth = sessionAuth(t, b);
    assert.deepEqual(auth?.amr, ['hwk', 'swk', 'mfa']);
    assert.deepEqual(auth?.deviceCert, { loginType: 'passwordless' });
  });

  test('a user without a device sets Lock up from the factor page, then approves with it', async () => {
    const user = await newUser(t, s);
    const b = new TestBrowser(t.app, EN, PROXY);
    await passwordStep(b, 'acme', user.loginId);
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /Set up the Lock app/);
    const setup = await b.post('/t/acme/login/factor/lock/enroll', { _csrf: csrfOf(page.body) });
    assert.equal(setup.statusCode, 200);
    const url = /id="lock-enroll-link" href="([^"]+)"/.exec(setup.body)?.[1];
    assert.ok(url?.includes('/t/acme/lock/#enroll='), 'an enrollment link');
    const devicePath = /data-device="([^"]+)"/.exec(setup.body)![1]!.replace(/&amp;/g, '&');
    assert.deepEqual((await b.get(devicePath)).json(), { enrolled: false });
    const phone = new LockPhone(t.app, 'acme');
    await phone.enroll(url!.replace(/&amp;/g, '&'));
    assert.deepEqual((await b.get(devicePath)).json(), { enrolled: true });
    const next = await b.get('/t/acme/login/factor');
    assert.match(next.body, /Send a request to my phone/);
    assert.doesNotMatch(next.body, /Set up the Lock app/);
  });

  test('the portal shows the Lock device and sets up a new one with a QR code and link', async () => {
    const { user, phone } = await userWithPhone();
    const b = new TestBrowser(t.app, EN, PROXY);
    const { number } = await waitingFor(b, user.loginId);
    const [pending] = await phone.pending(clock.now().getTime());
    await phone.answer(pending!.id, 'approve', number);
    const wait = await b.get('/t/acme/login/factor');
    await b.post('/t/acme/login/factor/lock/complete', { _csrf: csrfOf(wait.body) });
    const portal = await b.get('/t/acme/portal');
    assert.match(portal.body, /Sign-in methods/);
    assert.match(portal.body, /Test phone, set up on/);
    assert.match(portal.body, /Replace device/);
    assert.match(portal.body, /href="\/t\/acme\/portal\/device-certificates"/);
    const replace = await b.post('/t/acme/portal/lock', { _csrf: csrfOf(portal.body) });
    assert.equal(replace.statusCode, 200);
    assert.match(replace.body, /<img src="data:image\/svg\+xml;base64,/);
    assert.match(replace.body, /\/t\/acme\/lock\/#enroll=/);
    const refused = await b.post('/t/acme/portal/lock', {});
    assert.equal(refused.statusCode, 403);
  });
});
