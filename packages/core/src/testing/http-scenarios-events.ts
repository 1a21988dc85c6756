import { describe, expect, it } from 'vitest';
import type { KeywardEvent } from '@keyward/core';
import type { ScenarioContext } from './http-scenarios-helpers.js';

/** Events through a real framework: the adapter hands the request to core (caller, `x-request-id`). */
export function eventScenarios(ctx: ScenarioContext): void {
  const of = <T extends KeywardEvent['type']>(type: T, keyId: string) =>
    ctx.events().filter((e): e is Extract<KeywardEvent, { type: T }> => e.type === type && e.keyId === keyId);

  describe('events', () => {
    it('a guard refusal is an authz_fail event naming the key and the x-request-id', async () => {
      const { key, id } = await ctx.mint({ scopes: ['agents:read'] });
      expect((await ctx.request('GET', '/scopes/one', { 'x-api-key': key, 'x-request-id': 'scenario-req-1' })).status).toBe(403);
      const beta = await ctx.mint({ orgId: 'beta' });
      expect((await ctx.request('GET', '/orgs/acme', { 'x-api-key': beta.key })).status).toBe(403);
      expect(of('authz_fail', id)).toEqual([expect.objectContaining({ actor: `key:${id}`, orgId: 'acme', requestId: 'scenario-req-1', code: 'insufficient_scope', required: ['agents:run'] })]);
      expect(of('authz_fail', beta.id)).toEqual([expect.objectContaining({ actor: `key:${beta.id}`, orgId: 'beta', requestId: null, code: 'forbidden_organization' })]);
    });

    it('a key created and revoked through the management routes is reported with actor user:<sub> and the x-request-id', async () => {
      const auth = { authorization: `Bearer ${await ctx.token('events-user', 'acme')}`, 'content-type': 'application/json' };
      const created = await ctx.request('POST', '/auth/api-keys', { ...auth, 'x-request-id': 'scenario-req-2' }, JSON.stringify({ nickname: 'events', scopes: ['agents:read'] }));
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect((await ctx.request('DELETE', `/auth/api-keys/${id}`, { authorization: auth.authorization })).status).toBe(200);
      expect(of('authn_token_created', id)).toEqual([expect.objectContaining({ actor: 'user:events-user', orgId: 'acme', requestId: 'scenario-req-2' })]);
      expect(of('authn_token_revoked', id)).toEqual([expect.objectContaining({ actor: 'user:events-user', requestId: null })]);
      expect(JSON.stringify(ctx.events())).not.toContain(created.body.key as string);
    });
  });
}
