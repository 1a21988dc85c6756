import Koa from 'koa';
import type { Context, Middleware } from 'koa';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Principal } from '@keyward/core';
import { apiKeyAuth, apiKeyManagement, requireOrganization, requireScopes } from '../src/index.js';
import type { KeywardState } from '../src/index.js';

// Compile-time checks, run by `pnpm --filter @keyward/koa typecheck` (tsc); the runtime part is trivial.
describe('@keyward/koa types', () => {
  it('augments DefaultState with auth, and KeywardState types an app', () => {
    expectTypeOf<Context['state']['auth']>().toEqualTypeOf<Principal | null | undefined>();
    expectTypeOf<KeywardState['auth']>().toEqualTypeOf<Principal | null>();
    const app = new Koa<KeywardState>();
    app.use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<Principal | null>();
    });
    expect(app).toBeInstanceOf(Koa);
  });

  it('every factory returns a Koa Middleware', () => {
    expectTypeOf(apiKeyAuth).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(apiKeyManagement).toBeCallableWith({} as never, { prefix: '/auth/api-keys', bodyLimitBytes: 1024 });
    expectTypeOf(requireScopes).toBeCallableWith('agents:run', 'agents:read');
    expectTypeOf(requireScopes).toBeCallableWith(['a', 'b'], { mode: 'any' });
    expectTypeOf(requireOrganization).toBeCallableWith((ctx: Context) => ctx.get('x-org'));
    // @ts-expect-error mode is 'all' | 'any'
    expect(() => requireScopes(['a'], { mode: 'some' })).toThrow(/mode/);
  });
});
