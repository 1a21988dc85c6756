import type { InvalidationEvent, InvalidationReset } from './key-store.js';

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
 * const event = decodeInvalidationEvent(message); // null for junk
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

/**
 * Opens a store's channel (LISTEN, SUBSCRIBE) and resolves once the server acknowledged it, with the
 * function that closes it again. `onPayload` gets each raw message; `onLost` is called when the
 * channel dies later (connection closed, or found silent). Rejects when the channel cannot be
 * opened, and soon after `signal` aborts (the last subscriber left while it was opening).
 */
export type OpenInvalidationChannel = (
  onPayload: (payload: string) => void,
  onLost: (error: unknown) => void,
  signal: AbortSignal,
) => Promise<() => Promise<void>>;

/** Options of {@link InvalidationHub}. */
export interface InvalidationHubOptions {
  /** How to open the store's channel; called at the first subscribe and again after each loss. */
  readonly open: OpenInvalidationChannel;
  /** Names the store in warnings, e.g. `'PostgresKeyStore'`. */
  readonly name: string;
  /** Told when the channel is lost and when reopening it fails (error codes only, never key material). */
  readonly warn?: (message: string) => void;
  /** First wait before reopening a lost channel, doubled after each failure. Default 100 ms. */
  readonly reconnectDelayMs?: number;
  /** Longest wait between reopening attempts. Default 5 000 ms. */
  readonly maxReconnectDelayMs?: number;
}

type OnEvent = (event: InvalidationEvent | InvalidationReset) => void;
const RESET: InvalidationReset = Object.freeze({ type: 'reset' });

/**
 * Everything generic about a store's `subscribe`, for store authors: one channel shared by every
 * subscriber (opened by the first, closed when the last leaves), delivery that one faulty
 * subscriber cannot break, reopening a lost channel with a doubling backoff, and the `reset` owed
 * after each gap, sent once the channel is live again to the subscribers that were there during it.
 * The store only says how to open its channel.
 *
 * @example
 * ```ts
 * const hub = new InvalidationHub({ name: 'MyStore', open: async (onPayload, onLost, signal) => {
 *   await connection.listen(channel, onPayload);      // resolves once acknowledged
 *   connection.once('close', onLost);
 *   return () => connection.unlisten(channel);
 * } });
 * // in the store: subscribe = (onEvent) => hub.subscribe(onEvent); close = () => hub.close();
 * ```
 */
export class InvalidationHub {
  /** Each subscriber (a fresh object per subscribe) and whether it may have missed events. */
  readonly #subscribers = new Map<{ readonly onEvent: OnEvent }, { missed: boolean }>();
  readonly #options: InvalidationHubOptions;
  #stop: (() => Promise<void>) | null = null;
  #opening: Promise<void> | null = null;
  #abort: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;

  constructor(options: InvalidationHubOptions) {
    this.#options = options;
  }

  /** How many subscribers there are. */
  get size(): number {
    return this.#subscribers.size;
  }

  /** Adds a subscriber; resolves once the channel is live, rejects (and forgets it) if it cannot be opened. */
  async subscribe(onEvent: OnEvent): Promise<() => Promise<void>> {
    const entry = { onEvent };
    this.#subscribers.set(entry, { missed: false });
    try {
      await this.#ensure();
    } catch (error) {
      this.#subscribers.delete(entry);
      if (this.#subscribers.size === 0) await this.#shutdown();
      throw error;
    }
    return async () => {
      if (!this.#subscribers.delete(entry)) return;
      if (this.#subscribers.size === 0) await this.#shutdown();
    };
  }

  /** Drops every subscriber and closes the channel. A later `subscribe` opens it again. */
  async close(): Promise<void> {
    this.#subscribers.clear();
    await this.#shutdown();
  }

  #ensure(): Promise<void> {
    if (this.#stop !== null) return Promise.resolve();
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  async #connect(): Promise<void> {
    let live = false;
    let lostEarly = false;
    const abort = (this.#abort = new AbortController());
    const stop = await this.#options
      .open(
        (payload) => this.#deliver(payload),
        (error) => (live ? this.#lost(stop, error) : void (lostEarly = true)),
        abort.signal,
      )
      .finally(() => {
        if (this.#abort === abort) this.#abort = null;
      });
    if (lostEarly || this.#subscribers.size === 0) {
      await stop().catch(() => undefined);
      if (lostEarly) throw new Error(`${this.#options.name}: the invalidation channel closed while opening`);
      return;
    }
    live = true;
    this.#stop = stop;
    this.#attempt = 0;
    // Live again: those who were subscribed during the gap may have missed events.
    for (const [entry, state] of [...this.#subscribers]) {
      if (!state.missed) continue;
      state.missed = false;
      this.#call(entry.onEvent, RESET);
    }
  }

  #deliver(payload: string): void {
    const event = decodeInvalidationEvent(payload);
    if (event === null) return;
    for (const entry of [...this.#subscribers.keys()]) this.#call(entry.onEvent, event);
  }

  #call(onEvent: OnEvent, event: InvalidationEvent | InvalidationReset): void {
    try {
      onEvent(event);
    } catch {
      // A faulty subscriber must not starve the others.
    }
  }

  #lost(stop: () => Promise<void>, error: unknown): void {
    if (this.#stop !== stop) return;
    this.#stop = null;
    for (const state of this.#subscribers.values()) state.missed = true;
    this.#options.warn?.(`${this.#options.name}: invalidation channel lost${describe(error)}; reopening`);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#subscribers.size === 0 || this.#timer !== null) return;
    const delay = Math.min(this.#options.maxReconnectDelayMs ?? 5_000, (this.#options.reconnectDelayMs ?? 100) * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#ensure().catch((error: unknown) => {
        this.#options.warn?.(`${this.#options.name}: reopening the invalidation channel failed${describe(error)}; retrying`);
        this.#schedule();
      });
    }, delay);
    this.#timer.unref?.();
  }

  async #shutdown(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    // An open in flight is told to give up, and closes itself if it succeeded meanwhile.
    if (this.#subscribers.size === 0) this.#abort?.abort();
    await this.#opening?.catch(() => undefined);
    const stop = this.#stop;
    if (stop === null || this.#subscribers.size > 0) return;
    this.#stop = null;
    await stop();
  }
}

/** ` (ECONNRESET)`: the error's code only, so no message can carry anything sensitive. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
}
