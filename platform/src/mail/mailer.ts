/**
 * Sends the mail Sekisho writes (invitations, password resets, security notices).
 *
 * - With `smtpUrl` (`smtp://` or `smtps://`, credentials in the URL): a pooled nodemailer SMTP
 *   transport. Query parameters of the URL override the defaults below.
 * - Without it: each message is rendered to RFC 5322 (CRLF line ends) and written to
 *   `<outboxDir>/<time>-<id>.eml`, so a single-node install works with no mail server and an
 *   operator can open the file in any mail client.
 * - Subjects and bodies are UTF-8; nodemailer encodes them (RFC 2047 words, quoted-printable or
 *   base64 parts), so Japanese text survives any 7-bit relay.
 * - Every failure rejects with `ERR_MAIL_SEND_FAILED`; the SMTP reply goes into `detail` (logs
 *   only) and the SMTP URL, which holds credentials, is never logged or put in an error.
 */
import { createTransport } from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { SekishoError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { outboxIdPart, outboxTimestamp, writeOutboxFile } from './outbox.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** What the mail is for (`password-reset`, `invitation`...), for logging only. */
  kind?: string;
}

export interface MailResult {
  messageId: string;
  transport: 'outbox' | 'smtp';
  /** The `.eml` file, in outbox mode. */
  path?: string;
}

export interface Mailer {
  /** Sends one message; rejects with a `SekishoError` coded `ERR_MAIL_SEND_FAILED`. */
  send(message: MailMessage): Promise<MailResult>;
  /** Closes pooled SMTP connections; the mailer must not be used afterwards. */
  close(): Promise<void>;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587` or `smtps://...:465`; unset = outbox files. */
  smtpUrl?: string | undefined;
  outboxDir: string;
  /** `Sekisho <no-reply@example.com>` */
  from: string;
  logger?: { info(obj: object, msg: string): void };
  /** Names outbox files; defaults to the system clock. */
  clock?: Clock;
}

type Deliver = (mail: SendMailOptions) => Promise<MailResult>;

/**
 * @example
 * const mailer = createMailer({ smtpUrl: config.smtpUrl, outboxDir, from: config.mailFrom, logger });
 * await mailer.send({ to: 'hanako@example.jp', subject: 'パスワードの再設定', text, kind: 'password-reset' });
 */
export function createMailer(options: MailerOptions): Mailer {
  const { from, logger } = options;
  const smtp = options.smtpUrl ? createSmtpDelivery(options.smtpUrl) : undefined;
  const deliver = smtp?.deliver ?? createOutboxDelivery(options.outboxDir, options.clock);

  return {
    async send(message) {
      const mail: SendMailOptions = {
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      };
      let result: MailResult;
      try {
        result = await deliver(mail);
      } catch (err) {
        throw new SekishoError('ERR_MAIL_SEND_FAILED', 'mail could not be sent', {
          detail: describeFailure(err, message.kind),
          cause: err,
        });
      }
      const { to, subject, kind } = message;
      logger?.info(
        {
          to,
          subject,
          kind,
          messageId: result.messageId,
          transport: result.transport,
          path: result.path,
        },
        result.path ? 'mail written to outbox' : 'mail sent',
      );
      return result;
    },
    async close() {
      smtp?.close();
    },
  };
}

function createSmtpDelivery(smtpUrl: string): { deliver: Deliver; close(): void } {
  const transport = createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async deliver(mail) {
      const info = await transport.sendMail(mail);
      return { messageId: info.messageId, transport: 'smtp' };
    },
    close: () => transport.close(),
  };
}

function createOutboxDelivery(outboxDir: string, clock: Clock = systemClock): Deliver {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return async (mail) => {
    const info = await transport.sendMail(mail);
    const name = `${outboxTimestamp(clock.now())}-${outboxIdPart(info.messageId)}.eml`;
    // `buffer: true` makes `message` a Buffer; the type also admits the stream variant.
    const message = Buffer.isBuffer(info.message)
      ? info.message
      : Buffer.concat(await info.message.toArray());
    const path = await writeOutboxFile(outboxDir, name, message);
    return { messageId: info.messageId, transport: 'outbox', path };
  };
}

/** SMTP reply and nodemailer code, e.g. `EENVELOPE RCPT TO: 550 5.1.1 no such user`. */
function describeFailure(err: unknown, kind: string | undefined): string {
  const e = (err ?? {}) as {
    code?: unknown;
    command?: unknown;
    response?: unknown;
    message?: unknown;
  };
  const parts = [kind ? `kind=${kind}` : '', e.code, e.command, e.response ?? e.message];
  return parts.filter((p) => typeof p === 'string' && p !== '').join(' ');
}
