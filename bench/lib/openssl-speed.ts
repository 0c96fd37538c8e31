/**
 * The signing baseline: `openssl speed -seconds N <algorithm>` run once at the start of a
 * benchmark, parsed for sign/s (one core; openssl speed runs a single process unless -multi).
 *
 *   rsa2048    ->  "rsa 2048 bits 0.000445s 0.000025s   2244.8  40025.0"
 *   ecdsap256  ->  " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  32249.3  10560.7"
 *
 * The columns are found by name in the header line ("sign verify sign/s verify/s" in
 * OpenSSL 3.0; later versions add columns), the figures are the last tokens of the data line.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface SpeedResult {
  algorithm: string;
  signPerSec: number;
  verifyPerSec: number;
  version: string;
}

const DATA_LINE: Record<string, RegExp> = {
  rsa2048: /^\s*rsa\s+2048\s+bits\s/,
  ecdsap256: /^\s*256\s+bits\s+ecdsa\s+\(nistp256\)\s/,
};

export function parseSpeed(algorithm: string, stdout: string): Omit<SpeedResult, 'version'> {
  const lines = stdout.split('\n');
  const data = lines.findLast((l) => DATA_LINE[algorithm]?.test(l));
  const header = lines.findLast((l) => /\bsign\/s\b/.test(l));
  if (!data || !header) throw new Error(`openssl speed ${algorithm}: no result line in output`);
  const columns = header.trim().split(/\s+/);
  const figures = data.trim().split(/\s+/).slice(-columns.length);
  const column = (name: string) => Number(figures[columns.indexOf(name)]);
  const result = { algorithm, signPerSec: column('sign/s'), verifyPerSec: column('verify/s') };
  if (!(result.signPerSec > 0)) throw new Error(`openssl speed ${algorithm}: unreadable '${data}'`);
  return result;
}

/** Runs `openssl speed -seconds <seconds> <algorithm>`; throws when openssl is missing. */
export async function opensslSpeed(algorithm: string, seconds: number): Promise<SpeedResult> {
  const run = promisify(execFile);
  const { stdout } = await run('openssl', ['speed', '-seconds', String(seconds), algorithm], {
    timeout: (seconds + 30) * 1000,
  });
  const { stdout: version } = await run('openssl', ['version']);
  return { ...parseSpeed(algorithm, stdout), version: version.trim() };
}
