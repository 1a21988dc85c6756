import type { InvalidationEvent } from '@keyward/core';
import type { OpenListen, StopListening } from './listen.js';

type Listener = (event: InvalidationEvent) => void;

const TYPES: ReadonlySet<string> = new Set(['revoked', 'updated', 'rotated']);

/** The JSON sent with NOTIFY: only `type` and `keyId`, never key material. */
export function encodeEvent(event: InvalidationEvent): string {
  return JSON.stringify({ type: event.type, keyId: event.keyId });
}

/** Parses a NOTIFY payload; anything that is not a well-formed event is ignored (`null`). */
export function decodeEvent(payload: string): InvalidationEvent | null {
  try {
    const value = JSON.parse(payload) as { type?: unknown; keyId?: unknown } | null;
    if (typeof value?.type !== 'string' || !TYPES.has(value.type) || typeof value.keyId !== 'string') return null;
    return Object.freeze({ type: value.type as InvalidationEvent['type'], keyId: value.keyId });
  } catch {
    return null;
  }
}

/** Reconnect timing of the LISTEN connection. */
export interface ReconnectOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Told when the connection is lost and when a reconnect attempt fails. Never given key material. */
  readonly warn: (message: string) => void;
}

/**
 * One LISTEN per store, shared by all its subscribers: opened by the first `subscribe`, closed
 * when the last one leaves or the store closes. A lost connection is re-established in the
 * background with exponential backoff; events published while it was down are not replayed (the
 * cache TTL bounds how long an instance may miss one).
 */
export class InvalidationListener {
  readonly #listeners = new Set<{ readonly listener: Listener }>();
  readonly #open: OpenListen;
  readonly #channel: string;
  readonly #reconnect: ReconnectOptions;
  #stop: StopListening | null = null;
  #opening: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #attempt = 0;

  constructor(open: OpenListen, channel: string, reconnect: ReconnectOptions) {
    this.#open = open;
    this.#channel = channel;
    this.#reconnect = reconnect;
  }

  /** Adds `listener`; resolves once LISTEN is active, rejects (and forgets it) if it cannot be. */
  async subscribe(listener: Listener): Promise<() => Promise<void>> {
    const subscription = { listener };
    this.#listeners.add(subscription);
    try {
      await this.#ensure();
    } catch (error) {
      this.#listeners.delete(subscription);
      if (this.#listeners.size === 0) await this.#shutdown();
      throw error;
    }
    return async () => {
      if (!this.#listeners.delete(subscription)) return;
      if (this.#listeners.size === 0) await this.#shutdown();
    };
  }

  /** Drops every subscriber and releases the LISTEN connection. A later `subscribe` opens it again. */
  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#shutdown();
  }

  /** Resolves when LISTEN is active (opening it if needed). */
  #ensure(): Promise<void> {
    if (this.#stop !== null) return Promise.resolve();
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  async #connect(): Promise<void> {
    const stop = await this.#open(this.#channel, (payload) => this.#deliver(payload), (error) => this.#lost(error));
    if (this.#listeners.size === 0) {
      await stop();
      return;
    }
    this.#stop = stop;
    this.#attempt = 0;
  }

  #deliver(payload: string): void {
    const event = decodeEvent(payload);
    if (event === null) return;
    for (const subscription of [...this.#listeners]) {
      try {
        subscription.listener(event);
      } catch {
        // A faulty listener must not starve the others.
      }
    }
  }

  #lost(error: unknown): void {
    this.#stop = null;
    this.#reconnect.warn(`PostgresKeyStore: LISTEN connection lost${describe(error)}; reconnecting`);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#listeners.size === 0 || this.#timer !== null) return;
    const { initialDelayMs, maxDelayMs } = this.#reconnect;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#ensure().catch((error: unknown) => {
        this.#reconnect.warn(`PostgresKeyStore: LISTEN reconnect failed${describe(error)}; retrying`);
        this.#schedule();
      });
    }, delay);
    this.#timer.unref();
  }

  async #shutdown(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    // An open in flight stops itself when it finds no listeners.
    await this.#opening?.catch(() => undefined);
    const stop = this.#stop;
    if (stop === null || this.#listeners.size > 0) return;
    this.#stop = null;
    await stop();
  }
}

/** ` (ECONNRESET)`: the error's code only, so no message can carry anything sensitive. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? ` (${code})` : '';
}
