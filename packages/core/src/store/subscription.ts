import type { InvalidationEvent, KeyStore } from './key-store.js';

/** First and longest wait between attempts to (re)subscribe to a store's invalidations. */
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
 * Subscribes `listener` to the store's invalidation channel. When that fails (the store is down
 * at start-up), it warns once and tries again with a doubling backoff (1 s to 30 s, timers
 * unref'd) until it succeeds or is closed. A subscription that becomes live after a failure, and
 * a store that reports a gap in its channel (`subscribe`'s `onGap`), call `onLive`: events
 * published meanwhile were lost, so the caller drops what it cached.
 *
 * @example
 * ```ts
 * const sub = keepSubscribed(store, (e) => cache.delete(e.keyId), { warn, onLive: () => cache.clear() });
 * await sub.ready;
 * ```
 */
export function keepSubscribed(
  store: KeyStore,
  listener: (event: InvalidationEvent) => void,
  hooks: { readonly warn: (message: string) => void; readonly onLive: () => void },
): KeptSubscription {
  let closed = false;
  let failed = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt: Promise<void> = Promise.resolve();
  let delay = RESUBSCRIBE_MIN_MS;

  // The store lost its channel for a while and has it back: what it missed is unknown.
  const onGap = () => {
    if (closed) return;
    hooks.onLive();
    hooks.warn('keyward: the store invalidation channel was interrupted and is back; cached keys were dropped');
  };

  const tryOnce = async (): Promise<void> => {
    try {
      const off = await store.subscribe!(listener, onGap);
      if (closed) return void (await off());
      unsubscribe = off;
      if (failed) {
        hooks.onLive();
        hooks.warn('keyward: subscribed to store invalidations again; cached keys were dropped');
      }
    } catch {
      if (!failed) hooks.warn('keyward: could not subscribe to store invalidations; retrying, and revocations reach this instance within the cache TTL meanwhile');
      failed = true;
      if (closed) return;
      timer = setTimeout(() => {
        timer = null;
        attempt = tryOnce();
      }, delay);
      timer.unref?.();
      delay = Math.min(delay * 2, RESUBSCRIBE_MAX_MS);
    }
  };

  if (store.subscribe !== undefined) attempt = tryOnce();
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
