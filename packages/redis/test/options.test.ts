import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { KeywardConfigError } from '@keyward/core';
import { RedisKeyStore } from '@keyward/redis';
import type { RedisKeyStoreOptions } from '@keyward/redis';

// lazyConnect: these clients never open a connection, so no Redis is needed here.
const client = new Redis({ lazyConnect: true });
const other = new Redis({ lazyConnect: true });
afterAll(() => {
  client.disconnect();
  other.disconnect();
});

const construct = (options: unknown) => () => new RedisKeyStore(options as RedisKeyStoreOptions);

describe('RedisKeyStore options', () => {
  it('accepts a client alone, or with a subscriber, a prefix and a retention', () => {
    expect(new RedisKeyStore({ client }).hashTag).toBe('{keyward}');
    expect(new RedisKeyStore({ client, subscriber: other, prefix: 'app:keys', retainExpiredMs: 0, auditMaxLength: 500 }).hashTag).toBe('{app:keys}');
  });

  it('names unknown options', () => {
    expect(construct({ client, prefx: 'x', ttl: 1 })).toThrowError(KeywardConfigError);
    expect(construct({ client, prefx: 'x', ttl: 1 })).toThrowError(/^RedisKeyStore: unknown options "prefx" \(did you mean "prefix"\?\), "ttl"; accepted: /);
  });

  it.each([
    ['no options', undefined, /options must be an object/],
    ['a client that is not ioredis', { client: {} }, /"client" must be an ioredis/],
    ['a subscriber that is not ioredis', { client, subscriber: 'redis://' }, /"subscriber" must be an ioredis/],
    ['the client as its own subscriber', { client, subscriber: client }, /separate connection/],
    ['a prefix with a brace', { client, prefix: 'a{b}' }, /"prefix" must be/],
    ['an empty prefix', { client, prefix: '' }, /"prefix" must be/],
    ['a negative retention', { client, retainExpiredMs: -1 }, /"retainExpiredMs" must be/],
    ['a fractional retention', { client, retainExpiredMs: 1.5 }, /"retainExpiredMs" must be/],
    ['an audit length of 0', { client, auditMaxLength: 0 }, /"auditMaxLength" must be/],
    ['a fractional audit length', { client, auditMaxLength: 2.5 }, /"auditMaxLength" must be/],
    ['an audit length as a string', { client, auditMaxLength: '100' }, /"auditMaxLength" must be/],
  ])('refuses %s', (_title, options, message) => {
    expect(construct(options)).toThrowError(KeywardConfigError);
    expect(construct(options)).toThrowError(message);
  });

  it('refuses a client with an ioredis keyPrefix, which its Lua scripts would not see', () => {
    const prefixed = new Redis({ lazyConnect: true, keyPrefix: 'app:' });
    try {
      expect(construct({ client: prefixed })).toThrowError(/keyPrefix/);
    } finally {
      prefixed.disconnect();
    }
  });
});
