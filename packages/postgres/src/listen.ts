import type { OpenInvalidationChannel } from '@keyward/core/store';
import type { PGliteLike, PgNotification, PgPoolClientLike, PgPoolLike } from './client.js';

/** How the held LISTEN connection is watched. */
export interface ListenTiming {
  /** Bound of each statement on the connection (LISTEN, the heartbeat, UNLISTEN). */
  readonly queryTimeoutMs: number;
  /** How often the connection is checked with `SELECT 1`; 0 for never. */
  readonly heartbeatMs: number;
}

/**
 * LISTEN on one client checked out of the user's pool and held until stopped or lost. A closed
 * connection is lost at once; a silent one (no answer to the periodic `SELECT 1` within
 * `queryTimeoutMs`) is lost at the next heartbeat, since the NOTIFYs it dropped cannot be known. On
 * loss the client is released with the error, so the pool discards it instead of reusing it.
 */
export function pgListen(pool: PgPoolLike, channel: string, timing: ListenTiming): OpenInvalidationChannel {
  const statement = (text: string) => ({ text, query_timeout: timing.queryTimeoutMs });
  return async (onPayload, onLost) => {
    const client: PgPoolClientLike = await pool.connect();
    let done = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const onNotification = (message: PgNotification) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    };
    /** Release first (the pool re-attaches its own error handler), then detach ours. A broken client is discarded. */
    const release = (broken: unknown) => {
      clearInterval(heartbeat);
      if (broken === undefined) client.release();
      else client.release(broken instanceof Error ? broken : true);
      client.removeListener('notification', onNotification);
      client.removeListener('error', onError);
      client.removeListener('end', onEnd);
    };
    const lose = (error: unknown) => {
      if (done) return;
      done = true;
      release(error);
      onLost(error);
    };
    const onError = (error: Error) => lose(error);
    const onEnd = () => lose(new Error('LISTEN connection ended'));
    client.on('notification', onNotification);
    client.on('error', onError);
    client.on('end', onEnd);
    try {
      await client.query(statement(`LISTEN "${channel}"`));
    } catch (error) {
      done = true;
      release(error);
      throw error;
    }
    if (timing.heartbeatMs > 0) {
      let beating = false;
      heartbeat = setInterval(() => {
        if (beating || done) return;
        beating = true;
        client.query(statement('SELECT 1')).then(
          () => void (beating = false),
          (error: unknown) => lose(error),
        );
      }, timing.heartbeatMs);
      heartbeat.unref?.();
    }
    return async () => {
      if (done) return;
      done = true;
      try {
        await client.query(statement(`UNLISTEN "${channel}"`));
        release(undefined);
      } catch (error) {
        release(error);
      }
    };
  };
}

/**
 * LISTEN through PGlite's own notification support (one instance, one process). Never lost, so
 * never a reset: PGlite runs in this process, with no connection between the store and the
 * database that could drop or go silent. Stopping is best effort: a PGlite the user already closed
 * has nothing left to unlisten.
 */
export function pgliteListen(db: PGliteLike, channel: string): OpenInvalidationChannel {
  return async (onPayload) => {
    const unlisten = await db.listen(`"${channel}"`, onPayload);
    return () => unlisten().catch(() => undefined);
  };
}
