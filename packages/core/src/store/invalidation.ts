import type { InvalidationEvent } from './key-store.js';

const TYPES: ReadonlySet<string> = new Set<InvalidationEvent['type']>(['revoked', 'updated', 'rotated']);

/**
 * The wire form of an invalidation event for a store's channel (Redis PUBLISH, Postgres NOTIFY):
 * JSON of `type` and `keyId` only, whatever else the object carries, so no key material travels.
 *
 * @example
 * ```ts
 * await client.publish(channel, encodeInvalidationEvent({ type: 'revoked', keyId }));
 * ```
 */
export function encodeInvalidationEvent(event: InvalidationEvent): string {
  return JSON.stringify({ type: event.type, keyId: event.keyId });
}

/**
 * Reads a payload received on a store's channel: a frozen `{ type, keyId }`, or `null` for
 * anything that is not a well-formed event (ignored by the caller, never thrown).
 *
 * @example
 * ```ts
 * const event = decodeInvalidationEvent(message);
 * if (event !== null) listeners.deliver(event);
 * ```
 */
export function decodeInvalidationEvent(payload: string): InvalidationEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, keyId } = value as { type?: unknown; keyId?: unknown };
  if (typeof type !== 'string' || !TYPES.has(type) || typeof keyId !== 'string') return null;
  return Object.freeze({ type: type as InvalidationEvent['type'], keyId });
}

/** One subscriber of an {@link InvalidationListeners} registry. */
export interface InvalidationSubscriber {
  readonly listener: (event: InvalidationEvent) => void;
  readonly onGap: (() => void) | undefined;
}

/**
 * The subscribers of a store's invalidation channel, for store authors: delivery that one faulty
 * listener cannot break, and the gap bookkeeping of `KeyStore.subscribe`'s `onGap` (mark a gap
 * when the connection is lost; report it once, to those subscribed at that moment and still
 * subscribed, when the channel is live again). The connection handling stays the store's.
 *
 * @example
 * ```ts
 * const listeners = new InvalidationListeners();
 * const entry = listeners.add(listener, onGap);      // in subscribe(); listeners.delete(entry) to leave
 * connection.on('close', () => listeners.markGap());
 * // ... once the channel is confirmed live again:
 * listeners.reportGap();
 * ```
 */
export class InvalidationListeners {
  readonly #entries = new Map<InvalidationSubscriber, { missed: boolean }>();

  /** How many subscribers there are. */
  get size(): number {
    return this.#entries.size;
  }

  /** Adds a subscriber; the returned handle removes it with {@link InvalidationListeners.delete}. */
  add(listener: (event: InvalidationEvent) => void, onGap?: () => void): InvalidationSubscriber {
    const entry: InvalidationSubscriber = { listener, onGap };
    this.#entries.set(entry, { missed: false });
    return entry;
  }

  /** Removes a subscriber; `false` if it was not (or no longer) there. */
  delete(entry: InvalidationSubscriber): boolean {
    return this.#entries.delete(entry);
  }

  /** Removes every subscriber. */
  clear(): void {
    this.#entries.clear();
  }

  /** Calls every listener with `event`; a listener that throws is skipped, the others still hear it. */
  deliver(event: InvalidationEvent): void {
    for (const entry of [...this.#entries.keys()]) {
      try {
        entry.listener(event);
      } catch {
        // A faulty listener must not starve the others.
      }
    }
  }

  /** The channel was lost: every current subscriber may miss events until {@link InvalidationListeners.reportGap}. */
  markGap(): void {
    for (const state of this.#entries.values()) state.missed = true;
  }

  /** The channel is live again: calls `onGap` once for each subscriber marked by {@link InvalidationListeners.markGap}. */
  reportGap(): void {
    for (const [entry, state] of [...this.#entries]) {
      if (!state.missed) continue;
      state.missed = false;
      try {
        entry.onGap?.();
      } catch {
        // As for events: one faulty callback must not keep the others from hearing of the gap.
      }
    }
  }
}
