import type { InvalidationEvent } from '@keyward/core/store';
import { InvalidationListeners, decodeInvalidationEvent } from '@keyward/core/store';
import type { OpenListen, StopListening } from './listen.js';

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
 * background with exponential backoff. Events published while it was down are not replayed: once
 * LISTEN is acknowledged again, each subscription that was active when it was lost gets its
 * `onGap` called once, so keyward drops what it cached.
 */
export class InvalidationListener {
  readonly #listeners = new InvalidationListeners();
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

  /**
   * Adds `listener`; resolves once LISTEN is active, rejects (and forgets it) if it cannot be.
   * `onGap` is called once each time the connection was lost and LISTEN is active again.
   */
  async subscribe(listener: (event: InvalidationEvent) => void, onGap?: () => void): Promise<() => Promise<void>> {
    const subscription = this.#listeners.add(listener, onGap);
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
    // LISTEN is acknowledged again: tell each subscription that was active when it was lost.
    this.#listeners.reportGap();
  }

  #deliver(payload: string): void {
    const event = decodeInvalidationEvent(payload);
    if (event !== null) this.#listeners.deliver(event);
  }

  #lost(error: unknown): void {
    this.#stop = null;
    this.#listeners.markGap();
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
