import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { text } from 'node:stream/consumers';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardConfigError, MemoryKeyStore, createKeyward } from '@keyward/core';
import { signTestJwt } from '@keyward/core/testing';
import { apiKeyAuth, apiKeyManagement, requireOrganization, requireScopes } from '../src/index.js';

const SECRET = 'koa-adapter-secret-0123456789-0123456789';
const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], jwt: { secret: SECRET }, keys: { allowedScopes: ['agents:run'] }, logger: false });
const closers: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(closers.splice(0).map((close) => close())));

async function listen(app: Koa): Promise<string> {
  app.silent = true;
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('@keyward/koa specifics', () => {
  it('checks its arguments at start-up', () => {
    expect(() => apiKeyAuth(keyward, { optinal: true } as never)).toThrow(/unknown option "optinal"/);
    expect(() => apiKeyAuth(null as never)).toThrow(KeywardConfigError);
    expect(() => apiKeyManagement(keyward, { prefix: 'auth' })).toThrow(/prefix/);
    expect(() => apiKeyManagement(keyward, { bodyLimitBytes: -1 })).toThrow(/bodyLimitBytes/);
    // No scope policy and no keys.allowedScopes: a caller could mint "*" keys.
    const open = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], jwt: { secret: SECRET }, logger: false });
    expect(() => apiKeyManagement(open)).toThrow(/scopePolicy/);
    expect(() => apiKeyManagement(open, { scopePolicy: 'caller' })).not.toThrow();
    expect(() => requireScopes([], { mode: 'any' })).toThrow(KeywardConfigError);
  });

  it('a guard without apiKeyAuth before it fails closed (500)', async () => {
    const app = new Koa();
    app.use(requireOrganization('acme'));
    app.use((ctx) => {
      ctx.body = 'reached';
    });
    const res = await fetch(await listen(app));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('reached');
  });

  it.each([
    ['Koa 3', Koa],
    ['Koa 2', Koa2],
  ])('%s: management behind a prefix-stripping mount, with a body a parser already read', async (name, KoaClass) => {
    const app = new KoaClass();
    app.use(async (ctx, next) => {
      // What a body parser does: drain the stream and set ctx.request.body.
      if (ctx.get('x-parse') === 'yes') (ctx.request as { body?: unknown }).body = JSON.parse(await text(ctx.req)) as unknown;
      await next();
    });
    const management = apiKeyManagement(keyward);
    app.use(async (ctx, next) => {
      // What koa-mount does: strip the mount path while the mounted middleware runs.
      if (!ctx.path.startsWith('/admin/keys')) return next();
      const original = ctx.path;
      ctx.path = original.slice('/admin/keys'.length) || '/';
      try {
        await management(ctx, next);
      } finally {
        ctx.path = original;
      }
    });
    const url = await listen(app);
    const headers = { authorization: `Bearer ${await signTestJwt(SECRET, { sub: 'u1', org: 'acme' })}`, 'content-type': 'application/json' };
    const parsed = await fetch(`${url}/admin/keys`, { method: 'POST', headers: { ...headers, 'x-parse': 'yes' }, body: JSON.stringify({ nickname: `parsed-${name}` }) });
    expect(parsed.status).toBe(201);
    const raw = await fetch(`${url}/admin/keys/`, { method: 'POST', headers, body: JSON.stringify({ nickname: `raw-${name}` }) });
    expect(raw.status).toBe(201);
    const list = (await (await fetch(`${url}/admin/keys`, { headers })).json()) as { apiKeys: { nickname: string }[] };
    expect(list.apiKeys.map((k) => k.nickname)).toEqual(expect.arrayContaining([`parsed-${name}`, `raw-${name}`]));
    expect((await fetch(`${url}/elsewhere`, { headers })).status).toBe(404);
  });
});
