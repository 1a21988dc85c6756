import type { Cluster, Redis } from 'ioredis';
import type { InvalidationEvent } from '@keyward/core/store';
import { InvalidationListeners, decodeInvalidationEvent, encodeInvalidationEvent } from '@keyward/core/store';
import { storeError } from './errors.js';

type Connection = Redis | Cluster;

/**
 * The invalidation channel of a store: `PUBLISH` on the user's client, `SUBSCRIBE` on a separate
 * connection. One `SUBSCRIBE` serves every listener of the store; it is sent when the first listener
 * arrives and withdrawn when the last one leaves. Subscription changes run one at a time, so a
 * `subscribe()` that resolves is always backed by an acknowledged `SUBSCRIBE`. After a reconnect,
 * ioredis re-subscribes by itself (`autoResubscribe`, on by default).
 *
 * Gaps: when the subscriber connection closes while subscribed, events published until it is back
 * are lost. On the next `ready`, the channel sends its own `SUBSCRIBE` (after ioredis' resubscription
 * on the same connection, and enough on its own when `autoResubscribe` is off); once Redis
 * acknowledged it, the channel is live again and the `onGap` of each listener that was subscribed
 * when the connection closed is called once. A `subscribe()` during the gap waits for that same
 * acknowledgement (or rejects), so it too resolves only on a live channel.
 */
export class InvalidationChannel {
  readonly #listeners = new InvalidationListeners();
  readonly #client: Connection;
  readonly #given: Connection | null;
  readonly #channel: string;
  #connection: Connection | null = null;
  #subscribed = false;
  /** The connection closed while subscribed, and the channel has not been confirmed live since. */
  #interrupted = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: Connection, subscriber: Connection | null, channel: string) {
    this.#client = client;
    this.#given = subscriber;
    this.#channel = channel;
  }

  async publish(event: InvalidationEvent): Promise<void> {
    const payload = encodeInvalidationEvent(event);
    try {
      await this.#client.publish(this.#channel, payload);
    } catch (error) {
      throw storeError('publish', error);
    }
  }

  async subscribe(listener: (event: InvalidationEvent) => void, onGap?: () => void): Promise<() => Promise<void>> {
    const entry = this.#listeners.add(listener, onGap);
    try {
      await this.#serially(() => this.#sync());
    } catch (error) {
      this.#listeners.delete(entry);
      throw storeError('subscribe', error);
    }
    return async () => {
      if (!this.#listeners.delete(entry)) return;
      // Delivery to this listener stopped above; an UNSUBSCRIBE that fails (Redis down) costs nothing.
      await this.#serially(() => this.#sync()).catch(() => undefined);
    };
  }

  /** Drops every listener, unsubscribes, and disconnects the subscriber if the store created it. */
  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#serially(async () => {
      const connection = this.#connection;
      this.#connection = null;
      if (connection === null) return;
      connection.off('message', this.#onMessage);
      connection.off('close', this.#onClose);
      connection.off('ready', this.#onReady);
      if (connection === this.#given) {
        if (this.#subscribed) await connection.unsubscribe(this.#channel).catch(() => undefined);
      } else {
        connection.disconnect();
      }
      this.#subscribed = false;
      this.#interrupted = false;
    });
  }

  /** Runs `task` after every earlier subscription change, whatever their outcome. */
  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Makes the Redis subscription match the listeners: subscribed (and live) iff there is at least one. */
  async #sync(): Promise<void> {
    if (this.#listeners.size > 0 && !this.#subscribed) {
      await this.#open().subscribe(this.#channel);
      this.#subscribed = true;
      this.#interrupted = false;
    } else if (this.#listeners.size > 0 && this.#interrupted) {
      await this.#resume();
    } else if (this.#listeners.size === 0 && this.#subscribed && this.#connection !== null) {
      this.#subscribed = false;
      this.#interrupted = false;
      await this.#connection.unsubscribe(this.#channel);
    }
  }

  #open(): Connection {
    if (this.#connection !== null) return this.#connection;
    let connection: Connection;
    if (this.#given !== null) {
      connection = this.#given;
    } else {
      // The subscriber queues its SUBSCRIBE while it connects, even if the client disabled the offline queue.
      const override = { enableOfflineQueue: true };
      connection = this.#client.isCluster ? (this.#client as Cluster).duplicate([], override) : (this.#client as Redis).duplicate(override);
      // Connection errors of our own subscriber are retried by ioredis; without a listener ioredis
      // would print each one. The user's client reports the same outage through its own listeners.
      connection.on('error', () => undefined);
    }
    connection.on('message', this.#onMessage);
    connection.on('close', this.#onClose);
    connection.on('ready', this.#onReady);
    this.#connection = connection;
    return connection;
  }

  readonly #onClose = (): void => {
    if (!this.#subscribed) return;
    this.#interrupted = true;
    this.#listeners.markGap();
  };

  /** The connection is back (ioredis has already re-sent its SUBSCRIBE): confirm and report the gap. */
  readonly #onReady = (): void => {
    if (this.#interrupted) void this.#serially(() => this.#resume()).catch(() => undefined);
  };

  /**
   * Sends our own SUBSCRIBE: Redis answers it after any earlier one on the connection, so its
   * acknowledgement proves the channel live. Then reports the gap. If the connection drops again
   * first, this fails and the next `ready` (or `subscribe()`) tries again.
   */
  async #resume(): Promise<void> {
    const connection = this.#connection;
    if (!this.#interrupted || !this.#subscribed || connection === null) return;
    await connection.subscribe(this.#channel);
    if (!this.#interrupted || !this.#subscribed) return;
    this.#interrupted = false;
    this.#listeners.reportGap();
  }

  readonly #onMessage = (channel: string, message: string): void => {
    if (channel !== this.#channel) return;
    const event = decodeInvalidationEvent(message);
    if (event !== null) this.#listeners.deliver(event);
  };
}
