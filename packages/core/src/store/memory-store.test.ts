import { describe, expect, it } from 'vitest';
import { KeywardConfigError } from '../errors.js';
import { MemoryKeyStore } from './memory-store.js';
import type { ApiKeyRecord, InvalidationEvent, InvalidationReset } from './key-store.js';
import { runKeyStoreContract } from '../testing/index.js';

runKeyStoreContract('MemoryKeyStore', () => ({ store: new MemoryKeyStore() }));

const record = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: 'key_1', hash: 'a'.repeat(64), pepperId: 'p1', prefix: 'eck_test_', start: 'eck_test_abcd',
  ownerId: 'owner_1', orgId: 'org_1', nickname: 'ci', scopes: ['agents:read'], metadata: { nested: { n: 1 } },
  createdAt: new Date(1_000), updatedAt: new Date(1_000), expiresAt: new Date(9_000), revokedAt: null,
  lastUsedAt: null, replacedById: null, ...overrides,
});

describe('MemoryKeyStore specifics', () => {
  it('returns frozen copies that share nothing mutable with stored state', async () => {
    const store = new MemoryKeyStore();
    await store.insert(record());
    const first = await store.getById('key_1');
    expect(first).not.toBeNull();
    if (!first) return;
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.scopes)).toBe(true);
    expect(Object.isFrozen(first.metadata.nested)).toBe(true);
    expect(() => (first.scopes as string[]).push('*')).toThrow(TypeError);
    first.expiresAt?.setTime(0);
    first.createdAt.setTime(0);
    const again = await store.findByHash('a'.repeat(64));
    expect(again?.expiresAt?.getTime()).toBe(9_000);
    expect(again?.createdAt.getTime()).toBe(1_000);
    expect(again).not.toBe(first);
  });

  it('copies the inserted record, so mutating the input later changes nothing', async () => {
    const store = new MemoryKeyStore();
    const scopes = ['agents:read'];
    const metadata: Record<string, unknown> = { team: 'ml' };
    const input = record({ scopes, metadata });
    await store.insert(input);
    scopes.push('*');
    metadata['team'] = 'changed';
    input.createdAt.setTime(0);
    const stored = await store.getById('key_1');
    expect(stored?.scopes).toEqual(['agents:read']);
    expect(stored?.metadata).toEqual({ team: 'ml' });
    expect(stored?.createdAt.getTime()).toBe(1_000);
  });

  it('keeps a __proto__ metadata key as plain data', async () => {
    const store = new MemoryKeyStore();
    await store.insert(record({ metadata: JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown> }));
    const stored = await store.getById('key_1');
    expect(Object.getPrototypeOf(stored?.metadata)).toBe(Object.prototype);
    expect(Object.keys(stored?.metadata ?? {})).toEqual(['__proto__']);
  });

  it('keeps the newest auditCapacity audit events and refuses a bad capacity or an unknown option', async () => {
    const store = new MemoryKeyStore({ auditCapacity: 3 });
    for (let i = 0; i < 5; i++) {
      await store.appendAudit({ id: `evt_${i}`, type: 'authn_token_created', at: new Date(i), orgId: 'o', keyId: null, actor: 'system', requestId: null, data: {} });
    }
    expect((await store.listAudit('o', { limit: 10 })).records.map((r) => r.id)).toEqual(['evt_4', 'evt_3', 'evt_2']);
    for (const auditCapacity of [0, 1.5, Number.NaN, '10' as never]) {
      expect(() => new MemoryKeyStore({ auditCapacity }), String(auditCapacity)).toThrow(KeywardConfigError);
    }
    expect(() => new MemoryKeyStore({ auditCapacty: 5 } as never)).toThrow(/unknown option "auditCapacty" \(did you mean "auditCapacity"\?\)/);
  });

  it('counts records in size', async () => {
    const store = new MemoryKeyStore();
    expect(store.size).toBe(0);
    await store.insert(record());
    await store.insert(record({ id: 'key_2', hash: 'b'.repeat(64), nickname: 'other' }));
    expect(store.size).toBe(2);
  });

  it('delivers events asynchronously, never inside publish, and survives a throwing listener', async () => {
    const store = new MemoryKeyStore();
    const received: Array<InvalidationEvent | InvalidationReset> = [];
    await store.subscribe(() => {
      throw new Error('listener bug');
    });
    await store.subscribe((event) => received.push(event));
    const published = store.publish({ type: 'revoked', keyId: 'key_1' });
    expect(received).toEqual([]);
    await published;
    await Promise.resolve();
    expect(received).toEqual([{ type: 'revoked', keyId: 'key_1' }]);
  });

  it('drops every subscriber on close()', async () => {
    const store = new MemoryKeyStore();
    const received: Array<InvalidationEvent | InvalidationReset> = [];
    await store.subscribe((event) => received.push(event));
    await store.close();
    await store.publish({ type: 'revoked', keyId: 'key_1' });
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(received).toEqual([]);
  });
});
