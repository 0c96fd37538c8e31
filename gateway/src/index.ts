/** @sekisho/gateway: composes every Sekisho package into the server. */
export { buildApp, SESSION_COOKIE, type BuildAppOptions } from './app.ts';
export { startServer, type RunningServer } from './server.ts';
export { ensureTlsCertificate } from './tls/self-signed.ts';
export { bootstrapDemoTenant } from './bootstrap/demo-tenant.ts';
export { FEATURE_MIGRATIONS } from './migrations.ts';
