import { describe, expect, it } from 'vitest';
import { KeywardConfigError } from '../errors.js';
import { assertKeyward, createOrganizationGuard, createScopeGuard } from './guards.js';
import { checkOptions } from '../options.js';
import type { Principal } from '../verify/principal.js';

const principal = (scopes: string[], orgId: string | null = 'acme'): Principal => ({
  type: 'api_key', keyId: 'key_1', ownerId: 'u1', orgId, nickname: 'ci', scopes, environment: 'live', expiresAt: null, metadata: {},
});

describe('createScopeGuard', () => {
  it('takes scopes as separate strings (all) or a list with a mode', () => {
    expect(createScopeGuard('a:run', 'a:read')(principal(['a:run']))).toMatchObject({ code: 'insufficient_scope', required: ['a:run', 'a:read'], mode: 'all' });
    expect(createScopeGuard('a:run', 'a:read')(principal(['a:*']))).toBeNull();
    expect(createScopeGuard(['a:run', 'b:run'], { mode: 'any' })(principal(['b:run']))).toBeNull();
    expect(createScopeGuard(['a:run'])(principal(['*']))).toBeNull();
    expect(createScopeGuard(['a:run'], { mode: 'any' }).requirement.mode).toBe('any');
  });

  it('answers missing_credentials for an anonymous request', () => {
    expect(createScopeGuard('a:run')(null)).toEqual({ code: 'missing_credentials' });
    expect(createScopeGuard('a:run')(undefined)).toEqual({ code: 'missing_credentials' });
  });

  it('rejects bad requirements at start-up', () => {
    expect(() => createScopeGuard()).toThrow(KeywardConfigError);
    expect(() => createScopeGuard('a:*')).toThrow(/not a valid scope/);
    expect(() => createScopeGuard(['a'], { mode: 'some' } as never)).toThrow(/mode/);
    expect(() => createScopeGuard(['a'], { mod: 'any' } as never)).toThrow(/unknown option "mod"/);
    expect(() => createScopeGuard(['a'], 'any' as never)).toThrow(/options must be an object/);
  });
});

describe('createOrganizationGuard', () => {
  it('compares with a fixed or a per-request organization', () => {
    expect(createOrganizationGuard('acme')(principal([]), undefined)).toBeNull();
    expect(createOrganizationGuard('beta')(principal([]), undefined)).toEqual({ code: 'forbidden_organization', orgId: 'beta' });
    const byParam = createOrganizationGuard((req: { org?: string }) => req.org);
    expect(byParam(principal([]), { org: 'acme' })).toBeNull();
    expect(byParam(principal([]), {})).toEqual({ code: 'forbidden_organization', orgId: null }); // the failure names the expected organization, here none
    expect(byParam(principal([], null), { org: 'acme' })).toMatchObject({ code: 'forbidden_organization' });
    expect(byParam(null, { org: 'acme' })).toEqual({ code: 'missing_credentials' });
    expect(() => createOrganizationGuard('')).toThrow(KeywardConfigError);
  });
});

describe('adapter option checks', () => {
  it('names unknown options and wrong instances', () => {
    const names = { optional: true } as const;
    expect(checkOptions<{ optional?: boolean }>('apiKeyAuth', undefined, names)).toEqual({});
    expect(checkOptions<{ optional?: boolean }>('apiKeyAuth', { optional: true }, names)).toEqual({ optional: true });
    expect(() => checkOptions('apiKeyAuth', { optinal: true } as { optional?: boolean }, names)).toThrow(/apiKeyAuth: unknown option "optinal" \(did you mean "optional"\?\)/);
    expect(() => checkOptions('apiKeyAuth', 5 as unknown as { optional?: boolean }, names)).toThrow(KeywardConfigError);
    expect(() => assertKeyward('apiKeyAuth', {})).toThrow(/keyward instance/);
  });
});
