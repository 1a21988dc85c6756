import { createServer } from 'node:http';
import type { Keyward } from '@keyward/core';
import { listenOnLoopback } from './listen.js';

/**
 * Serve `keyward` on loopback the way an adapter does (authenticate, then the request's one limit
 * decision), send `requests` concurrent `GET`s with `key` spread round-robin over the instances,
 * and count the answers by status. The multi-instance test of a rate-limit store: instances on one
 * shared store must admit exactly the limit between them.
 *
 * @example
 * ```ts
 * const counts = await floodInstances([keywardA, keywardB], key, 300); // { 200: 50, 429: 250 }
 * ```
 */
export async function floodInstances(instances: readonly Keyward[], key: string, requests: number): Promise<Record<number, number>> {
  const servers = await Promise.all(
    instances.map((keyward) =>
      listenOnLoopback(
        createServer(async (req, res) => {
          const result = await keyward.authenticate(req.headers);
          const limited = result.ok ? await keyward.limit(result.principal) : null;
          const failure = !result.ok ? result.failure : limited !== null && !limited.ok ? limited.failure : null;
          if (failure !== null) {
            const answer = keyward.respond(failure);
            res.writeHead(answer.status, answer.headers).end(answer.json);
          } else {
            res.writeHead(200, { 'content-type': 'application/json', ...(limited?.ok ? limited.headers : {}) }).end('{}');
          }
        }),
      ),
    ),
  );
  try {
    const statuses = await Promise.all(
      Array.from({ length: requests }, async (_, i) => {
        const res = await fetch(`${servers[i % servers.length]!.url}/`, { headers: { 'x-api-key': key } });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    const counts: Record<number, number> = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    return counts;
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
