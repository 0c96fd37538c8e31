/** The mails Sekisho's outbox mailer wrote under `dataDir/outbox`, oldest first. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readOutbox(dataDir: string): string[] {
  const dir = join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** A mail's headers and its body decoded (base64 or as is), for assertions on the text. */
export function mailText(raw: string): { to: string; body: string } {
  const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const headers = raw.slice(0, split);
  const body = raw.slice(split).trim();
  const to = /^To: (.+)$/im.exec(headers)?.[1]?.trim() ?? '';
  const base64 = /^Content-Transfer-Encoding: base64/im.test(headers);
  return { to, body: base64 ? Buffer.from(body, 'base64').toString('utf8') : body };
}
