/** Placeholder until this protocol's routes land: registers nothing. */
import type { FastifyPluginAsync } from 'fastify';
import type { IdpOptions } from '../index.ts';

export const samlRoutes: FastifyPluginAsync<IdpOptions> = async () => {};
