import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Keyward } from '@keyward/core';
import type { HttpScenarioFixture, HttpScenarioManagement } from '@keyward/core/testing';
import keywardPlugin, { apiKeyManagement } from '../src/index.js';

/** The app of the scenario suite, before it listens (so adapter tests can add routes). */
export async function buildApp(keyward: Keyward, management?: HttpScenarioManagement): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(keywardPlugin, { keyward });
  // The suite's management options; authenticate reads the cookie through the Fastify request (`request.raw` exists only there).
  const mount = management === undefined ? {} : { ...management.options, authenticate: (request: FastifyRequest) => management.readSession(request.raw.headers.cookie) };
  await app.register(apiKeyManagement, { keyward, prefix: '/auth/api-keys', ...mount });
  const ok = async (request: FastifyRequest) => ({ auth: request.auth });
  app.get('/protected', ok);
  app.get('/optional', { config: { auth: 'optional' } }, ok);
  app.get('/optional/scoped', { config: { auth: 'optional', scopes: ['agents:read'] } }, ok);
  app.get('/scopes/one', { config: { scopes: ['agents:run'] } }, ok);
  app.get('/scopes/all', { preHandler: app.requireScopes('agents:run', 'agents:read') }, ok);
  app.get('/scopes/any', { config: { scopes: ['triage:read', 'triage:write'], scopeMode: 'any' } }, ok);
  app.get('/orgs/:org', { preHandler: app.requireOrganization((request) => (request.params as { org: string }).org) }, ok);
  app.get('/acme', { preHandler: app.requireOrganization('acme') }, ok);
  app.get('/costly', { config: { cost: 5 } }, ok);
  app.get('/twice', { config: { cost: 3 }, preHandler: app.requireOrganization('acme') }, ok);
  return app;
}

/** The scenario suite's routes (see `HttpScenarioFixture`) on Fastify 5. */
export const fastifyFixture: HttpScenarioFixture = {
  async start(keyward, management) {
    const app = await buildApp(keyward, management);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};
