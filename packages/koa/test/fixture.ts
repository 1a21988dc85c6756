import { createServer } from 'node:http';
import type Koa from 'koa';
import type { Context, Middleware, Next } from 'koa';
import type { Keyward } from '@keyward/core';
import type { HttpScenarioFixture, HttpScenarioManagement } from '@keyward/core/testing';
import { apiKeyAuth, apiKeyManagement, rateLimit, requireOrganization, requireScopes } from '../src/index.js';

/** Runs `chain` like Koa does (a stand-in for a router in these tests). */
const chain = (middleware: Middleware[]) => (ctx: Context, next: Next) => {
  const dispatch = (i: number): Promise<void> => Promise.resolve(i === middleware.length ? next() : middleware[i]!(ctx, () => dispatch(i + 1)));
  return dispatch(0);
};

/** The scenario suite's routes (see `HttpScenarioFixture`) on a Koa app built with `KoaClass`. */
export function koaFixture(KoaClass: typeof Koa): HttpScenarioFixture {
  return {
    async start(keyward: Keyward, management: HttpScenarioManagement) {
      const app = new KoaClass();
      const ok: Middleware = (ctx) => {
        ctx.body = { auth: ctx.state.auth ?? null };
      };
      const auth = apiKeyAuth(keyward);
      const optional = apiKeyAuth(keyward, { optional: true });
      const routes: Record<string, Middleware[]> = {
        '/protected': [auth, ok],
        '/optional': [optional, ok],
        '/optional/scoped': [optional, requireScopes('agents:read'), ok],
        '/scopes/one': [auth, requireScopes('agents:run'), ok],
        '/scopes/all': [auth, requireScopes('agents:run', 'agents:read'), ok],
        '/scopes/any': [auth, requireScopes(['triage:read', 'triage:write'], { mode: 'any' }), ok],
        '/orgs/:org': [auth, requireOrganization((ctx) => ctx.path.split('/')[2]), ok],
        '/acme': [auth, requireOrganization('acme'), ok],
        '/costly': [apiKeyAuth(keyward, { cost: 5 }), ok],
        '/twice': [auth, auth, rateLimit({ cost: 3 }), rateLimit({ cost: 3 }), requireOrganization('acme'), ok],
      };
      app.use(apiKeyManagement(keyward, { prefix: '/auth/api-keys', ...management.options, authenticate: (ctx) => management.readSession(ctx.get('cookie') || undefined) }));
      app.use((ctx, next) => {
        const route = routes[ctx.path.replace(/^\/orgs\/[^/]+$/, '/orgs/:org')];
        return ctx.method === 'GET' && route !== undefined ? chain(route)(ctx, next) : next();
      });
      return createServer(app.callback()); // the suite listens on loopback and closes it
    },
  };
}
