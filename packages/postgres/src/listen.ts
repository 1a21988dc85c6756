import type { PGliteLike, PgNotification, PgPoolClientLike, PgPoolLike } from './client.js';

/** Stops listening and gives back what was held. */
export type StopListening = () => Promise<void>;

/**
 * Starts listening on `channel` and resolves once the server acknowledged LISTEN. `onPayload`
 * receives each notification; `onLost` is called at most once if the connection dies later.
 */
export type OpenListen = (channel: string, onPayload: (payload: string) => void, onLost: (error: unknown) => void) => Promise<StopListening>;

/**
 * LISTEN on one client checked out of the user's pool and held until stopped or lost. On loss the
 * client is released with the error, so the pool discards it instead of reusing it.
 */
export function pgListen(pool: PgPoolLike): OpenListen {
  return async (channel, onPayload, onLost) => {
    const client: PgPoolClientLike = await pool.connect();
    let done = false;
    const onNotification = (message: PgNotification) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    };
    const detach = () => {
      client.removeListener('notification', onNotification);
      client.removeListener('error', onError);
      client.removeListener('end', onEnd);
    };
    /** Release first (the pool re-attaches its own error handler), then detach ours. */
    const releaseBroken = (error: unknown) => {
      client.release(error instanceof Error ? error : true);
      detach();
    };
    const lose = (error: unknown) => {
      if (done) return;
      done = true;
      releaseBroken(error);
      onLost(error);
    };
    const onError = (error: Error) => lose(error);
    const onEnd = () => lose(new Error('LISTEN connection ended'));
    client.on('notification', onNotification);
    client.on('error', onError);
    client.on('end', onEnd);
    try {
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      if (!done) {
        done = true;
        releaseBroken(error);
      }
      throw error;
    }
    return async () => {
      if (done) return;
      done = true;
      try {
        await client.query(`UNLISTEN "${channel}"`);
        client.release();
        detach();
      } catch (error) {
        releaseBroken(error);
      }
    };
  };
}

/**
 * LISTEN through PGlite's own notification support (one instance, one process). Never lost, so
 * never a gap to report (`onLost` is not called): PGlite runs in this process, with no connection
 * between the store and the database that could drop and make it miss a NOTIFY.
 * Stopping is best effort: a PGlite the user already closed has nothing left to unlisten.
 */
export function pgliteListen(db: PGliteLike): OpenListen {
  return async (channel, onPayload) => {
    const unlisten = await db.listen(`"${channel}"`, onPayload);
    return () => unlisten().catch(() => undefined);
  };
}
