import { describe, expectTypeOf, it } from 'vitest';
import type { AuthFailure, FailureOf } from './errors.js';
import type { Keyward } from './keyward.js';
import type { AuthResult, OptionalAuthResult } from './verify/pipeline.js';
import type { Principal } from './verify/principal.js';

// Compile-time checks (run by `tsc --noEmit` in `pnpm lint`); the runtime part is trivial.
describe('public types', () => {
  it('authenticate narrows on ok, and optional mode allows an anonymous principal', () => {
    expectTypeOf<Keyward['authenticate']>().toBeCallableWith({ 'x-api-key': 'k' });
    expectTypeOf<Extract<AuthResult, { ok: true }>['principal']>().toEqualTypeOf<Principal>();
    expectTypeOf<Extract<OptionalAuthResult, { ok: true }>['principal']>().toEqualTypeOf<Principal | null>();
  });

  it('the failure code union narrows in a switch', () => {
    const describeFailure = (f: AuthFailure): string => {
      switch (f.code) {
        case 'insufficient_scope':
          expectTypeOf(f.required).toEqualTypeOf<readonly string[]>();
          return f.mode;
        case 'auth_unavailable':
          expectTypeOf(f.retryAfterSeconds).toBeNumber();
          return String(f.retryAfterSeconds);
        default:
          return f.code;
      }
    };
    expectTypeOf(describeFailure).returns.toBeString();
    expectTypeOf<FailureOf<'revoked_api_key'>>().toEqualTypeOf<{ readonly code: 'revoked_api_key'; readonly keyId: string }>();
  });

  it('principal fields are read-only', () => {
    expectTypeOf<Principal['scopes']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<Principal['type']>().toEqualTypeOf<'api_key' | 'jwt'>();
  });
});
