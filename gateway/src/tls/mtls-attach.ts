/**
 * Wires the mutual-TLS listener into a node when MTLS_PORT is set: the listener itself (the
 * same app on a second port), its CA list from the device-cert service, and the redirect of
 * "Log in with device certificate" from the main listener to it.
 *
 * - MTLS_PORT equal to PORT is refused at start (one port cannot both ask and not ask for a
 *   certificate).
 */
import type { FastifyInstance } from 'fastify';
import { ConfigError, type Platform } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';
import { createMtlsListener, type MtlsListener } from './mtls-listener.ts';
import { redirectCertificateLogin } from './mtls-login-redirect.ts';

/** Call before the app is ready; `listen()` the result after. Undefined when MTLS_PORT is unset. */
export function attachMtlsListener(
  app: FastifyInstance,
  platform: Platform,
  deviceCerts: DeviceCertService,
  tls: { key: string; cert: string },
): MtlsListener | undefined {
  const { config } = platform;
  if (config.mtlsPort === undefined) return undefined;
  if (config.mtlsPort !== 0 && config.mtlsPort === config.port) {
    throw new ConfigError([
      { key: 'MTLS_PORT', source: 'configuration', expected: 'a port other than PORT' },
    ]);
  }
  const listener = createMtlsListener(app, {
    tls,
    loadAuthorities: () => deviceCerts.clientAuthorities(),
    publicUrl: config.mtlsPublicUrl,
    mainPublicUrl: config.publicUrl,
  });
  redirectCertificateLogin(app, listener);
  return listener;
}
