/**
 * `npm start`: the only file that touches the process. Loads and validates configuration
 * (a bad value stops the start with every bad key named), starts the node, prints the demo
 * admin password once on first start, and shuts down gracefully on SIGTERM/SIGINT.
 */
import { ConfigError, loadConfig, redactConfig } from '@sekisho/platform';
import { startServer } from './server.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`sekisho: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const server = await startServer(config);
server.app.log.info({ config: redactConfig(config), url: server.url }, 'sekisho started');
if (server.demoAdmin) {
  process.stdout.write(
    [
      '',
      '  Sekisho demo tenant created.',
      `  Sign in at ${config.publicUrl}/t/demo/login`,
      `  login ID: ${server.demoAdmin.loginId}`,
      `  password: ${server.demoAdmin.password}   (shown only this once)`,
      '',
    ].join('\n') + '\n',
  );
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), config.shutdownGraceSeconds * 1000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
