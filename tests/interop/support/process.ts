/**
 * Child processes for the interop peers (Apache, shibd): output kept for error messages, a
 * readiness poll, stop by PID (SIGTERM, SIGKILL after a grace period), and a SIGKILL when
 * the test process exits while one still runs, so no peer outlives its test.
 *
 * Each peer runs in a process group of its own (`detached`): Apache's prefork MPM stops by
 * signalling its whole process group, which without this is the test process's group, so
 * stopping Apache would SIGTERM the test runner too. The group also lets a stop reach the
 * children a killed Apache parent would leave behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';

export interface Peer {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process ended. */
  readonly exited: Promise<number | null>;
  /** The last lines it wrote on stdout and stderr. */
  output(): string;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it exited. Idempotent. */
  stop(): Promise<void>;
}

export interface StartPeerOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  graceMs?: number;
  /** How many output lines to keep; default 200. */
  keepLines?: number;
}

const live = new Set<ChildProcess>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.once('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

/** Signals the peer's process group (the peer and its children); ignores a gone group. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

export function startPeer(
  name: string,
  command: string,
  args: readonly string[],
  options: StartPeerOptions,
): Peer {
  installExitHook();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  const keep = options.keepLines ?? 200;
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      live.delete(child);
      lines.push(String(err));
      resolve(-1);
    });
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name,
    child,
    exited,
    output: () => lines.join('\n'),
    stop: () =>
      (stopping ??= (async () => {
        if (live.has(child)) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => killGroup(child, 'SIGKILL'), options.graceMs ?? 5_000);
          await exited;
          clearTimeout(killer);
        }
        // Whatever of the group outlived its leader (workers of a killed Apache parent).
        killGroup(child, 'SIGKILL');
      })()),
  };
}

/**
 * Polls `probe` every 100 ms until it resolves true. Rejects when the peer exits first or
 * `timeoutMs` passes, with the peer's last output in the message.
 */
export async function waitForPeer(
  peer: Peer,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void peer.exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${peer.name} exited (${exitCode}) during start-up:\n${peer.output()}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${peer.name} not ready after ${timeoutMs} ms:\n${peer.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when something answers HTTP on 127.0.0.1:`port` (any status). */
export function answersHttp(port: number, path = '/'): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 2_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(true));
        res.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
