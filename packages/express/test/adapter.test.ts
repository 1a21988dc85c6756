import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import express from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardConfigError, MemoryKeyStore, createKeyward } from '@keyward/core';
import { signTestJwt } from '@keyward/core/testing';
import { apiKeyAuth, apiKeyManagement, requireOrganization, requireScopes } from '../src/index.js';

const SECRET = 'express-adapter-secret-0123456789-0123456789';
const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], jwt: { secret: SECRET }, keys: { allowedScopes: ['agents:run'] }, logger: false });
const token = () => signTestJwt(SECRET, { sub: 'u1', org: 'acme' });
const closers: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(closers.splice(0).map((close) => close())));

async function listen(app: express.Express): Promise<string> {
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('@keyward/express specifics', () => {
  it('checks its arguments at start-up', () => {
    expect(() => apiKeyAuth(keyward, { optinal: true } as never)).toThrow(/unknown option "optinal"/);
    expect(() => apiKeyAuth({} as never)).toThrow(KeywardConfigError);
    expect(() => apiKeyManagement(keyward, { prefix: '/x' } as never)).toThrow(/unknown option "prefix"/);
    // No scope policy and no keys.allowedScopes: a caller could mint "*" keys.
    const open = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], jwt: { secret: SECRET }, logger: false });
    expect(() => apiKeyManagement(open)).toThrow(/scopePolicy/);
    expect(() => apiKeyManagement(open, { scopePolicy: 'caller' })).not.toThrow();
    expect(() => requireScopes('agents:*')).toThrow(KeywardConfigError);
    expect(() => requireOrganization('')).toThrow(KeywardConfigError);
  });

  it('a guard without apiKeyAuth before it fails closed (500), never lets the request through', async () => {
    const app = express();
    app.get('/x', requireScopes('agents:run'), (_req, res) => res.json({ reached: true }));
    const res = await fetch(`${await listen(app)}/x`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('reached');
  });

  it.each([
    ['Express 5', express],
    ['Express 4', express4],
  ])('%s: management takes a body an app-wide express.json() already parsed, and mounts anywhere', async (_name, factory) => {
    const app = factory();
    app.use(factory.json());
    const router = factory.Router();
    router.use('/keys', apiKeyManagement(keyward));
    app.use('/admin', router);
    const url = await listen(app);
    const headers = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/admin/keys`, { method: 'POST', headers, body: JSON.stringify({ nickname: `parsed-${_name}` }) });
    expect(created.status).toBe(201);
    const text = await fetch(`${url}/admin/keys`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: JSON.stringify({ nickname: `text-${_name}` }) });
    expect(text.status).toBe(201);
    const list = (await (await fetch(`${url}/admin/keys`, { headers })).json()) as { apiKeys: { nickname: string }[] };
    expect(list.apiKeys.map((k) => k.nickname)).toEqual(expect.arrayContaining([`parsed-${_name}`, `text-${_name}`]));
  });
});
