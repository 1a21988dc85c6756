import type { InvalidationEvent, InvalidationReset, KeyStore } from './key-store.js';

/** First and longest wait between attempts of the first subscribe to a store's invalidations. */
export const RESUBSCRIBE_MIN_MS = 1000;
export const RESUBSCRIBE_MAX_MS = 30_000;

/** A store subscription that keeps trying until it is live. */
export interface KeptSubscription {
  /** Settles after the first attempt, live or not: an app never waits on a store that is down. */
  readonly ready: Promise<void>;
  /** Stops retrying and unsubscribes. */
  close(): Promise<void>;
}

/**
 * Subscribes `onEvent` to the store's invalidations. Only this first subscribe is retried here
 * (the store is down at start-up): it warns once and tries again with a doubling backoff (1 s to
 * 30 s, timers unref'd) until it succeeds or is closed; once live, the store owns its channel and
 * reports each later gap with a `reset` event. A subscription that becomes live after a failure
 * delivers a `reset` too: events published meanwhile were lost.
 *
 * @example
 * ```ts
 * const sub = subscribeUntilLive(store, (e) => (e.type === 'reset' ? cache.clear() : cache.delete(e.keyId)), warn);
 * await sub.ready;
 * ```
 */
export function subscribeUntilLive(
  store: KeyStore,
  onEvent: (event: InvalidationEvent | InvalidationReset) => void,
  warn: (message: string) => void,
): KeptSubscription {
  let closed = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt: Promise<void> = Promise.resolve();
  let delay = RESUBSCRIBE_MIN_MS;

  /** One attempt; true when it made the subscription live. */
  const tryOnce = async (): Promise<boolean> => {
    try {
      const off = await store.subscribe!((event) => void (closed || onEvent(event)));
      if (closed) {
        await off();
        return false;
      }
      unsubscribe = off;
      return true;
    } catch {
      if (delay === RESUBSCRIBE_MIN_MS) warn('keyward: could not subscribe to store invalidations; retrying, and revocations reach this instance within the cache TTL meanwhile');
      if (!closed) retryLater();
      return false;
    }
  };
  const retryLater = () => {
    timer = setTimeout(() => {
      timer = null;
      attempt = tryOnce().then((live) => {
        if (!live) return;
        // Live after a failure: what was published meanwhile never reached this instance.
        onEvent({ type: 'reset' });
        warn('keyward: subscribed to store invalidations; cached keys were dropped');
      });
    }, delay);
    timer.unref?.();
    delay = Math.min(delay * 2, RESUBSCRIBE_MAX_MS);
  };

  if (store.subscribe !== undefined) attempt = tryOnce().then(() => undefined);
  return {
    ready: attempt,
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      await attempt;
      const off = unsubscribe;
      unsubscribe = null;
      if (off !== null) await off();
    },
  };
}
