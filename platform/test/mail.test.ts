/**
 * The mailer against a real SMTP server (smtp-server on loopback, random port) and a real
 * outbox directory; every message is read back with mailparser, as a mail client would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { createMailer } from '../src/mail/mailer.ts';
import { ManualClock } from '../src/clock.ts';
import { SekishoError } from '../src/errors.ts';

const FROM = '関所 <no-reply@sekisho.test>';
const SUBJECT = 'パスワード再設定のご案内（有効期限：30分）';
const TEXT =
  '山田 花子 様\n\n以下のリンクからパスワードを再設定してください。\nhttps://sekisho.test/reset\n';

interface Received {
  envelopeTo: string[];
  raw: Buffer;
}

async function startSmtp(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        received.push({ envelopeTo, raw: Buffer.concat(chunks) });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const stop = () => new Promise<void>((resolve) => server.close(resolve));
  return { url: `smtp://127.0.0.1:${port}`, received, stop };
}

function firstAddress(field: AddressObject | AddressObject[] | undefined) {
  const value = (Array.isArray(field) ? field[0] : field)?.value[0];
  return { name: value?.name, address: value?.address };
}

function assertJapaneseMail(mail: ParsedMail) {
  assert.deepEqual(firstAddress(mail.from), { name: '関所', address: 'no-reply@sekisho.test' });
  assert.deepEqual(firstAddress(mail.to), { name: '山田 花子', address: 'hanako@example.jp' });
  assert.equal(mail.subject, SUBJECT);
  assert.equal(mail.text, TEXT);
}

void test('sends through SMTP with the Japanese subject and body intact', async (t) => {
  const smtp = await startSmtp();
  const logged: object[] = [];
  const mailer = createMailer({
    smtpUrl: smtp.url,
    outboxDir: join(tmpdir(), 'never-used'),
    from: FROM,
    logger: { info: (obj) => logged.push(obj) },
  });
  t.after(async () => {
    await mailer.close();
    await smtp.stop();
  });

  const to = '山田 花子 <hanako@example.jp>';
  const result = await mailer.send({ to, subject: SUBJECT, text: TEXT, kind: 'password-reset' });

  assert.equal(result.transport, 'smtp');
  assert.equal(result.path, undefined);
  assert.equal(smtp.received.length, 1);
  const [received] = smtp.received;
  assert.deepEqual(received?.envelopeTo, ['hanako@example.jp']);
  const mail = await simpleParser(received?.raw ?? Buffer.alloc(0));
  assertJapaneseMail(mail);
  assert.equal(mail.messageId, result.messageId);
  assert.deepEqual(logged, [
    {
      to,
      subject: SUBJECT,
      kind: 'password-reset',
      messageId: result.messageId,
      transport: 'smtp',
      path: undefined,
    },
  ]);
});

void test('rejects with ERR_MAIL_SEND_FAILED when the server refuses the recipient', async (t) => {
  const smtp = await startSmtp({
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
    },
  });
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: tmpdir(), from: FROM });
  t.after(async () => {
    await mailer.close();
    await smtp.stop();
  });

  await assert.rejects(
    mailer.send({ to: 'nobody@example.jp', subject: '件名', text: '本文', kind: 'invitation' }),
    (err) => {
      assert.ok(err instanceof SekishoError);
      assert.equal(err.code, 'ERR_MAIL_SEND_FAILED');
      assert.equal(err.status, 502);
      assert.equal(err.expose, false);
      assert.match(err.detail ?? '', /kind=invitation .*550 5\.1\.1 no such user/);
      return true;
    },
  );
  assert.equal(smtp.received.length, 0);
});

void test('an unreachable SMTP server rejects without revealing the URL credentials', async (t) => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const mailer = createMailer({
    smtpUrl: `smtp://mailuser:s3cret-pass@127.0.0.1:${port}`,
    outboxDir: tmpdir(),
    from: FROM,
  });
  t.after(() => mailer.close());

  await assert.rejects(mailer.send({ to: 'a@example.jp', subject: 's', text: 't' }), (err) => {
    assert.ok(err instanceof SekishoError);
    assert.equal(err.code, 'ERR_MAIL_SEND_FAILED');
    assert.match(err.detail ?? '', /ECONNREFUSED|ECONNECTION/);
    assert.doesNotMatch(`${err.message} ${err.detail}`, /s3cret-pass/);
    return true;
  });
});

void test('without SMTP, each message becomes one private .eml file in the outbox', async () => {
  const outboxDir = join(await mkdtemp(join(tmpdir(), 'sekisho-mail-')), 'outbox');
  const logged: object[] = [];
  const mailer = createMailer({
    outboxDir,
    from: FROM,
    clock: new ManualClock(Date.UTC(2026, 10, 1, 9, 30, 5, 123)),
    logger: { info: (obj) => logged.push(obj) },
  });
  const to = '山田 花子 <hanako@example.jp>';
  const html = '<p>以下のリンクからパスワードを再設定してください。</p>';

  const first = await mailer.send({
    to,
    subject: SUBJECT,
    text: TEXT,
    html,
    kind: 'password-reset',
  });
  const second = await mailer.send({ to, subject: SUBJECT, text: TEXT });
  await mailer.close();

  assert.equal(first.transport, 'outbox');
  assert.notEqual(first.path, second.path);
  const files = (await readdir(outboxDir)).sort();
  assert.equal(files.length, 2, `no temporary files left: ${files.join(', ')}`);
  for (const file of files) assert.match(file, /^20261101T093005\.123Z-[A-Za-z0-9._-]+\.eml$/);
  assert.deepEqual(
    files,
    [first.path, second.path].map((p) => p?.slice(outboxDir.length + 1)).sort(),
  );
  assert.equal((await stat(outboxDir)).mode & 0o777, 0o700);
  assert.equal((await stat(first.path ?? '')).mode & 0o777, 0o600);

  const raw = await readFile(first.path ?? '');
  assert.match(
    raw.toString('latin1'),
    /\r\nSubject: =\?UTF-8\?/,
    'RFC 5322: CRLF, encoded subject',
  );
  const mail = await simpleParser(raw);
  assertJapaneseMail(mail);
  assert.equal(mail.html, html);
  assert.equal(mail.messageId, first.messageId);
  assert.equal((await simpleParser(await readFile(second.path ?? ''))).messageId, second.messageId);
  assert.deepEqual(logged[0], {
    to,
    subject: SUBJECT,
    kind: 'password-reset',
    messageId: first.messageId,
    transport: 'outbox',
    path: first.path,
  });
});

void test('an outbox that cannot be written rejects with ERR_MAIL_SEND_FAILED', async () => {
  const notADirectory = join(await mkdtemp(join(tmpdir(), 'sekisho-mail-')), 'file');
  await writeFile(notADirectory, '');
  const mailer = createMailer({ outboxDir: join(notADirectory, 'outbox'), from: FROM });
  await assert.rejects(mailer.send({ to: 'a@example.jp', subject: 's', text: 't' }), {
    code: 'ERR_MAIL_SEND_FAILED',
    detail: /ENOTDIR/,
  });
});
