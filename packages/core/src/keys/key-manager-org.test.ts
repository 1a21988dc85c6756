import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { KeyManagerError } from '../errors.js';

describe('keys.listOrg / keys.listOrgPage', () => {
  it('lists the live keys of every owner of one organization, oldest first, in pages', async () => {
    const { keyward, clock } = setup();
    const ids: string[] = [];
    for (const [ownerId, orgId] of [['alice', 'acme'], ['bob', 'acme'], ['carol', 'globex'], ['alice', 'acme'], ['dave', null]] as const) {
      ids.push((await keyward.keys.create({ ownerId, orgId, nickname: `k${ids.length}` })).record.id);
      clock.advance(1);
    }
    const expiring = await keyward.keys.create({ ownerId: 'bob', orgId: 'acme', nickname: 'short', expiresAt: new Date(clock.now() + 1000) });
    await keyward.keys.revoke(ids[3]!);
    clock.advance(2000);
    const all = await keyward.keys.listOrg('acme');
    expect(all.map((k) => [k.id, k.ownerId])).toEqual([[ids[0], 'alice'], [ids[1], 'bob']]);
    expect(all.map((k) => k.id)).not.toContain(expiring.record.id);
    const first = await keyward.keys.listOrgPage('acme', { limit: 1 });
    expect(first.items.map((k) => k.id)).toEqual([ids[0]]);
    const second = await keyward.keys.listOrgPage('acme', { limit: 1, cursor: first.nextCursor });
    expect(second.items.map((k) => k.id)).toEqual([ids[1]]);
    expect((await keyward.keys.listOrg('globex')).map((k) => k.ownerId)).toEqual(['carol']);
    // Existing owner listing is unchanged: across organizations.
    expect((await keyward.keys.list('alice')).map((k) => k.id)).toEqual([ids[0]]);
  });

  it('refuses a missing organization id, and answers store_unavailable when the store is down', async () => {
    const { keyward, store } = setup();
    for (const orgId of ['', undefined, 7]) {
      await expect(keyward.keys.listOrgPage(orgId as string)).rejects.toMatchObject({ code: 'invalid_input', field: 'orgId' });
    }
    store.fail('error');
    await expect(keyward.keys.listOrg('acme')).rejects.toBeInstanceOf(KeyManagerError);
    await expect(keyward.keys.listOrg('acme')).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});
