/**
 * The Lock app (lock-app/web) in real headless Chromium against the whole product: a user
 * signs in to the portal on a laptop, opens the portal's enrollment link on a phone-sized
 * browser, and the phone then approves, denies or reports that user's logins by typing the
 * number the laptop's login page shows. Also: a replayed signed answer is refused, an expired
 * request can no longer be answered, one-time passwords work offline, and the iPhone
 * Home Screen guidance.
 *
 * Emulated, because it cannot run here: the phone's push service. Sekisho's pushes go to the
 * test push service (lock-app/test-support/push-service.ts), which checks VAPID (RFC 8292) and
 * decrypts the payload (RFC 8291) like a real one; the phone's browser is handed a
 * subscription to it (tests/lock/support/phone-push.ts) and gets the decrypted payload as a
 * real `push` event in the app's service worker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  startTestPushService,
  type TestPushService,
} from '../../lock-app/test-support/push-service.ts';
import { launchChromium, newLaptop, newPhone } from './support/chromium.ts';
import { requireLock, signIn, startLockSite, type LockSite } from './support/lock-site.ts';
import { mailText } from './support/outbox.ts';
import { deliverPush, emulatePushSubscription, subscribeCalls } from './support/phone-push.ts';

/** In the page: an OTP code (`123 456`) is shown. */
const SHOWS_CODE = `/^\\d{3} \\d{3}$/.test(document.querySelector('article.otp [data-code]')?.textContent ?? '')`;

/** Waits for the app's status line to say how an action ended; returns its text. */
async function expectStatus(page: Page, kind: 'ok' | 'error'): Promise<string> {
  const status = page.locator('#status.status-ok, #status.status-error');
  await status.waitFor();
  const text = (await status.textContent()) ?? '';
  assert.equal(await status.getAttribute('class'), `status status-${kind}`, text);
  return text;
}

interface Phone {
  context: BrowserContext;
  page: Page;
  pushId: string;
}

describe('the Lock app in Chromium', { timeout: 240_000 }, () => {
  let push: TestPushService;
  let site: LockSite;
  let browser: Browser;
  let vapidPublicKey: string;
  let portal: Page; // hana's laptop, signed in to the portal before Lock was required
  let mfaPortal: Page; // hana's laptop, signed in with a Lock approval
  const phones = new Map<string, Phone>();
  let kenSecondLink: string;
  const scriptErrors: string[] = [];
  const hana = 'hana@acme.example';
  const ken = 'ken@acme.example';

  /** On a laptop: sign in to the portal and ask for a Lock enrollment link. */
  async function enrollmentLink(page: Page, loginId: string): Promise<string> {
    await signIn(page, site, loginId);
    assert.match(page.url(), /\/t\/acme\/portal$/);
    await Promise.all([
      page.waitForNavigation(),
      page.click('form[action$="/portal/lock"] button[type="submit"]'),
    ]);
    const href = await page.getAttribute('#lock-enroll-link', 'href');
    assert.ok(href, 'the portal shows the enrollment link');
    return href;
  }

  /** A phone whose browser subscribes to the test push service. */
  async function newPushPhone(loginId: string): Promise<Phone> {
    const context = await newPhone(browser);
    await context.grantPermissions(['notifications'], { origin: site.origin });
    const sub = push.createSubscription({ applicationServerKey: vapidPublicKey });
    await emulatePushSubscription(context, sub.subscription);
    const phone = { context, page: await context.newPage(), pushId: sub.id };
    phone.page.on('pageerror', (err) => scriptErrors.push(`${loginId}: ${err.message}`));
    phones.set(loginId, phone);
    return phone;
  }

  async function enroll(phone: Phone, link: string, deviceName: string): Promise<void> {
    await phone.page.goto(link);
    await phone.page.fill('#device-name', deviceName);
    await phone.page.click('#enroll-submit');
    await expectStatus(phone.page, 'ok');
  }

  /** On a fresh laptop: password, then the Lock request; returns the page and its number. */
  async function loginWaitingForLock(loginId: string) {
    const laptop = await newLaptop(browser);
    const page = await laptop.newPage();
    await signIn(page, site, loginId);
    assert.match(page.url(), /\/t\/acme\/login\/factor/, (await page.textContent('main')) ?? '');
    await Promise.all([
      page.waitForNavigation(),
      page.click('form[action$="/login/factor/lock"] button[type="submit"]'),
    ]);
    const number = (await page.textContent('#lock-number'))?.trim() ?? '';
    assert.match(number, /^[0-9]{2}$/);
    return { laptop, page, number };
  }

  /** The phone opens Lock (a pull) and finds the one pending request. */
  async function openRequest(phone: Phone) {
    await phone.page.goto(site.appUrl);
    const card = phone.page.locator('article.request');
    await card.waitFor();
    assert.equal(await card.count(), 1);
    return card;
  }

  before(async () => {
    push = await startTestPushService();
    site = await startLockSite('acme', push);
    browser = await launchChromium();
    const config = await fetch(`${site.appUrl}api/config`);
    vapidPublicKey = ((await config.json()) as { vapidPublicKey: string }).vapidPublicKey;
    await site.createUser(hana);
    await site.createUser(ken);
    // ken's first phone is set up the same way as hana's in the first test; he asks for a
    // second link at once, for the phone that replaces it.
    const kenLaptop = await (await newLaptop(browser)).newPage();
    const first = await enrollmentLink(kenLaptop, ken);
    await kenLaptop.goto(`${site.origin}/t/acme/portal`);
    await Promise.all([
      kenLaptop.waitForNavigation(),
      kenLaptop.click('form[action$="/portal/lock"] button[type="submit"]'),
    ]);
    kenSecondLink = (await kenLaptop.getAttribute('#lock-enroll-link', 'href')) ?? '';
    await enroll(await newPushPhone(ken), first, "Ken's old phone");
    await kenLaptop.context().close();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await push?.close();
  });

  test('enrolls the phone from the portal link, then approves a login by typing the number', async () => {
    portal = await (await newLaptop(browser)).newPage();
    const link = await enrollmentLink(portal, hana);
    assert.match(link, new RegExp(`^${site.appUrl}#enroll=`));
    const phone = await newPushPhone(hana);
    await enroll(phone, link, "Hana's phone");
    assert.equal(new URL(phone.page.url()).hash, '', 'the token is removed from the address bar');
    assert.deepEqual(await subscribeCalls(phone.page), [
      { userVisibleOnly: true, applicationServerKey: vapidPublicKey },
    ]);
    await portal.goto(`${site.origin}/t/acme/portal`);
    assert.match((await portal.textContent('#lock-status')) ?? '', /Hana's phone/);

    await requireLock(site);
    await phone.page.goto(site.appUrl); // Lock is open on the phone, nothing pending yet
    await phone.page.waitForSelector('#no-requests');
    const login = await loginWaitingForLock(hana);
    // Sekisho's push, decrypted by the push service: what, where from and when; no number.
    const [received] = await push.waitForMessages(phone.pushId, 1);
    const payload = received!.payload as Record<string, string>;
    assert.equal(payload.application, 'Sekisho portal');
    assert.equal(payload.ip, '127.0.0.1');
    assert.ok(Math.abs(Date.parse(payload.at!) - Date.now()) < 60_000, payload.at);
    assert.ok(!('number' in payload) && !Object.values(payload).includes(login.number));

    // The push reaches the app's service worker: a notification, and the open app pulls.
    assert.equal(await phone.page.locator('article.request').count(), 0);
    await deliverPush(phone.page, site.appUrl, JSON.stringify(payload));
    const card = phone.page.locator('article.request');
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Sekisho portal.*127\.0\.0\.1/s);
    const notifications = (await phone.page.evaluate(`navigator.serviceWorker.ready
      .then((r) => r.getNotifications())
      .then((list) => list.map((n) => ({ title: n.title, body: n.body })))`)) as {
      title: string;
      body: string;
    }[];
    assert.equal(notifications[0]?.title, 'Login request');
    assert.match(notifications[0]?.body ?? '', /^Sekisho portal from 127\.0\.0\.1 at /);

    await card.locator('input.number').fill(login.number);
    await card.locator('[data-action="approve"]').click();
    await expectStatus(phone.page, 'ok');
    assert.match((await phone.page.textContent('#status')) ?? '', /Approved/);
    await login.page.waitForURL(`${site.origin}/t/acme/portal`);
    await login.laptop.close();
  });

  test('a second phone replaces the first only after the user confirms', async () => {
    const old = phones.get(ken)!;
    const phone = await newPushPhone(ken);
    await phone.page.goto(kenSecondLink);
    await phone.page.fill('#device-name', "Ken's new phone");
    await phone.page.click('#enroll-submit');
    await phone.page.click('#replace-no');
    await phone.page.locator('#status', { hasText: 'Registration cancelled' }).waitFor();
    await old.page.goto(site.appUrl);
    await old.page.waitForSelector('#no-requests'); // the old phone still works

    await phone.page.click('#enroll-submit');
    await phone.page.click('#replace-yes');
    await expectStatus(phone.page, 'ok');
    await old.page.reload();
    await expectStatus(old.page, 'error');
    assert.match((await old.page.textContent('#status')) ?? '', /no longer registered/);
    await old.context.close();
  });

  test('a wrong number refuses the login, and the login page says so', async () => {
    const login = await loginWaitingForLock(hana);
    const card = await openRequest(phones.get(hana)!);
    const wrong = String((Number(login.number) + 1) % 100).padStart(2, '0');
    await card.locator('input.number').fill(wrong);
    await card.locator('[data-action="approve"]').click();
    const { page } = phones.get(hana)!;
    await expectStatus(page, 'error');
    assert.match((await page.textContent('#status')) ?? '', /did not match/);
    await login.page.waitForSelector('p.error[role="alert"]');
    assert.match((await login.page.textContent('p.error')) ?? '', /different number/);
    assert.doesNotMatch(login.page.url(), /\/portal/);
    await login.laptop.close();
  });

  test('a denial on the phone refuses the login', async () => {
    const login = await loginWaitingForLock(hana);
    const card = await openRequest(phones.get(hana)!);
    await card.locator('[data-action="deny"]').click();
    const { page } = phones.get(hana)!;
    await expectStatus(page, 'ok');
    assert.match((await page.textContent('#status')) ?? '', /Denied/);
    await login.page.waitForSelector('p.error[role="alert"]');
    assert.match((await login.page.textContent('p.error')) ?? '', /denied on your device/);
    await login.laptop.close();
  });

  test('a replayed signed answer is rejected and the login completes once', async () => {
    const login = await loginWaitingForLock(hana);
    const phone = phones.get(hana)!;
    const card = await openRequest(phone);
    await card.locator('input.number').fill(login.number);
    const [answer] = await Promise.all([
      phone.page.waitForRequest((r) => r.url().endsWith('/lock/api/answer')),
      card.locator('[data-action="approve"]').click(),
    ]);
    await login.page.waitForURL(`${site.origin}/t/acme/portal`);
    const body = answer.postData() ?? '';
    assert.match(body, /"signature":"[A-Za-z0-9_-]{86}"/);
    const replay = await fetch(answer.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(replay.status, 409);
    assert.equal(((await replay.json()) as { title: string }).title, 'ERR_LOCK_ANSWER_USED');
    mfaPortal = login.page; // signed in with Lock: may change sign-in methods without a step-up
  });

  test('an expired request can no longer be approved', async () => {
    const settings = await site.api('PUT', '/lock-settings', { approvalTtlSeconds: 15 });
    assert.equal(settings.status, 200, settings.body);
    try {
      const login = await loginWaitingForLock(ken);
      const phone = phones.get(ken)!;
      const card = await openRequest(phone);
      // The login page learns of the expiry from its event stream, with no reload by the test.
      await login.page.waitForSelector('p.error[role="alert"]', { timeout: 40_000 });
      assert.match((await login.page.textContent('p.error')) ?? '', /expired/);
      // The app shows it too, and the server refuses an answer signed now.
      await phone.page.waitForSelector('article.request button:disabled');
      assert.match((await card.textContent()) ?? '', /expired/);
      const approvalId = (await card.getAttribute('data-approval')) ?? '';
      const late = await phone.page.evaluate(
        async ({ approvalId, number }) => {
          // The app's own modules: the device key in IndexedDB signs, as the app would.
          const here = (globalThis as unknown as { location: { href: string } }).location.href;
          const load = (file: string) => import(new URL(file, here).href);
          const { getValue } = await load('db.js');
          const { signFields } = await load('signing.js');
          const device = await getValue('device', 'current');
          const fields = [device.deviceId, approvalId, 'approve', number];
          const signature = await signFields(
            device.keyPair.privateKey,
            'sekisho-lock-answer',
            fields,
          );
          const res = await fetch('api/answer', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              deviceId: device.deviceId,
              approvalId,
              decision: 'approve',
              number,
              signature,
            }),
          });
          return { status: res.status, body: await res.json() };
        },
        { approvalId, number: login.number },
      );
      assert.equal(late.status, 410);
      assert.equal((late.body as { title: string }).title, 'ERR_LOCK_APPROVAL_EXPIRED');
      await login.laptop.close();
    } finally {
      await site.api('PUT', '/lock-settings', { approvalTtlSeconds: 60 });
    }
  });

  test('"This wasn\'t me" refuses the login and tells the admins', async () => {
    const mailsBefore = site.outbox().length;
    const login = await loginWaitingForLock(ken);
    const phone = phones.get(ken)!;
    const card = await openRequest(phone);
    phone.page.once('dialog', (dialog) => void dialog.accept());
    await card.locator('[data-action="report"]').click();
    await expectStatus(phone.page, 'ok');
    assert.match((await phone.page.textContent('#status')) ?? '', /Reported/);
    await login.page.waitForSelector('p.error[role="alert"]');
    assert.match((await login.page.textContent('p.error')) ?? '', /wasn't me/);
    const mails = site.outbox().slice(mailsBefore).map(mailText);
    const alert = mails.find((m) => m.to === site.seeded.admin.loginId);
    assert.ok(alert, 'the tenant admin got a mail');
    assert.match(alert.body, /ken@acme\.example/);
    assert.match(alert.body, /127\.0\.0\.1/);
    await login.laptop.close();
  });

  test('one-time passwords set up from the portal work offline', async () => {
    await mfaPortal.goto(`${site.origin}/t/acme/portal/totp`);
    const secret = ((await mfaPortal.textContent('#totp-secret')) ?? '').replace(/\s+/g, '');
    const inLock = await mfaPortal.getAttribute('a[href*="/lock/#otpauth="]', 'href');
    assert.ok(inLock);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });

    const { page, context } = phones.get(hana)!;
    await page.goto(new URL(inLock, site.origin).href);
    const code = page.locator('article.otp [data-code]');
    await page.waitForFunction(SHOWS_CODE);
    const shown = ((await code.textContent()) ?? '').replace(' ', '');
    assert.notEqual(
      totp.validate({ token: shown, window: 1 }),
      null,
      'the app computes the same codes',
    );
    // The server accepts the app's code: the setup is confirmed with it.
    await mfaPortal.fill('#totp-confirm', shown);
    await Promise.all([mfaPortal.waitForNavigation(), mfaPortal.click('#totp-confirm ~ button')]);
    assert.match((await mfaPortal.textContent('main')) ?? '', /authenticator app is set up/);

    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('#offline:not([hidden])');
      await page.waitForFunction(SHOWS_CODE);
      const offline = ((await code.textContent()) ?? '').replace(' ', '');
      assert.notEqual(totp.validate({ token: offline, window: 1 }), null);
    } finally {
      await context.setOffline(false);
    }
  });

  test('on iPhone Safari outside the Home Screen the app explains how to add it', async () => {
    const iphone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'ja-JP',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
    });
    const page = await iphone.newPage();
    await page.goto(site.appUrl);
    await page.waitForSelector('#ios:not([hidden])');
    assert.match((await page.textContent('#ios')) ?? '', /ホーム画面に追加/);
    assert.equal(await page.textContent('.tab[data-tab="requests"]'), 'ログイン承認');
    await page.click('#lang');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    assert.match((await page.textContent('#ios')) ?? '', /Add to Home Screen/);

    await iphone.addInitScript(() =>
      Object.defineProperty(navigator, 'standalone', { value: true }),
    );
    await page.reload();
    await page.waitForSelector('.tab[aria-current="true"]');
    assert.equal(await page.isVisible('#ios'), false, 'added to the Home Screen: no guidance');
    await iphone.close();
  });

  test('no script error happened in the app on any phone', () => {
    assert.deepEqual(scriptErrors, []);
  });
});
