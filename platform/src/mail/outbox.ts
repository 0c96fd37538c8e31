/**
 * Writes one rendered message into the outbox directory, the default mail "transport" when no
 * SMTP server is configured.
 *
 * - The directory is created with mode 0700 and each file with 0600: mail carries reset links
 *   and one-time codes, which other local users must not read.
 * - The file is written under a dot-prefixed temporary name, flushed, then renamed, so a reader
 *   watching the directory never sees a half-written `.eml` (rename is atomic on one filesystem).
 * - File names start with the time in ISO 8601 basic format (no `:`, valid on every
 *   filesystem) so a directory listing sorts by send time.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** `2026-11-01T09:30:00.000Z` -> `20261101T093000.000Z` */
export function outboxTimestamp(at: Date): string {
  return at.toISOString().replaceAll(/[-:]/g, '');
}

/** The file-name-safe part of a Message-ID such as `<3f2a...@sekisho.example>`. */
export function outboxIdPart(messageId: string): string {
  const local = messageId.replace(/^</, '').split('@')[0] ?? '';
  const safe = local.replaceAll(/[^A-Za-z0-9._-]/g, '').slice(0, 64);
  return safe || 'message';
}

/** Atomically writes `content` as `<dir>/<name>` and returns the full path. */
export async function writeOutboxFile(dir: string, name: string, content: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const finalPath = join(dir, name);
  const tempPath = join(dir, `.${name}.${process.pid}.tmp`);
  const handle = await open(tempPath, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tempPath, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tempPath, finalPath);
  } catch (err) {
    await rm(tempPath, { force: true });
    throw err;
  }
  return finalPath;
}
