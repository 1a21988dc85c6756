import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { apiKey, bearer, setup } from '../../test/helpers.js';
import { authenticateCaller } from './authenticate.js';
import { managementContextOf } from './context.js';

const SECRET = 'authenticate-secret-0123456789-0123456789';
const sign = (claims: Record<string, unknown>, sub: string | null = 'user_1') => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m');
  return (sub === null ? jwt : jwt.setSubject(sub)).sign(new TextEncoder().encode(SECRET));
};

describe('authenticateCaller', () => {
  it('takes JWTs only: an API key in either header is invalid_token, never a lookup', async () => {
    const { keyward, store } = setup({ jwt: { secret: SECRET }, now: Date.now });
    const context = managementContextOf(keyward)!;
    const { key } = await keyward.keys.create({ ownerId: 'user_1', orgId: 'acme', nickname: 'ci' });
    store.resetCalls();
    expect(await authenticateCaller(context, bearer(await sign({ org: 'acme' })))).toMatchObject({ ok: true, principal: { ownerId: 'user_1', orgId: 'acme' } });
    expect(await authenticateCaller(context, bearer(key))).toEqual({ ok: false, failure: { code: 'invalid_token', reason: 'api_key_not_accepted' } });
    expect(await authenticateCaller(context, apiKey(key))).toEqual({ ok: false, failure: { code: 'invalid_token', reason: 'api_key_not_accepted' } });
    expect(await authenticateCaller(context, {})).toEqual({ ok: false, failure: { code: 'missing_credentials' } });
    expect(await authenticateCaller(context, bearer('opaque'))).toEqual({ ok: false, failure: { code: 'invalid_token', reason: 'not_a_jwt' } });
    expect(store.calls.findByHash).toBe(0);
  });

  it('refuses a token without sub where it is verified: no principal without an owner', async () => {
    const { keyward } = setup({ jwt: { secret: SECRET }, now: Date.now });
    const context = managementContextOf(keyward)!;
    expect(await authenticateCaller(context, bearer(await sign({ org: 'acme' }, null)))).toEqual({ ok: false, failure: { code: 'invalid_token', reason: 'claims' } });
    expect(await authenticateCaller(context, bearer(await sign({ org: 'acme' }, '')))).toEqual({ ok: false, failure: { code: 'invalid_token', reason: 'claims' } });
  });

  it('refuses a management token without exp, with exp = 1e300 or issued in the future', async () => {
    const { keyward } = setup({ jwt: { secret: SECRET }, now: Date.now });
    const context = managementContextOf(keyward)!;
    const now = Math.floor(Date.now() / 1000);
    const key = new TextEncoder().encode(SECRET);
    const raw = (claims: Record<string, unknown>) => new SignJWT({ sub: 'user_1', org: 'acme', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(await authenticateCaller(context, bearer(await raw({ iat: now })))).toMatchObject({ ok: false, failure: { code: 'invalid_token', reason: 'claims' } });
    expect(await authenticateCaller(context, bearer(await raw({ iat: now, exp: 1e300 })))).toMatchObject({ ok: false, failure: { code: 'invalid_token' } });
    const yearAhead = now + 365 * 86_400;
    expect(await authenticateCaller(context, bearer(await raw({ iat: yearAhead, exp: yearAhead + 60 })))).toMatchObject({ ok: false, failure: { code: 'invalid_token' } });
    expect(await authenticateCaller(context, bearer(await raw({ iat: now, exp: now + 60 })))).toMatchObject({ ok: true });
  });

  it('answers invalid_token (not_configured) when keyward has no jwt option', async () => {
    const { keyward } = setup();
    expect(await authenticateCaller(managementContextOf(keyward)!, bearer(await sign({})))).toEqual({ ok: false, failure: { code: 'invalid_token', reason: 'not_configured' } });
  });
});
