/**
 * Runs the openssl CLI for what node-forge cannot do (CRL signing, PKCS#12 with a SHA-256
 * MAC), on files in a private temp dir (0700, files 0600) removed afterwards, even on error.
 * Secrets go through files or the environment, never the command line (visible in `ps`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SekishoError } from '@sekisho/platform';

export interface OpensslRun {
  args: string[];
  /** File name (inside the temp dir) -> content, written with mode 0600. */
  files: Record<string, string | Buffer>;
  env?: Record<string, string>;
  /** Relative file names in `args` are resolved against the temp dir (the cwd). */
}

export async function withOpenssl<T>(
  run: OpensslRun,
  read: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sekisho-openssl-'));
  try {
    for (const [name, content] of Object.entries(run.files)) {
      await writeFile(join(dir, name), content, { mode: 0o600 });
    }
    await new Promise<void>((resolve, reject) => {
      execFile(
        'openssl',
        run.args,
        { cwd: dir, env: { PATH: process.env.PATH ?? '', ...run.env }, timeout: 30_000 },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          reject(
            new SekishoError('ERR_INTERNAL', `openssl ${run.args[0]} failed`, {
              detail: stderr,
              cause: err,
            }),
          );
        },
      );
    });
    return await read(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
