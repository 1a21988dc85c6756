import { describe, expect, it } from 'vitest';
import { apiKey, setup } from '../../test/helpers.js';
import { KeyManagerError } from '../errors.js';
import type { InvalidationEvent } from '../store/key-store.js';

const input = { ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] };

async function rejects(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => expect.unreachable('expected a KeyManagerError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyManagerError);
  expect(error).toMatchObject(field === undefined ? { code } : { code, field });
}

describe('keys.update', () => {
  it('changes the expiry, which verification honours at once', async () => {
    const { keyward, clock } = setup();
    const { key, record } = await keyward.keys.create(input);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true); // now cached
    clock.advance(1_000);
    const soon = new Date(clock.now() + 60_000);
    const updated = await keyward.keys.update(record.id, { expiresAt: soon.toISOString() });
    expect(updated).toMatchObject({ id: record.id, nickname: 'ci', expiresAt: soon, updatedAt: new Date(clock.now()) });
    clock.advance(60_000);
    const result = await keyward.authenticate(apiKey(key));
    expect(result.ok ? null : result.failure.code).toBe('expired_api_key');
  });

  it('clears the expiry with null', async () => {
    const { keyward, clock } = setup();
    const { key, record } = await keyward.keys.create({ ...input, expiresAt: new Date(clock.now() + 1_000) });
    expect((await keyward.keys.update(record.id, { expiresAt: null })).expiresAt).toBeNull();
    clock.advance(10_000);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
  });

  it('publishes `updated` on the store channel', async () => {
    const { keyward, memory } = setup();
    await keyward.ready;
    const events: InvalidationEvent[] = [];
    const unsubscribe = await memory.subscribe((event) => events.push(event));
    const { record } = await keyward.keys.create(input);
    await keyward.keys.update(record.id, { expiresAt: null });
    await expect.poll(() => events).toContainEqual({ type: 'updated', keyId: record.id });
    await unsubscribe();
  });

  it('validates like create: past or unparseable expiry, unknown fields, nothing to change', async () => {
    const { keyward, clock } = setup();
    const { record } = await keyward.keys.create(input);
    await rejects(keyward.keys.update(record.id, { expiresAt: new Date(clock.now() - 1) }), 'invalid_expiry', 'expiresAt');
    await rejects(keyward.keys.update(record.id, { expiresAt: 'tomorrow' }), 'invalid_expiry', 'expiresAt');
    await rejects(keyward.keys.update(record.id, { nickname: 'x' } as never), 'invalid_input', 'nickname');
    await rejects(keyward.keys.update(record.id, {}), 'invalid_input', 'expiresAt');
    await rejects(keyward.keys.update(record.id, null as never), 'invalid_input');
  });

  it('is not_found for unknown, revoked and rotated-out keys, not_owner for another owner', async () => {
    const { keyward } = setup();
    await rejects(keyward.keys.update('key_nope', { expiresAt: null }), 'not_found');
    const a = await keyward.keys.create(input);
    await rejects(keyward.keys.update(a.record.id, { expiresAt: null }, { ownerId: 'user_2' }), 'not_owner');
    const rotated = await keyward.keys.rotate(a.record.id, { gracePeriodSeconds: 60 });
    await rejects(keyward.keys.update(a.record.id, { expiresAt: null }), 'not_found');
    await keyward.keys.revoke(rotated.record.id);
    await rejects(keyward.keys.update(rotated.record.id, { expiresAt: null }), 'not_found');
  });
});
