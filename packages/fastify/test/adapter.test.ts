import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { KeywardConfigError, MemoryKeyStore, createKeyward } from '@keyward/core';
import keywardPlugin, { apiKeyManagement } from '../src/index.js';
import type { KeywardRouteConfig } from '../src/index.js';

const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], logger: false, jwt: { secret: 'fastify-adapter-secret-0123456789-0123456789' } });
const mint = async (scopes: string[] = []) => (await keyward.keys.create({ ownerId: `u_${Math.random()}`, orgId: 'acme', nickname: 'k', scopes })).key;

describe('@keyward/fastify specifics', () => {
  it('authenticates in onRequest: the body of a refused request is never parsed', async () => {
    const app = Fastify();
    let parsed = 0;
    app.addContentTypeParser('application/x-counted', { parseAs: 'string' }, (_request, body, done) => {
      parsed += 1;
      done(null, body);
    });
    await app.register(keywardPlugin, { keyward });
    app.post('/upload', { config: { scopes: ['agents:run'] } }, async (request) => ({ received: request.body }));
    const headers = { 'content-type': 'application/x-counted' };
    expect((await app.inject({ method: 'POST', url: '/upload', headers, payload: 'data' })).statusCode).toBe(401);
    const weak = await mint(['agents:read']);
    expect((await app.inject({ method: 'POST', url: '/upload', headers: { ...headers, 'x-api-key': weak }, payload: 'data' })).statusCode).toBe(403);
    expect(parsed).toBe(0);
    const ok = await app.inject({ method: 'POST', url: '/upload', headers: { ...headers, 'x-api-key': await mint(['agents:run']) }, payload: 'data' });
    expect(ok.json()).toEqual({ received: 'data' });
    expect(parsed).toBe(1);
    await app.close();
  });

  it('plugin-wide optional mode, per-route overrides, and no auth on unknown routes', async () => {
    const app = Fastify();
    await app.register(keywardPlugin, { keyward, optional: true });
    app.get('/open', async (request) => ({ auth: request.auth }));
    app.get('/closed', { config: { auth: 'required' } }, async () => ({}));
    app.get('/public', { config: { auth: false } }, async (request) => ({ auth: request.auth }));
    expect((await app.inject({ url: '/open' })).json()).toEqual({ auth: null });
    expect((await app.inject({ url: '/closed' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/public', headers: { 'x-api-key': 'garbage' } })).json()).toEqual({ auth: null });
    expect((await app.inject({ url: '/open', headers: { 'x-api-key': 'garbage' } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(404);
    await app.close();
  });

  it('enforces the scopes of a route added before the plugin (fail closed)', async () => {
    const app = Fastify();
    app.get('/early', { config: { scopes: ['agents:run'] } }, async () => ({ open: true }));
    await app.register(keywardPlugin, { keyward });
    expect((await app.inject('/early')).statusCode).toBe(401);
    expect((await app.inject({ url: '/early', headers: { 'x-api-key': await mint(['agents:read']) } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/early', headers: { 'x-api-key': await mint(['agents:run']) } })).statusCode).toBe(200);
    await app.close();
  });

  it('rejects bad options and route configs at start-up', async () => {
    const typo = Fastify();
    await expect(typo.register(keywardPlugin, { keyward, optinal: true } as never).ready()).rejects.toThrow(/unknown option "optinal"/);
    await expect(Fastify().register(keywardPlugin, {} as never).ready()).rejects.toThrow(KeywardConfigError);
    await expect(Fastify().register(apiKeyManagement, { keyward, limit: 1 } as never).ready()).rejects.toThrow(/unknown option "limit"/);
    // No scope policy and no keys.allowedScopes: a caller could mint "*" keys.
    await expect(Fastify().register(apiKeyManagement, { keyward }).ready()).rejects.toThrow(/scopePolicy/);
    const withPolicy = Fastify();
    await withPolicy.register(apiKeyManagement, { keyward, scopePolicy: 'caller' });
    await withPolicy.ready();
    await withPolicy.close();
    const configs: KeywardRouteConfig[] = [{ scopes: ['agents:*'] }, { auth: false, scopes: ['a'] }, { scopeMode: 'any' }, { auth: 'yes' as never }];
    for (const config of configs) {
      const app = Fastify();
      await app.register(keywardPlugin, { keyward });
      expect(() => app.get('/x', { config }, async () => ({}))).toThrow(KeywardConfigError);
      await app.close();
    }
  });
});
