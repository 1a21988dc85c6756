import { describe, expect } from 'vitest';
import type { InvalidationEvent, InvalidationReset, KeyStore } from '@keyward/core/store';
import { randomKeyId, waitFor } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

/**
 * The publish/subscribe tests of the `KeyStore` contract. Pub/sub is a declared capability, never
 * a skip: with `supportsPubSub` (the default) the store must have both methods and they must
 * work; without it, the store must have neither (the core would not subscribe to a store with
 * only one of them, and instances would silently miss revocations).
 */
export function describePubSubContract({ store, test }: ContractContext, supportsPubSub: boolean): void {
  describe('publish/subscribe', () => {
    if (!supportsPubSub) {
      test('declares no publish/subscribe: has neither method', async () => {
        expect(store().publish, 'supportsPubSub is false, but the store has publish').toBeUndefined();
        expect(store().subscribe, 'supportsPubSub is false, but the store has subscribe').toBeUndefined();
      });
      return;
    }
    const pubSub = (): Required<Pick<KeyStore, 'publish' | 'subscribe'>> => {
      const { publish, subscribe } = store();
      expect(publish, 'the store has no publish(): pass { supportsPubSub: false } if it has no channel').toBeTypeOf('function');
      expect(subscribe, 'the store has no subscribe(): pass { supportsPubSub: false } if it has no channel').toBeTypeOf('function');
      return { publish: publish!.bind(store()), subscribe: subscribe!.bind(store()) };
    };
    const collector = (keyId: string): { events: InvalidationEvent[]; listener: (event: InvalidationEvent | InvalidationReset) => void } => {
      const events: InvalidationEvent[] = [];
      return { events, listener: (event) => void (event.type !== 'reset' && event.keyId === keyId && events.push(event)) };
    };
    test('delivers each event, carrying only type and keyId, to every subscriber including the publisher', async () => {
      const { publish, subscribe } = pubSub();
      const keyId = randomKeyId();
      const [one, two] = [collector(keyId), collector(keyId)];
      const unsubscribe = [await subscribe(one.listener), await subscribe(two.listener)];
      try {
        const sent: InvalidationEvent[] = [{ type: 'revoked', keyId }, { type: 'updated', keyId }, { type: 'rotated', keyId }];
        for (const event of sent) await publish(event);
        await waitFor(() => one.events.length >= 3 && two.events.length >= 3);
        for (const { events } of [one, two]) {
          // Order is not part of the contract: each event only drops one key, and a Redis Cluster
          // routes each PUBLISH to any node, so events may arrive in another order.
          expect(events.map((event) => ({ ...event }))).toEqual(expect.arrayContaining(sent));
          expect(events).toHaveLength(sent.length);
          for (const event of events) expect(Object.keys(event).sort()).toEqual(['keyId', 'type']);
        }
      } finally {
        for (const stop of unsubscribe) await stop();
      }
    });
    test('stops delivering to a listener once it unsubscribed', async () => {
      const { publish, subscribe } = pubSub();
      const keyId = randomKeyId();
      const [gone, kept] = [collector(keyId), collector(keyId)];
      const stopGone = await subscribe(gone.listener);
      const stopKept = await subscribe(kept.listener);
      try {
        await stopGone();
        await publish({ type: 'revoked', keyId });
        await publish({ type: 'updated', keyId });
        await waitFor(() => kept.events.length >= 2);
        expect(gone.events).toEqual([]);
      } finally {
        await stopKept();
      }
    });
  });
}
