import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpScenarioServer } from './http-scenarios.js';

/**
 * Makes `server` (not yet listening) listen on 127.0.0.1 on a free port, and returns the base URL and a `close` that resolves
 * promptly even with idle keep-alive connections open: what {@link runHttpScenarios} fixtures and
 * adapter tests need from a Node HTTP server.
 *
 * @example
 * ```ts
 * const { url, close } = await listenOnLoopback(createServer(app)); // Koa: createServer(app.callback())
 * const res = await fetch(`${url}/protected`);
 * await close();
 * ```
 */
export async function listenOnLoopback(server: Server): Promise<HttpScenarioServer> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
