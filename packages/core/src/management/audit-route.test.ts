import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { T0, setup } from '../../test/helpers.js';
import { MemoryKeyStore } from '../store/memory-store.js';
import type { KeywardEvent } from '../events/types.js';
import { createManagementApi } from './management.js';

const SECRET = 'management-secret-0123456789-0123456789';

async function token(sub: string, org: string | null, roles?: string | string[]) {
  const claims: Record<string, unknown> = {};
  if (org !== null) claims.org = org;
  if (roles !== undefined) claims.roles = roles;
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt(T0 / 1000).setExpirationTime(T0 / 1000 + 3600).sign(new TextEncoder().encode(SECRET));
}

function fixture() {
  const events: KeywardEvent[] = [];
  const memory = new MemoryKeyStore();
  const ctx = setup({ store: memory, jwt: { secret: SECRET }, keys: { allowedScopes: ['a'] }, onEvent: (e) => void events.push(e) });
  const api = createManagementApi(ctx.keyward);
  const call = async (method: string, path: string, bearer: string, body?: unknown, requestId?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, ...(requestId === undefined ? {} : { 'x-request-id': requestId }) };
    const res = await api.handle({ method, path, headers, body });
    if (res === null) throw new Error('not a management route');
    return res;
  };
  return { ...ctx, memory, events, call };
}

describe('management events and GET /audit', () => {
  it('management operations report actor user:<sub> and the x-request-id, and are persisted', async () => {
    const { call, events, clock } = fixture();
    const alice = await token('alice', 'acme');
    const created = await call('POST', '/', alice, JSON.stringify({ nickname: 'ci', scopes: ['a'] }), 'req-1');
    const id = created.body.id as string;
    clock.advance(1);
    await call('PATCH', `/${id}`, alice, JSON.stringify({ nickname: 'ci2' }), 'req-2');
    clock.advance(1);
    const rotated = await call('POST', `/${id}/rotate`, alice, '{}');
    clock.advance(1);
    await call('DELETE', `/${rotated.body.id as string}`, alice, undefined, 'req-4');
    expect(events.map((e) => [e.type, e.actor, e.requestId])).toEqual([
      ['authn_token_created', 'user:alice', 'req-1'],
      ['authn_token_updated', 'user:alice', 'req-2'],
      ['authn_token_rotated', 'user:alice', null],
      ['authn_token_revoked', 'user:alice', 'req-4'],
    ]);
    const admin = await token('root', 'acme', ['admin']);
    const audit = await call('GET', '/audit', admin);
    expect(audit.status).toBe(200);
    const listed = audit.body.events as Record<string, unknown>[];
    expect(listed.map((e) => e.type)).toEqual(['authn_token_revoked', 'authn_token_rotated', 'authn_token_updated', 'authn_token_created']);
    expect(listed[3]).toMatchObject({ actor: 'user:alice', requestId: 'req-1', orgId: 'acme', keyId: id, time: new Date(T0).toISOString(), nickname: 'ci', scopes: ['a'] });
    expect(audit.body.nextCursor).toBeNull();
    expect(audit.json).not.toContain(created.body.key as string);
  });

  it('only organization admins read it (members: 403 forbidden_role); pages with limit and cursor; other orgs stay apart', async () => {
    const { call, keyward, clock } = fixture();
    for (let i = 0; i < 5; i++) {
      await keyward.keys.create({ ownerId: `u${i}`, orgId: 'acme', nickname: 'k' });
      clock.advance(1);
    }
    await keyward.keys.create({ ownerId: 'x', orgId: 'other', nickname: 'k' });
    const member = await call('GET', '/audit', await token('alice', 'acme', ['member']));
    expect(member.status).toBe(403);
    expect(member.body).toMatchObject({ status: 403, code: 'forbidden_role' });
    expect((await call('GET', '/audit', await token('root', null, 'admin'))).status).toBe(403); // no organization, no org powers

    const admin = await token('root', 'acme', 'billing admin');
    const first = await call('GET', '/audit?limit=2', admin);
    expect((first.body.events as { ownerId: string }[]).map((e) => e.ownerId)).toEqual(['u4', 'u3']);
    const cursor = first.body.nextCursor as string;
    const rest = await call('GET', `/audit?limit=10&cursor=${cursor}`, admin);
    expect((rest.body.events as { ownerId: string }[]).map((e) => e.ownerId)).toEqual(['u2', 'u1', 'u0']);
    expect(rest.body.nextCursor).toBeNull();
    expect((await call('GET', '/audit?limit=0', admin)).status).toBe(422);
    expect((await call('GET', '/audit?cursor=%%%', admin)).body).toMatchObject({ code: 'invalid_input', field: 'cursor' });
    await expect(call('POST', '/audit', admin, '{}')).rejects.toThrow('not a management route'); // passed on
  });
});
