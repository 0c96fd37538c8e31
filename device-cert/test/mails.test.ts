import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '@sekisho/platform/test-support';
import { DEVICE, PUBLIC_URL, startHarness, type Harness } from './support.ts';

const DAY = 86_400_000;

describe('installation and renewal mails', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('the request only queues the installation mail; the job sends it in the chosen language, with no password', async () => {
    const t = await h.tenant('mail-install');
    const u = await h.user(t, 'taro@mail-install.example');
    const device = { ...DEVICE, description: '営業部の MacBook' };
    const cert = await h.certs.issue(t.id, { userId: u.id, device, loginType: 'personal' });
    const link = await h.certs.createDownload(t.id, cert.id);
    const queued = await h.certs.queueInstallationMail(t.id, cert.id, 'ja');
    assert.deepEqual([queued.mail.status, queued.mail.locale], ['queued', 'ja']);
    const before = (await h.outbox()).length;
    assert.deepEqual(await h.certs.deliverQueuedMails(), { sent: 1, failed: 0 });
    const mails = (await h.outbox()).slice(before);
    assert.equal(mails.length, 1);
    const [mail] = mails;
    assert.equal(mail!.to, 'taro@mail-install.example');
    assert.equal(mail!.subject, 'デバイス証明書が発行されました');
    assert.ok(mail!.text.includes('営業部の MacBook'));
    assert.ok(mail!.text.includes(`${PUBLIC_URL}/t/mail-install/portal/device-certificates`));
    assert.ok(!mail!.text.includes(link.password), 'the download password is never mailed');
    assert.ok(!mail!.text.includes(link.token));
    const sent = (await h.certs.get(t.id, cert.id))!;
    assert.equal(sent.mail.status, 'sent');
    assert.ok(sent.mail.sentAt);
    assert.deepEqual(await h.certs.deliverQueuedMails(), { sent: 0, failed: 0 }, 'sent once');

    await h.certs.queueInstallationMail(t.id, cert.id, 'en');
    await h.certs.deliverQueuedMails();
    const en = (await h.outbox()).at(-1)!;
    assert.equal(en.subject, 'A device certificate was issued for your device');
  });

  test('a certificate revoked before delivery is not announced; the mail shows failed with why', async () => {
    const t = await h.tenant('mail-revoked');
    const u = await h.user(t, 'jiro@mail-revoked.example');
    const cert = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    await h.certs.queueInstallationMail(t.id, cert.id, 'en');
    await h.certs.revoke(t.id, cert.id, 'unspecified');
    const before = (await h.outbox()).length;
    assert.deepEqual(await h.certs.deliverQueuedMails(), { sent: 0, failed: 1 });
    assert.equal((await h.outbox()).length, before);
    const rec = (await h.certs.get(t.id, cert.id))!;
    assert.deepEqual([rec.mail.status, rec.mail.error], ['failed', 'certificate is revoked']);
    await assert.rejects(h.certs.queueInstallationMail(t.id, cert.id, 'en'), {
      code: 'ERR_DEVICE_CERT_STATUS',
    });
    await assert.rejects(h.certs.queueInstallationMail(t.id, cert.id, 'fr' as 'en'), {
      code: 'ERR_VALIDATION',
    });
    await assert.rejects(h.certs.queueInstallationMail(t.id, 'nope', 'en'), {
      code: 'ERR_NOT_FOUND',
    });
  });

  test('a mail server that refuses leaves the mail failed with its error, to be queued again', async () => {
    const port = await freePort();
    const down = await startHarness({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const t = await down.tenant('mail-down');
      const u = await down.user(t, 'saburo@mail-down.example');
      const cert = await down.certs.issue(t.id, {
        userId: u.id,
        device: DEVICE,
        loginType: 'shared',
      });
      await down.certs.queueInstallationMail(t.id, cert.id, 'ja');
      assert.deepEqual(await down.certs.deliverQueuedMails(), { sent: 0, failed: 1 });
      const rec = (await down.certs.get(t.id, cert.id))!;
      assert.equal(rec.mail.status, 'failed');
      assert.match(rec.mail.error ?? '', /could not be sent/);
      const again = await down.certs.queueInstallationMail(t.id, cert.id, 'ja');
      assert.deepEqual([again.mail.status, again.mail.error], ['queued', null]);
    } finally {
      await down.close();
    }
  });

  test('renewal reminders go once to the user and the admins for certificates ending within 30 days', async () => {
    const t = await h.tenant('mail-remind');
    const u = await h.user(t, 'shiro@mail-remind.example', 'en');
    await h.admin(t, 'boss@mail-remind.example', 'ja');
    const soon = await h.certs.issue(t.id, {
      userId: u.id,
      device: { ...DEVICE, description: 'Shiro laptop' },
      loginType: 'personal',
      validityDays: 20,
    });
    const year = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    const revoked = await h.certs.issue(t.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'personal',
      validityDays: 10,
    });
    await h.certs.revoke(t.id, revoked.id, 'unspecified');
    const before = (await h.outbox()).length;
    // Other tests' tenants may have certificates ending soon too: count only this tenant's.
    await h.certs.sendRenewalReminders();
    const mails = (await h.outbox())
      .slice(before)
      .filter((m) => m.to.endsWith('@mail-remind.example'));
    assert.equal(mails.length, 2);
    const user = mails.find((m) => m.to === 'shiro@mail-remind.example')!;
    assert.equal(
      user.subject,
      `Your device certificate expires on ${soon.notAfter.toISOString().slice(0, 10)}`,
    );
    assert.match(user.text, /Shiro laptop/);
    const admin = mails.find((m) => m.to === 'boss@mail-remind.example')!;
    assert.match(admin.subject, /1 件/);
    assert.match(admin.text, /shiro@mail-remind\.example: Shiro laptop/);
    assert.ok((await h.certs.get(t.id, soon.id))!.reminderSentAt);
    assert.equal(await h.certs.sendRenewalReminders(), 0, 'reminded once');
    h.clock.advance(340 * DAY);
    assert.ok((await h.certs.sendRenewalReminders()) >= 1);
    assert.ok(
      (await h.certs.get(t.id, year.id))!.reminderSentAt,
      'the 365-day one, 25 days before',
    );
    assert.equal((await h.certs.get(t.id, revoked.id))!.reminderSentAt, null);
    h.clock.set(new Date());
  });
});
