import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyward } from '@keyward/core';
import type { Keyward, KeywardOptions } from '@keyward/core';
import type { InvalidationEvent, InvalidationReset, KeyStore } from '@keyward/core/store';
import { randomKeyId, waitFor } from './contract-helpers.js';
import { describeSilentLink } from './invalidation-contract-silent.js';
import type { TcpProxy } from './tcp-proxy.js';

/** Two stores on one backend, one of them through a TCP proxy the suite stops, cuts and silences. */
export interface InvalidationContractFixture {
  /** In front of the backend (`createTcpProxy`); the suite leaves it started and forwarding. */
  readonly proxy: TcpProxy;
  /** A store straight on the backend: it writes and publishes while the proxy is down. */
  readonly direct: KeyStore;
  /**
   * A new store on the same backend (same table or prefix) through the proxy, with what closes it
   * and its client. Its client should have the settings the store's README asks for (timeouts,
   * keepalive) and a short reconnection delay, its channel check (heartbeat) a short interval.
   */
  connect(): Promise<{ readonly store: KeyStore; close(): Promise<void> }>;
  /** Checks what a store call rejects with while the backend is unreachable (the store's error class). */
  expectStoreError?(error: unknown): void;
  /** Closes `direct` and the proxy, and removes the data. */
  cleanup(): Promise<void>;
}

type Heard = InvalidationEvent | InvalidationReset;
const TIMEOUT = 30_000;
const PEPPER = 'invalidation-contract-pepper-0123456789';

/** What the tests share: the backend, a writer keyward on `direct` and a server keyward on the proxied store. */
export interface InvalidationContext {
  readonly fixture: () => InvalidationContractFixture;
  readonly proxied: () => KeyStore;
  readonly writer: () => Keyward;
  readonly server: () => Keyward;
  /** A keyward on `store` with a long cache TTL: it only drops a key early through invalidation. */
  keywardOn(store: KeyStore, options?: Partial<KeywardOptions>): Keyward;
  /** A key created through the writer, for a fresh owner. */
  createKey(): ReturnType<Keyward['keys']['create']>;
  /** Waits until events published on `direct` reach the proxied store again. */
  channelLive(): Promise<void>;
  /** Revokes a key the server has cached and waits for the server to reject it. */
  revocationReachesServer(): Promise<void>;
}

/**
 * The outage and gap behaviour of a store's invalidation channel, over a real backend and a TCP
 * proxy: 503 while down and recovery on the same client, one `reset` per gap delivered on a live
 * channel, a subscribe that resolves only on a live channel, the first subscribe retried by the
 * core, and a silent link (see `describeSilentLink`). Every wait is on an event or a condition.
 *
 * @example
 * ```ts
 * runInvalidationContract('RedisKeyStore', async () => {
 *   const proxy = await createTcpProxy({ host: '127.0.0.1', port: 6379 });
 *   // ... a direct store, and connect() building one on a client pointed at proxy.host:proxy.port
 *   return { proxy, direct, connect, cleanup };
 * });
 * ```
 */
export function runInvalidationContract(name: string, setup: () => Promise<InvalidationContractFixture>, options: { readonly skip?: boolean } = {}): void {
  describe.skipIf(options.skip === true)(`invalidation contract: ${name}`, () => {
    let fixture: InvalidationContractFixture;
    let proxied: { readonly store: KeyStore; close(): Promise<void> };
    let writer: Keyward;
    let server: Keyward;
    let owner = 0;
    const keywardOn = (store: KeyStore, extra: Partial<KeywardOptions> = {}) =>
      createKeyward({ store, prefixes: ['eck_test_'], pepper: PEPPER, cache: { ttlMs: 600_000 }, usage: false, logger: false, ...extra });
    const authenticate = (k: Keyward, key: string) => k.authenticate({ 'x-api-key': key });
    const context: InvalidationContext = {
      fixture: () => fixture,
      proxied: () => proxied.store,
      writer: () => writer,
      server: () => server,
      keywardOn,
      createKey: () => writer.keys.create({ ownerId: `user_${++owner}`, orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] }),
      async channelLive() {
        const keyId = randomKeyId();
        const seen = new Promise<void>((resolve) => {
          void proxied.store.subscribe!((event) => void (event.type !== 'reset' && event.keyId === keyId && resolve())).then((stop) => seen.then(stop));
        });
        let heard = false;
        void seen.then(() => (heard = true));
        await waitFor(async () => {
          await fixture.direct.publish!({ type: 'updated', keyId });
          await new Promise((resolve) => setImmediate(resolve));
          return heard;
        }, 10_000);
      },
      async revocationReachesServer() {
        const { key, record } = await context.createKey();
        expect((await authenticate(server, key)).ok).toBe(true);
        await writer.keys.revoke(record.id);
        await waitFor(async () => {
          const result = await authenticate(server, key);
          return !result.ok && result.failure.code === 'revoked_api_key';
        }, 2_000);
      },
    };
    /** A subscriber on `store` that records what it hears and can wait for the n-th reset or an event. */
    const record = async (store: KeyStore, keyId: string, onReset: () => void = () => undefined) => {
      const heard: Heard[] = [];
      const waiters: Array<() => void> = [];
      const stop = await store.subscribe!((event) => {
        if (event.type === 'reset') onReset();
        if (event.type === 'reset' || event.keyId === keyId) heard.push(event);
        for (const wake of waiters.splice(0)) wake();
      });
      const resets = () => heard.filter((e) => e.type === 'reset').length;
      const events = () => heard.filter((e) => e.type !== 'reset');
      /** Resolves once `condition` holds, checked after each delivery; fails after 10 s with what was heard. */
      const until = (condition: () => boolean) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`condition not met within 10 s; heard ${JSON.stringify(heard)}`)), 10_000);
          const check = () => (condition() ? (clearTimeout(timer), resolve()) : waiters.push(check));
          check();
        });
      return { heard, resets, events, until, stop };
    };

    beforeAll(async () => {
      fixture = await setup();
      proxied = await fixture.connect();
      writer = keywardOn(fixture.direct);
      server = keywardOn(proxied.store, { storeTimeoutMs: 1_000, retryAfterSeconds: 7 });
      await Promise.all([writer.ready, server.ready]);
    }, TIMEOUT);
    afterAll(async () => {
      await fixture?.proxy.start();
      fixture?.proxy.resume();
      await Promise.all([writer?.close(), server?.close()]);
      await proxied?.close();
      await fixture?.cleanup();
    }, TIMEOUT);

    it('answers 503 with Retry-After while the backend is down, then works again on the same client', async () => {
      const { key } = await context.createKey();
      await fixture.proxy.stop();
      try {
        for (let i = 0; i < 3; i++) {
          const result = await authenticate(server, key);
          expect(result.ok ? 'ok' : result.failure.code).toBe('auth_unavailable');
          if (result.ok) return;
          const response = server.respond(result.failure);
          expect(response.status).toBe(503);
          expect(response.headers['retry-after']).toBe('7');
        }
        const hash = 'f'.repeat(64);
        const error: unknown = await proxied.store.findByHash(hash).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(String((error as Error).message)).not.toContain(hash);
        fixture.expectStoreError?.(error);
      } finally {
        await fixture.proxy.start();
      }
      await waitFor(async () => (await authenticate(server, key)).ok, 10_000);
      await context.channelLive();
      await context.revocationReachesServer();
    }, TIMEOUT);

    it('survives dropped connections: never a 401 or a wrong 200, then serves and hears revocations again', async () => {
      const { key } = await context.createKey();
      fixture.proxy.dropConnections();
      const during = await authenticate(server, key);
      expect(during.ok || during.failure.code === 'auth_unavailable').toBe(true);
      await waitFor(async () => (await authenticate(server, key)).ok, 10_000);
      await context.channelLive();
      await context.revocationReachesServer();
    }, TIMEOUT);

    it('delivers a reset once the channel is back, on a live channel; a subscriber that left hears none', async () => {
      const keyId = randomKeyId();
      // Each reset handler publishes once, with no retry: the channel must be live when a reset is
      // delivered. A later gap (a heartbeat that found a loaded link slow, say) is announced by a
      // reset of its own, whose handler publishes again: the event of the latest reset must arrive.
      const published: Promise<void>[] = [];
      const seen = await record(proxied.store, keyId, () => void published.push(fixture.direct.publish!({ type: 'revoked', keyId })));
      const left = await record(proxied.store, keyId);
      await left.stop();
      try {
        fixture.proxy.dropConnections();
        await seen.until(() => seen.resets() > 0 && seen.heard.at(-1)!.type !== 'reset');
        await Promise.all(published);
        expect(seen.heard[0]).toEqual({ type: 'reset' });
        expect(seen.events().length).toBeGreaterThan(0);
        for (const event of seen.events()) expect(event).toEqual({ type: 'revoked', keyId });
        expect(left.heard).toEqual([]);
      } finally {
        await seen.stop();
      }
    }, TIMEOUT);

    it('one reset per gap, none while the backend is still down; a subscribe during the gap rejects', async () => {
      const keyId = randomKeyId();
      const seen = await record(proxied.store, keyId);
      try {
        await fixture.proxy.stop();
        // Once the store noticed the cut, a subscribe fails while down: never a promise of a live channel that is not.
        await waitFor(async () => {
          const during: unknown = await proxied.store.subscribe!(() => undefined).then(async (stop) => void (await stop()), (e: unknown) => e);
          return during instanceof Error;
        }, 5_000);
        expect(seen.resets()).toBe(0);
        await fixture.proxy.start();
        await seen.until(() => seen.resets() >= 1);
        const late = await record(proxied.store, keyId); // joined after the gap: owes no reset
        // Published until heard: an event lost in a later gap is announced by a reset, never lost silently.
        const heardType = (who: typeof seen, type: string) => who.events().some((e) => e.type === type);
        const publishUntilHeard = async (type: 'updated' | 'rotated') => {
          while (!heardType(seen, type)) {
            const resets = seen.resets();
            await fixture.direct.publish!({ type, keyId });
            await seen.until(() => heardType(seen, type) || seen.resets() > resets);
          }
        };
        await publishUntilHeard('updated');
        await late.until(() => heardType(late, 'updated'));
        const before = seen.resets();
        fixture.proxy.dropConnections();
        await seen.until(() => seen.resets() > before);
        await publishUntilHeard('rotated');
        await late.until(() => heardType(late, 'rotated'));
        // Each gap gave a reset (more than one only if the link dropped again), every event came after
        // a reset, and the late subscriber owed no reset for the gap before it joined.
        const squash = (types: string[]) => types.filter((type, i) => type !== types[i - 1]);
        expect(squash(seen.heard.map((e) => e.type))).toEqual(['reset', 'updated', 'reset', 'rotated']);
        expect(squash(late.heard.map((e) => e.type))).toEqual(['updated', 'reset', 'rotated']);
        await late.stop();
      } finally {
        await fixture.proxy.start();
        await seen.stop();
      }
    }, TIMEOUT);

    it('an instance rejects a key it had cached once back, when it was revoked while the instance was cut off', async () => {
      const { key, record: created } = await context.createKey();
      expect((await authenticate(server, key)).ok).toBe(true); // cached for 10 min
      await fixture.proxy.stop();
      try {
        await writer.keys.revoke(created.id); // its event never reaches the server
      } finally {
        await fixture.proxy.start();
      }
      await waitFor(async () => {
        const result = await authenticate(server, key);
        return !result.ok && result.failure.code === 'revoked_api_key';
      }, 10_000);
    }, TIMEOUT);

    it('starts while the backend is down: ready settles, 503 meanwhile, revocations arrive once it is back', async () => {
      await fixture.proxy.stop();
      const late = await fixture.connect();
      const lateServer = keywardOn(late.store);
      try {
        await lateServer.ready; // the first subscribe failed; the core retries it in the background
        const { key, record: created } = await context.createKey();
        const down = await authenticate(lateServer, key);
        expect(down.ok ? 'ok' : down.failure.code).toBe('auth_unavailable');
        await fixture.proxy.start();
        await waitFor(async () => (await authenticate(lateServer, key)).ok, 10_000);
        await writer.keys.revoke(created.id);
        await waitFor(async () => {
          const result = await authenticate(lateServer, key);
          return !result.ok && result.failure.code === 'revoked_api_key';
        }, 10_000);
      } finally {
        await fixture.proxy.start();
        await lateServer.close();
        await late.close();
      }
    }, TIMEOUT);

    describeSilentLink(context);
  });
}
