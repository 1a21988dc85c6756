import Fastify from 'fastify';
import type { FastifyContextConfig, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { MemoryKeyStore, createKeyward } from '@keyward/core';
import type { Principal } from '@keyward/core';
import keywardPlugin, { apiKeyManagement } from '../src/index.js';
import type { KeywardPluginOptions } from '../src/index.js';

const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], logger: false });

// Compile-time checks, run by `pnpm --filter @keyward/fastify typecheck` (tsc); the runtime part is trivial.
describe('@keyward/fastify types', () => {
  it('augments FastifyRequest, the route config and the instance', async () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<Principal | null>();
    expectTypeOf<FastifyContextConfig['auth']>().toEqualTypeOf<false | 'optional' | 'required' | undefined>();
    expectTypeOf<FastifyContextConfig['scopes']>().toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf<FastifyContextConfig['scopeMode']>().toEqualTypeOf<'all' | 'any' | undefined>();
    expectTypeOf<FastifyContextConfig['cost']>().toEqualTypeOf<number | undefined>();
    const app = Fastify();
    await app.register(keywardPlugin, { keyward });
    expectTypeOf(app.requireScopes('a:b', 'c:d')).toEqualTypeOf<preHandlerAsyncHookHandler>();
    expectTypeOf(app.requireScopes).toBeCallableWith(['a'], { mode: 'any' });
    expectTypeOf(app.requireOrganization).toBeCallableWith((request: FastifyRequest) => request.headers['x-org'] as string | undefined);
    expect(app).toBeDefined();
  });

  it('register options are checked', async () => {
    const app = Fastify();
    expectTypeOf<KeywardPluginOptions>().toHaveProperty('keyward');
    // @ts-expect-error keyward is required
    await expect(app.register(keywardPlugin, {}).ready()).rejects.toThrow(/keyward instance/);
    const withPlugin = Fastify();
    await withPlugin.register(keywardPlugin, { keyward });
    // @ts-expect-error scopeMode is 'all' | 'any'
    expect(() => withPlugin.get('/x', { config: { scopes: ['a'], scopeMode: 'some' } }, async () => ({}))).toThrow(/mode/);
    expect(() => withPlugin.get('/y', { config: { cost: 1.5 } }, async () => ({}))).toThrow(/cost/);
    expectTypeOf(apiKeyManagement).parameter(1).toHaveProperty('keyward');
  });
});
