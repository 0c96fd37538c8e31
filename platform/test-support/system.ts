/**
 * Host helpers for tests and the test harness: locate and install server binaries, free
 * loopback ports, temporary directories, and child processes that cannot outlive the test
 * process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A command the tests run, and the Debian package that provides it. */
export interface DebianNeed {
  command: string;
  pkg: string;
}

const POSTGRES_LIB = '/usr/lib/postgresql';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `/usr/lib/postgresql/<version>/bin`, newest version first (Debian keeps them off PATH). */
function postgresBinDirs(): string[] {
  let versions: string[];
  try {
    versions = readdirSync(POSTGRES_LIB);
  } catch {
    return [];
  }
  return versions
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((v) => join(POSTGRES_LIB, v, 'bin'));
}

/**
 * The absolute path of `command`: searched on PATH, then in Debian's PostgreSQL directories;
 * `undefined` when not installed.
 */
export function findCommand(command: string): string | undefined {
  const path = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of [...path, ...postgresBinDirs()]) {
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Like {@link findCommand}, but throws an error naming the package to install. */
export function requireCommand(command: string, pkg: string): string {
  const found = findCommand(command);
  if (!found) throw new Error(`${command} not found; install the Debian package ${pkg}`);
  return found;
}

/** Runs a command to completion with its output on our stderr; rejects on a non-zero exit. */
function runVisible(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', process.stderr, process.stderr], env });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

let aptUpdated = false;

/**
 * apt-get as root, one at a time across the test processes (node --test runs files in
 * parallel, and two installs at once fail on dpkg's lock): `flock` on a shared lock file
 * serializes ours, and DPkg::Lock::Timeout makes apt wait for anybody else's.
 */
export function aptGet(args: readonly string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = ['apt-get', '-o', 'DPkg::Lock::Timeout=600', ...args];
  if (!findCommand('flock')) return runVisible(apt[0]!, apt.slice(1), env);
  return runVisible('flock', [join(tmpdir(), 'sekisho-test-apt.lock'), ...apt], env);
}

/**
 * Makes sure every needed command exists. Missing ones are installed with apt-get when the
 * process runs as root (`apt-get update` runs at most once per process); otherwise this
 * throws an error listing the packages to install.
 */
export async function ensureDebianPackages(needs: readonly DebianNeed[]): Promise<void> {
  const missing = needs.filter((n) => !findCommand(n.command));
  if (!missing.length) return;
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  const what = missing.map((n) => `${n.command} (package ${n.pkg})`).join(', ');
  const install = `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  if (process.getuid?.() !== 0 || !findCommand('apt-get')) {
    throw new Error(`Tests need ${what}. Install them as root: ${install}`);
  }
  if (!aptUpdated) {
    await aptGet(['update']);
    aptUpdated = true;
  }
  await aptGet(['install', '-y', '--no-install-recommends', ...pkgs]);
  const still = missing.filter((n) => !findCommand(n.command)).map((n) => n.command);
  if (still.length) throw new Error(`${install} did not provide: ${still.join(', ')}`);
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago. Another process may take it before the
 * caller binds, so servers started on it retry with a new port when the bind fails.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A new empty directory under the OS temp directory, named `<prefix>XXXXXX`. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** uid and gid of a local account, read from /etc/passwd; undefined when it does not exist. */
export function lookupUser(name: string): { uid: number; gid: number } | undefined {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

export interface SpawnedServer {
  readonly child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process ended. */
  readonly exited: Promise<number | null>;
  /** Asks the process to stop (`stopSignal`, SIGKILL after `graceMs`); resolves on exit. */
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  cwd: string;
  /** Signal asking for a clean shutdown; default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** How long stop() waits before SIGKILL; default 5 s. */
  graceMs?: number;
  uid?: number | undefined;
  gid?: number | undefined;
}

/** Children still running and directories still present: cleaned up if the process exits. */
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work runs in an 'exit' listener: SIGKILL and rm, nothing awaited.
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Marks `dir` for removal when the process exits; the returned function removes it now.
 */
export function removeAtExit(dir: string): () => void {
  installExitHook();
  liveDirs.add(dir);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };
}

/**
 * Starts a child process (a server, or a set-up command such as initdb) whose output is kept,
 * not shown, and which is SIGKILLed if this process exits while it still runs.
 */
export function spawnServer(
  command: string,
  args: readonly string[],
  options: SpawnServerOptions,
): SpawnedServer {
  installExitHook();
  const child = spawn(command, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
  liveChildren.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      liveChildren.delete(child);
      lines.push(String(err));
      resolve(-1);
    });
    child.once('exit', (code) => {
      liveChildren.delete(child);
      resolve(code);
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (liveChildren.has(child)) {
        child.kill(options.stopSignal ?? 'SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 5_000);
        await exited;
        clearTimeout(killer);
      }
    })());
  return { child, exited, stop, output: () => lines.join('\n') };
}

/**
 * Polls `probe` every 100 ms until it resolves true. Rejects when the server exits first or
 * when `timeoutMs` passes, with the server's last output in the message.
 */
export async function waitUntilReady(
  server: SpawnedServer,
  name: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up:\n${server.output()}`);
    if (await probe()) return;
    if (Date.now() > deadline) {
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
