import { createServer } from 'node:http';
import type express from 'express';
import type { Request, Response } from 'express';
import type { Keyward } from '@keyward/core';
import type { HttpScenarioFixture, HttpScenarioManagement } from '@keyward/core/testing';
import { apiKeyAuth, apiKeyManagement, rateLimit, requireOrganization, requireScopes } from '../src/index.js';

/** The scenario suite's routes (see `HttpScenarioFixture`) on an Express app from `createApp`. */
export function expressFixture(createApp: typeof express, setup?: (app: express.Express) => void): HttpScenarioFixture {
  return {
    async start(keyward: Keyward, management: HttpScenarioManagement) {
      const app = createApp();
      setup?.(app);
      const ok = (req: Request, res: Response) => {
        res.json({ auth: req.auth ?? null });
      };
      const auth = apiKeyAuth(keyward);
      const optional = apiKeyAuth(keyward, { optional: true });
      app.use('/auth/api-keys', apiKeyManagement(keyward, { ...management.options, authenticate: (req) => management.readSession(req.get('cookie')) }));
      app.get('/protected', auth, ok);
      app.get('/optional', optional, ok);
      app.get('/optional/scoped', optional, requireScopes('agents:read'), ok);
      app.get('/scopes/one', auth, requireScopes('agents:run'), ok);
      app.get('/scopes/all', auth, requireScopes('agents:run', 'agents:read'), ok);
      app.get('/scopes/any', auth, requireScopes(['triage:read', 'triage:write'], { mode: 'any' }), ok);
      app.get('/orgs/:org', auth, requireOrganization((req) => req.params.org as string | undefined), ok);
      app.get('/acme', auth, requireOrganization('acme'), ok);
      app.get('/costly', apiKeyAuth(keyward, { cost: 5 }), ok);
      app.get('/twice', auth, auth, rateLimit({ cost: 3 }), rateLimit({ cost: 3 }), requireOrganization('acme'), ok);
      return createServer(app); // the suite listens on loopback and closes it
    },
  };
}
