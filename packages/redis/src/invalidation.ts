import type { Cluster, Redis } from 'ioredis';
import { InvalidationHub } from '@keyward/core/store';

type Connection = Redis | Cluster;

/** The subscriber connection of a store: the one you passed, or `client.duplicate()` made at the first subscribe. */
export class SubscriberConnection {
  readonly #client: Connection;
  readonly #given: Connection | null;
  #own: Connection | null = null;

  constructor(client: Connection, given: Connection | null) {
    this.#client = client;
    this.#given = given;
  }

  /** The connection, made on first use. */
  get(): Connection {
    if (this.#given !== null) return this.#given;
    if (this.#own === null) {
      // The subscriber queues its SUBSCRIBE while it connects, even if the client disabled the offline queue.
      // No socketTimeout: the heartbeat watches this connection, and ioredis' timer outlives a
      // reconnect (it would cut the next connection for nothing).
      const override = { enableOfflineQueue: true, socketTimeout: undefined };
      this.#own = this.#client.isCluster ? (this.#client as Cluster).duplicate([], override) : (this.#client as Redis).duplicate(override);
      // Connection errors of our own subscriber are retried by ioredis; without a listener ioredis
      // would print each one. The user's client reports the same outage through its own listeners.
      this.#own.on('error', () => undefined);
    }
    return this.#own;
  }

  /** Disconnects the connection the store made; one you passed stays open. */
  release(): void {
    this.#own?.disconnect();
    this.#own = null;
  }

  /** Whether the connection is the user's (then the store unsubscribes instead of disconnecting). */
  get given(): boolean {
    return this.#given !== null;
  }
}

/**
 * The store's invalidation hub: core's {@link InvalidationHub} over `SUBSCRIBE` on the subscriber
 * connection. Opening sends our own `SUBSCRIBE` and resolves on Redis' acknowledgement (so it also
 * works after a reconnect without ioredis' `autoResubscribe`); the channel is lost when the
 * connection closes, and ioredis reconnects it while the hub sends `SUBSCRIBE` again.
 */
export function createInvalidationHub(
  subscriber: SubscriberConnection,
  channel: string,
  options: { readonly heartbeatMs: number; readonly warn: (message: string) => void },
): InvalidationHub {
  return new InvalidationHub({
    name: 'RedisKeyStore',
    warn: options.warn,
    // ioredis paces the reconnection itself; a SUBSCRIBE that failed meanwhile is retried soon.
    reconnectDelayMs: 50,
    maxReconnectDelayMs: 1_000,
    open: async (onPayload, onLost, signal) => {
      const connection = subscriber.get();
      const onMessage = (from: string, message: string) => void (from === channel && onPayload(message));
      const onClose = () => {
        detach();
        onLost(new Error('subscriber connection closed'));
      };
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      const detach = () => {
        clearInterval(heartbeat);
        connection.off('message', onMessage);
        connection.off('close', onClose);
      };
      connection.on('message', onMessage);
      try {
        await acknowledged(connection, channel, signal);
      } catch (error) {
        detach();
        throw error;
      }
      // Only now: a close while the SUBSCRIBE waited is ioredis' business (it resends it), and its acknowledgement proves the channel live.
      connection.on('close', onClose);
      if (options.heartbeatMs > 0) heartbeat = watch(connection, options.heartbeatMs);
      return async () => {
        detach();
        if (subscriber.given) await connection.unsubscribe(channel).catch(() => undefined);
        else subscriber.release();
      };
    },
  });
}

/** Most time a heartbeat PING may take before the subscriber connection is deemed silent. */
const PING_TIMEOUT_MS = 2_000;

/**
 * PINGs `connection` every `everyMs`. When a PING is not answered in time the connection is silent
 * (events it carried meanwhile are lost): it is reconnected, which closes it (the channel is lost,
 * then reopened with a reset) and gives ioredis a clean socket. Never overlaps two PINGs.
 */
function watch(connection: Connection, everyMs: number): ReturnType<typeof setInterval> {
  let waiting = false;
  const timer = setInterval(() => {
    if (waiting || connection.status !== 'ready') return;
    waiting = true;
    let timeout: { cancel(): void } | undefined;
    const silent = new Promise<'silent'>((resolve) => (timeout = afterIo(PING_TIMEOUT_MS, () => resolve('silent'))));
    void Promise.race([connection.ping().catch(() => 'failed'), silent]).then((outcome) => {
      timeout?.cancel();
      waiting = false;
      if (outcome === 'silent') connection.disconnect(true);
    });
  }, everyMs);
  timer.unref?.();
  return timer;
}

/**
 * Sends SUBSCRIBE and resolves on Redis' acknowledgement. While the connection is down the command
 * waits for it (or fails, per the client's retry settings); the hub may give up meanwhile (`signal`).
 * Not acknowledged within {@link PING_TIMEOUT_MS} on a live connection, or by a reconnection stuck
 * in its handshake (a silent link), the connection is reconnected and the attempt fails: the hub retries.
 */
function acknowledged(connection: Connection, channel: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      timer.cancel();
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => settle(new Error('subscribe abandoned'));
    const timer = afterIo(PING_TIMEOUT_MS, () => {
      const stuck = connection.status === 'ready' || connection.status === 'connect';
      if (stuck) connection.disconnect(true);
      if (stuck) settle(Object.assign(new Error('subscribe not acknowledged'), { code: 'silent' }));
    });
    signal.addEventListener('abort', onAbort, { once: true });
    connection.subscribe(channel).then(() => settle(), (error: unknown) => settle(error ?? new Error('subscribe failed')));
  });
}

/**
 * Runs `then` after `ms`, but only once the I/O that arrived meanwhile was read: after an event-loop
 * stall the timer would otherwise fire before the reply that did come in time, and a live connection
 * would be taken for a silent one.
 */
function afterIo(ms: number, then: () => void): { cancel(): void } {
  let cancelled = false;
  const timer = setTimeout(() => setImmediate(() => void (cancelled || then())), ms);
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
