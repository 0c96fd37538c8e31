/** A throwaway Redis server for tests: loopback only, a random port, no persistence. */
import { connect } from 'node:net';
import {
  freePort,
  makeTempDir,
  removeAtExit,
  requireCommand,
  spawnServer,
  waitUntilReady,
} from './system.ts';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** How long start-up may take; default 15 s. */
  timeoutMs?: number;
}

/** True when a server on `port` answers PING with PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Starts `redis-server` on 127.0.0.1 (random free port, working directory in a temp dir,
 * no RDB or AOF) and resolves once it answers PING. The server is killed if the process exits
 * before `stop()`.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const redisServer = requireCommand('redis-server', 'redis-server');
  const dir = await makeTempDir('sekisho-redis-');
  const removeDir = removeAtExit(dir);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
    const server = spawnServer(redisServer, [...args, '--save', '', '--appendonly', 'no'], {
      cwd: dir,
    });
    try {
      await waitUntilReady(server, 'redis-server', () => pong(port), options.timeoutMs ?? 15_000);
    } catch (err) {
      const portTaken = /already in use|could not create server/i.test(server.output());
      await server.stop();
      if (portTaken && attempt < 3) continue;
      removeDir();
      throw err;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      async stop() {
        await server.stop();
        removeDir();
      },
    };
  }
}
