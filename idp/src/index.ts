/**
 * @sekisho/idp: the browser-facing identity provider — sign-in, password flows, the user
 * portal, and (from #3) OpenID Connect and SAML 2.0. `idpPlugin` registers the routes;
 * the gateway composes it with the session and form-body plugins.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Platform } from '@sekisho/platform';
import { loginRoutes } from './routes/login-routes.ts';
import { passwordRoutes } from './routes/password-routes.ts';
import { portalRoutes } from './routes/portal-routes.ts';
import { pageErrorHandler } from './routes/page-errors.ts';

export interface IdpOptions {
  platform: Platform;
}

export const idpPlugin: FastifyPluginAsync<IdpOptions> = async (app, options) => {
  app.setErrorHandler(pageErrorHandler);
  await app.register(loginRoutes, options);
  await app.register(passwordRoutes, options);
  await app.register(portalRoutes, options);
};

export { activeSession, csrfToken, isCsrfValid, type SessionAuth } from './session/web-session.ts';
export { idpMessages } from './messages.ts';
