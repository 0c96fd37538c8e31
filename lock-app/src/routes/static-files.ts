/**
 * Serves the Lock PWA (lock-app/web) at `/t/:tenant/lock/`, so the service worker's scope is
 * the tenant's app and the enrollment link's fragment stays in the browser.
 *
 * - Only files whose names are plain (`[A-Za-z0-9][A-Za-z0-9._-]*` per path segment, so no
 *   `..`) with a whitelisted extension, resolved inside web/ (symlinks out are refused).
 * - `manifest.webmanifest` is generated per tenant (start_url and scope `/t/{slug}/lock/`).
 * - Strict CSP: the app loads only its own files and talks only to its own origin.
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { SekishoError, type Platform } from '@sekisho/platform';
import { lockTenant } from './tenant.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export const LOCK_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const lockStaticFiles: FastifyPluginAsync<{ platform: Platform; webDir?: string }> = async (
  app,
  { platform, webDir = fileURLToPath(new URL('../../web/', import.meta.url)) },
) => {
  const notFound = (path: string) => new SekishoError('ERR_NOT_FOUND', `no file ${path}`);

  async function sendFile(reply: FastifyReply, path: string): Promise<FastifyReply> {
    const segments = path.split('/');
    const type = CONTENT_TYPES[extname(path)];
    if (!type || !segments.every((s) => SEGMENT.test(s))) throw notFound(path);
    let body: Buffer;
    try {
      const root = await realpath(webDir);
      const file = await realpath(join(root, ...segments));
      if (!file.startsWith(root + sep)) throw notFound(path);
      body = await readFile(file);
    } catch {
      throw notFound(path);
    }
    const fresh = path.endsWith('.html') || path === 'sw.js';
    return reply
      .type(type)
      .header('content-security-policy', LOCK_APP_CSP)
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', fresh ? 'no-cache' : 'public, max-age=300')
      .send(body);
  }

  app.get('/t/:tenant/lock', async (request, reply) => {
    const tenant = await lockTenant(platform, request.params);
    return reply.redirect(`/t/${tenant.slug}/lock/`, 301);
  });

  app.get('/t/:tenant/lock/', async (request, reply) => {
    await lockTenant(platform, request.params);
    return sendFile(reply, 'index.html');
  });

  app.get('/t/:tenant/lock/manifest.webmanifest', async (request, reply) => {
    const tenant = await lockTenant(platform, request.params);
    const base = `/t/${tenant.slug}/lock/`;
    return reply
      .type(CONTENT_TYPES['.webmanifest'] ?? 'application/manifest+json')
      .header('cache-control', 'no-cache')
      .send({
        name: 'Sekisho Lock',
        short_name: 'Lock',
        description: `Sekisho Lock — ${tenant.name}`,
        id: base,
        start_url: base,
        scope: base,
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f3a5f',
        icons: [
          { src: `${base}icon.svg`, sizes: 'any', type: 'image/svg+xml' },
          { src: `${base}icon-192.png`, sizes: '192x192', type: 'image/png' },
          { src: `${base}icon-512.png`, sizes: '512x512', type: 'image/png' },
        ],
      });
  });

  app.get('/t/:tenant/lock/*', async (request, reply) => {
    await lockTenant(platform, request.params);
    const path = (request.params as { '*': string })['*'];
    return sendFile(reply, path);
  });
};
