import { describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';
import type { InvalidationEvent, KeyStore } from '../store.js';
import { randomKeyId, waitFor } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

/**
 * The publish/subscribe tests of the `KeyStore` contract. `supportsPubSub` as in
 * `KeyStoreContractOptions`: `false` skips the group, `undefined` detects per test.
 */
export function describePubSubContract({ store, test }: ContractContext, supportsPubSub: boolean | undefined): void {
  describe('publish/subscribe', () => {
    if (supportsPubSub === false) {
      it.skip('publish/subscribe tests (skipped: supportsPubSub is false for this store)');
      return;
    }
    const pubSub = (ctx: TestContext): Required<Pick<KeyStore, 'publish' | 'subscribe'>> => {
      const { publish, subscribe } = store();
      if (publish === undefined || subscribe === undefined) {
        if (supportsPubSub === true) throw new Error('supportsPubSub is true but the store lacks publish/subscribe');
        return ctx.skip('the store has no publish/subscribe');
      }
      return { publish: publish.bind(store()), subscribe: subscribe.bind(store()) };
    };
    const collector = (keyId: string): { events: InvalidationEvent[]; listener: (event: InvalidationEvent) => void } => {
      const events: InvalidationEvent[] = [];
      return { events, listener: (event) => void (event.keyId === keyId && events.push(event)) };
    };
    test('delivers each event, carrying only type and keyId, to every subscriber including the publisher', async (ctx) => {
      const { publish, subscribe } = pubSub(ctx);
      const keyId = randomKeyId();
      const [one, two] = [collector(keyId), collector(keyId)];
      const unsubscribe = [await subscribe(one.listener), await subscribe(two.listener)];
      try {
        const sent: InvalidationEvent[] = [{ type: 'revoked', keyId }, { type: 'updated', keyId }, { type: 'rotated', keyId }];
        for (const event of sent) await publish(event);
        await waitFor(() => one.events.length >= 3 && two.events.length >= 3);
        for (const { events } of [one, two]) {
          expect(events.map((event) => ({ ...event }))).toEqual(sent);
          for (const event of events) expect(Object.keys(event).sort()).toEqual(['keyId', 'type']);
        }
      } finally {
        for (const stop of unsubscribe) await stop();
      }
    });
    test('stops delivering to a listener once it unsubscribed', async (ctx) => {
      const { publish, subscribe } = pubSub(ctx);
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
