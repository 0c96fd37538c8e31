/**
 * The second factor of the browser sign-in through the whole app (#6), with the real Lock
 * service behind the IdP's factor port: a policy group asks for a factor outside the office;
 * the password leads to `/login/factor`; an authenticator app is set up there or used; a wrong
 * code is refused and counted; emergency codes work once; an emailed code works only where
 * the policy group allows it; an application reached from elsewhere asks a signed-in user
 * for the factor (step-up). The authenticator app is emulated by RFC 6238 in the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { createLockService, type LockService } from '@sekisho/lock-app';
import { TestBrowser } from './support/browser.ts';
import { seedTenant, startTestApp, type SeededTenant, type TestApp } from './support/test-app.ts';
import {
  JumpClock,
  adminApi,
  csrfOf,
  newUser,
  passwordSessionMovedTo,
  passwordStep,
  policyGroup,
  secretOf,
  sessionAuth,
} from './support/factor-kit.ts';
import { authenticatorCode } from './support/lock-phone.ts';

const OFFICE = '203.0.113.9';
const HOME = '198.51.100.7';
const ACS = 'https://www.google.com/a/acme.example/acs';
const EN = { 'accept-language': 'en' };

/** Google's AuthnRequest, issued at `at` (the app's clock: the test moves it ahead). */
function googleAuthnRequest(at: Date): string {
  const xml = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_${Math.random().toString(36).slice(2)}" Version="2.0" IssueInstant="${at.toISOString()}" AssertionConsumerServiceURL="${ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">google.com</saml:Issuer></samlp:AuthnRequest>`;
  return encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'));
}

describe('second factor at sign-in', () => {
  let t: TestApp;
  let s: SeededTenant;
  let lock: LockService;
  const clock = new JumpClock();

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' }, clock);
    s = await seedTenant(t.platform, 'acme');
    lock = createLockService({ platform: t.platform });
    const api = adminApi(t, s);
    assert.equal(
      (
        await api('POST', '/ip-sets', {
          identifier: 'office',
          name: 'Office',
          entries: ['203.0.113.0/24'],
        })
      ).statusCode,
      201,
    );
    await policyGroup(t, s, {
      name: 'staff',
      isDefault: true,
      allowCondition: 'true',
      skipSecondFactorCondition: 'ip in office',
      factors: ['lock', 'totp'],
    });
    await t.platform.groups.create(s.tenant.id, 'mailers');
    await policyGroup(t, s, {
      name: 'mail',
      memberGroups: ['mailers'],
      rulePriority: 10,
      allowCondition: 'true',
      skipSecondFactorCondition: 'false',
      factors: ['email_otp'],
    });
    await lock.updateSettings(s.tenant.id, { emailOtpAllowed: true });
    const app = await api('POST', '/applications', {
      kind: 'saml',
      name: 'Google Workspace',
      preset: 'google-workspace',
      presetInput: { domain: 'acme.example' },
    });
    assert.equal(app.statusCode, 201, app.body);
  });
  after(() => t.close());

  /** A user who set up an authenticator app at sign-in; returns the browser and secret. */
  async function userWithTotp() {
    const user = await newUser(t, s);
    const b = new TestBrowser(t.app, EN, HOME);
    assert.equal(
      (await passwordStep(b, 'acme', user.loginId)).headers.location,
      '/t/acme/login/factor',
    );
    const page = await b.get('/t/acme/login/factor');
    const setup = await b.post('/t/acme/login/factor/totp/setup', { _csrf: csrfOf(page.body) });
    const secret = secretOf(setup.body);
    const done = await b.post('/t/acme/login/factor/totp/confirm', {
      _csrf: csrfOf(setup.body),
      code: authenticatorCode(secret, clock.now().getTime()),
    });
    assert.equal(done.statusCode, 303);
    return { user, secret };
  }

  test('outside the office the password leads to the factor page, which is not a session', async () => {
    const user = await newUser(t, s);
    const b = new TestBrowser(t.app, EN, HOME);
    const res = await passwordStep(b, 'acme', user.loginId);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/t/acme/login/factor');
    assert.equal(sessionAuth(t, b), undefined);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 303);
    const page = await b.get('/t/acme/login/factor');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /none is set up for you yet/);
    assert.match(page.body, /Set up an authenticator app/);
    assert.match(page.body, /Set up the Lock app/);
  });

  test('an authenticator app set up at sign-in signs the user in with amr otp and mfa', async () => {
    const user = await newUser(t, s);
    const b = new TestBrowser(t.app, EN, HOME);
    await passwordStep(b, 'acme', user.loginId);
    const page = await b.get('/t/acme/login/factor');
    const setup = await b.post('/t/acme/login/factor/totp/setup', { _csrf: csrfOf(page.body) });
    assert.equal(setup.statusCode, 200);
    assert.match(setup.body, /<img src="data:image\/svg\+xml;base64,/);
    const secret = secretOf(setup.body);
    assert.match(setup.body, /href="\/t\/acme\/lock\/#otpauth=otpauth%3A%2F%2Ftotp%2F/);

    const wrong = await b.post('/t/acme/login/factor/totp/confirm', {
      _csrf: csrfOf(setup.body),
      code: '000000' === authenticatorCode(secret, Date.now()) ? '111111' : '000000',
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /That code is wrong/);
    assert.equal(sessionAuth(t, b), undefined);

    const done = await b.post('/t/acme/login/factor/totp/confirm', {
      _csrf: csrfOf(wrong.body),
      code: authenticatorCode(secret, clock.now().getTime()),
    });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/t/acme/portal');
    const auth = sessionAuth(t, b);
    assert.deepEqual(auth?.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(auth?.userId, user.id);
    const portal = await b.get('/t/acme/portal');
    assert.equal(portal.statusCode, 200);
    assert.match(portal.body, /Sign-in methods/);
    assert.match(portal.body, /id="totp-status">Set up</);
    const [event] = await t.platform.audit.search(s.tenant.id, {
      action: 'login.second-factor',
      userId: user.id,
      result: 'success',
    });
    assert.equal((event?.details as { factor?: string } | null)?.factor, 'totp-setup');
  });

  test('a user with an app is asked for its code: a wrong one is refused and audited, the right one signs in', async () => {
    const { user, secret } = await userWithTotp();
    clock.advance(30_000); // the next step: a step once used is refused
    const b = new TestBrowser(t.app, EN, HOME);
    await passwordStep(b, 'acme', user.loginId);
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /Code from your authenticator app/);
    assert.doesNotMatch(page.body, /Set up an authenticator app/);
    const right = authenticatorCode(secret, clock.now().getTime());
    const wrong = await b.post('/t/acme/login/factor/totp', {
      _csrf: csrfOf(page.body),
      code: right === '123456' ? '654321' : '123456',
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /That code is wrong/);
    assert.equal(sessionAuth(t, b), undefined);
    const failures = await t.platform.audit.search(s.tenant.id, {
      action: 'login.second-factor',
      userId: user.id,
      result: 'failure',
    });
    assert.equal(failures[0]?.reason, 'wrong-code');

    const noCsrf = await b.post('/t/acme/login/factor/totp', { code: right });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(sessionAuth(t, b), undefined);

    const ok = await b.post('/t/acme/login/factor/totp', {
      _csrf: csrfOf(wrong.body),
      code: right,
    });
    assert.equal(ok.statusCode, 303);
    assert.deepEqual(sessionAuth(t, b)?.amr, ['pwd', 'otp', 'mfa']);
    // The factor page is gone with the pending sign-in.
    assert.equal((await b.get('/t/acme/login/factor')).statusCode, 400);
  });

  test('repeated wrong codes lock the account like wrong passwords do', async () => {
    const { user } = await userWithTotp();
    const b = new TestBrowser(t.app, EN, HOME);
    await passwordStep(b, 'acme', user.loginId);
    let page = await b.get('/t/acme/login/factor');
    let last = page;
    for (let i = 0; i < 5; i++) {
      last = await b.post('/t/acme/login/factor/totp', {
        _csrf: csrfOf(page.body),
        code: '99999a',
      });
      page = last;
    }
    assert.equal(last.statusCode, 423);
    assert.match(last.body, /temporarily locked/);
    const [locked] = await t.platform.audit.search(s.tenant.id, { action: 'login.locked' });
    assert.equal(locked?.target_id ?? user.id, user.id);
    assert.ok((await t.platform.throttle.accountLockedFor(s.tenant.id, user.id)) > 0);
    await t.platform.throttle.unlock(s.tenant.id, user.id);
  });

  test('an emergency code from the admin signs in once; the same code is refused the second time', async () => {
    const { user } = await userWithTotp();
    const { codes } = await lock.issueEmergencyCodes(s.tenant.id, user.id, { count: 2 });
    const code = codes[0]!;
    const b = new TestBrowser(t.app, EN, HOME);
    await passwordStep(b, 'acme', user.loginId);
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /Lost your phone\? Use an emergency code/);
    const ok = await b.post('/t/acme/login/factor/emergency', { _csrf: csrfOf(page.body), code });
    assert.equal(ok.statusCode, 303);
    assert.deepEqual(sessionAuth(t, b)?.amr, ['pwd', 'otp', 'mfa']);

    const again = new TestBrowser(t.app, EN, HOME);
    await passwordStep(again, 'acme', user.loginId);
    const page2 = await again.get('/t/acme/login/factor');
    const refused = await again.post('/t/acme/login/factor/emergency', {
      _csrf: csrfOf(page2.body),
      code,
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(sessionAuth(t, again), undefined);
  });

  test('an emailed code signs in where the policy group allows email codes', async () => {
    const user = await newUser(t, s, ['mailers']);
    const b = new TestBrowser(t.app, EN, HOME);
    assert.equal(
      (await passwordStep(b, 'acme', user.loginId)).headers.location,
      '/t/acme/login/factor',
    );
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /Email me a code/);
    assert.doesNotMatch(page.body, /Set up an authenticator app/);
    const before = t.outbox().length;
    const sent = await b.post('/t/acme/login/factor/email/send', { _csrf: csrfOf(page.body) });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /We sent a code/);
    const mail = t
      .outbox()
      .slice(before)
      .find((m) => m.includes(user.loginId));
    assert.ok(mail, 'a mail to the user');
    const code = /\b(\d{6})\b/.exec(
      mail
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join('\n'),
    )?.[1];
    assert.ok(code, 'a six-digit code in the mail');
    const ok = await b.post('/t/acme/login/factor/email', { _csrf: csrfOf(sent.body), code });
    assert.equal(ok.statusCode, 303);
    assert.deepEqual(sessionAuth(t, b)?.amr, ['pwd', 'otp', 'mfa']);
  });

  test('an emailed code is refused where the policy group does not allow it, and no mail is sent', async () => {
    const { user } = await userWithTotp();
    const b = new TestBrowser(t.app, EN, HOME);
    await passwordStep(b, 'acme', user.loginId);
    const page = await b.get('/t/acme/login/factor');
    assert.doesNotMatch(page.body, /Email me a code/);
    const before = t.outbox().length;
    const res = await b.post('/t/acme/login/factor/email/send', { _csrf: csrfOf(page.body) });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /not available for your sign-in/);
    assert.equal(t.outbox().length, before);
    const guess = await b.post('/t/acme/login/factor/email', {
      _csrf: csrfOf(res.body),
      code: '123456',
    });
    assert.equal(guess.statusCode, 400);
    assert.equal(sessionAuth(t, b), undefined);
  });

  test('in the office a user without a factor must enrol one before the portal', async () => {
    const user = await newUser(t, s);
    const b = new TestBrowser(t.app, EN, OFFICE);
    assert.equal(
      (await passwordStep(b, 'acme', user.loginId)).headers.location,
      '/t/acme/login/factor',
    );
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /requires every account to have a second factor/);
    const setup = await b.post('/t/acme/login/factor/totp/setup', { _csrf: csrfOf(page.body) });
    const done = await b.post('/t/acme/login/factor/totp/confirm', {
      _csrf: csrfOf(setup.body),
      code: authenticatorCode(secretOf(setup.body), clock.now().getTime()),
    });
    assert.equal(done.statusCode, 303);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 200);
    // From now on the office lets the user in with the password alone.
    const next = new TestBrowser(t.app, EN, OFFICE);
    assert.equal(
      (await passwordStep(next, 'acme', user.loginId)).headers.location,
      '/t/acme/portal',
    );
  });

  test('a setup is not offered (nor accepted) to a user who already has a factor', async () => {
    const { user } = await userWithTotp();
    const b = new TestBrowser(t.app, EN, HOME);
    await passwordStep(b, 'acme', user.loginId);
    const page = await b.get('/t/acme/login/factor');
    const res = await b.post('/t/acme/login/factor/totp/setup', { _csrf: csrfOf(page.body) });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /already have a second factor/);
    assert.doesNotMatch(res.body, /totp-secret/);
  });

  test('a pending sign-in expires after 10 minutes', async () => {
    const user = await newUser(t, s);
    const b = new TestBrowser(t.app, EN, HOME);
    await passwordStep(b, 'acme', user.loginId);
    clock.advance(11 * 60_000);
    const page = await b.get('/t/acme/login/factor');
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /has expired or was cancelled/);
  });

  test('an application reached from home asks the signed-in user for the factor, then signs in (step-up)', async () => {
    const { user, secret } = await userWithTotp();
    clock.advance(30_000);
    const { browser: home, sid } = await passwordSessionMovedTo(t, user.loginId, {
      headers: EN,
      ip: OFFICE,
      elsewhere: HOME,
    });
    let res = await home.get(`/t/acme/saml/sso?SAMLRequest=${googleAuthnRequest(clock.now())}`);
    for (
      let hop = 0;
      res.statusCode === 303 && !String(res.headers.location).endsWith('/login/factor');
      hop++
    ) {
      assert.ok(hop < 5);
      res = await home.get(String(res.headers.location));
    }
    assert.equal(res.headers.location, '/t/acme/login/factor', `${res.statusCode}`);
    const page = await home.get('/t/acme/login/factor');
    assert.match(page.body, /Code from your authenticator app/);
    res = await home.post('/t/acme/login/factor/totp', {
      _csrf: csrfOf(page.body),
      code: authenticatorCode(secret, clock.now().getTime()),
    });
    assert.equal(res.statusCode, 303);
    const auth = sessionAuth(t, home);
    assert.equal(auth?.sid, sid, 'the same session gained the factor');
    assert.deepEqual(auth?.amr, ['pwd', 'otp', 'mfa']);
    for (let hop = 0; res.statusCode === 303; hop++) {
      assert.ok(hop < 5);
      res = await home.get(String(res.headers.location));
    }
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /name="SAMLResponse"/);
    assert.ok(res.body.includes(`action="${ACS}"`));
  });
});
