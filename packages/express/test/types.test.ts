import type { Request, RequestHandler } from 'express';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Keyward, Principal } from '@keyward/core';
import { apiKeyAuth, apiKeyManagement, rateLimit, requireOrganization, requireScopes } from '../src/index.js';
import type { ApiKeyAuthOptions } from '../src/index.js';

// Compile-time checks, run by `pnpm --filter @keyward/express typecheck` (tsc); the runtime part is trivial.
describe('@keyward/express types', () => {
  it('augments Express.Request with auth', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<Principal | null | undefined>();
    expectTypeOf<Express.Request['auth']>().toEqualTypeOf<Principal | null | undefined>();
  });

  it('every factory returns an Express RequestHandler', () => {
    expectTypeOf(apiKeyAuth).parameters.toEqualTypeOf<[Keyward, (ApiKeyAuthOptions | undefined)?]>();
    expectTypeOf(apiKeyAuth).toBeCallableWith({} as Keyward, { cost: (req: Request) => (req.method === 'POST' ? 5 : 1) });
    expectTypeOf(rateLimit).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(apiKeyAuth).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(apiKeyManagement).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireScopes).toBeCallableWith('agents:run', 'agents:read');
    expectTypeOf(requireScopes).toBeCallableWith(['a', 'b'], { mode: 'any' });
    expectTypeOf(requireOrganization).toBeCallableWith('acme');
    expectTypeOf(requireOrganization).toBeCallableWith((req: Request) => req.params.org);
    expectTypeOf(requireOrganization).returns.toEqualTypeOf<RequestHandler>();
  });

  it('rejects a wrong scope mode and a non-string organization', () => {
    // @ts-expect-error mode is 'all' | 'any'
    expect(() => requireScopes(['a'], { mode: 'some' })).toThrow(/mode/);
    // @ts-expect-error the organization is a string or a function of the request
    expect(() => requireOrganization(42)).toThrow(/orgId/);
  });
});
