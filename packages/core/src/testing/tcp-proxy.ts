import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';

/** A loopback TCP proxy in front of a real server, for outage tests of network stores. */
export interface TcpProxy {
  /** `127.0.0.1`. */
  readonly host: string;
  /** The port clients connect to (stays the same across {@link TcpProxy.stop} / {@link TcpProxy.start}). */
  readonly port: number;
  /** Destroys every open connection (both sides), as a network cut or a server crash would. */
  dropConnections(): void;
  /** Drops every connection and stops listening: new connections are refused, like a stopped server. */
  stop(): Promise<void>;
  /** Listens again on the same port: the server is back. */
  start(): Promise<void>;
  /**
   * The link goes silent: connections stay open (nothing is closed or refused) but every byte is
   * dropped, both ways, as with a stalled pooler or a half-open network path. New connections are
   * accepted and silent too.
   */
  silence(): void;
  /** Forwards bytes again (those dropped while silent are lost for good). */
  resume(): void;
  /** Bytes dropped while silent, both ways, since the proxy was created. */
  readonly droppedBytes: number;
  /** Open client connections. */
  readonly connections: number;
  /** Stops for good. */
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) that forwards every connection to
 * `target.host:target.port`. Point the store's client at the proxy, then cut connections or stop
 * the "server" without touching the real one, which other tests keep using.
 *
 * @example
 * ```ts
 * const proxy = await createTcpProxy({ host: '127.0.0.1', port: 6379 });
 * const client = new Redis({ host: proxy.host, port: proxy.port });
 * await proxy.stop();  // the store errors → keyward answers 503
 * await proxy.start(); // the client reconnects → 200 again, no restart
 * proxy.silence();      // open but mute: store calls must time out, never hang
 * proxy.resume();
 * ```
 */
export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let silent = false;
  let dropped = 0;
  /** Forwards `from` to `to` unless the link is silent (then the bytes are dropped). */
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (silent) return void (dropped += chunk.length);
      if (to.destroyed) return;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  };
  const clients = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const onConnection = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    track(client);
    clients.add(client);
    client.on('close', () => clients.delete(client));
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    forward(client, upstream);
    forward(upstream, client);
  };
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer(onConnection);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        const address = next.address();
        if (address !== null && typeof address === 'object') port = address.port;
        server = next;
        resolve();
      });
    });
  const dropConnections = () => {
    for (const socket of sockets) socket.destroy();
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = null;
      dropConnections();
      if (current === null) resolve();
      else current.close(() => resolve());
    });
  await listen();
  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get droppedBytes() {
      return dropped;
    },
    get connections() {
      return clients.size;
    },
    dropConnections,
    silence: () => {
      silent = true;
    },
    resume: () => {
      silent = false;
    },
    stop,
    start: async () => {
      if (server === null) await listen();
    },
    close: stop,
  };
}
