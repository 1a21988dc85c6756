import { expect, it } from 'vitest';
import type { Keyward } from '@keyward/core';
import { waitFor } from './contract-helpers.js';
import type { InvalidationContext } from './invalidation-contract.js';

/** How long the link stays silent: the outage the issue reproduced (3 s). */
const SILENCE_MS = 3_000;
/** keyward's store timeout in these tests. */
const STORE_TIMEOUT_MS = 500;
/** How long a bounded call may take, beyond the store timeout, on a loaded test machine. */
const SLACK_MS = 1_000;

/** Resolves with how `call` settled and how long it took. */
async function timed(call: () => Promise<unknown>): Promise<{ readonly error: unknown; readonly ms: number }> {
  const started = Date.now();
  const error = await call().then(() => null, (e: unknown) => e);
  return { error, ms: Date.now() - started };
}

/**
 * A link that goes silent (connections open, bytes dropped), then comes back: every store call of
 * the request path and the management path is bounded meanwhile (503, `store_unavailable`, never
 * a hang), valid keys are accepted again within 2 s of the link's return, and a key revoked during
 * the silence (its event dropped) is rejected once the store found its channel silent and reset it.
 */
export function describeSilentLink(context: InvalidationContext): void {
  it('a silent link: bounded 503 and store_unavailable meanwhile, valid keys 200 within 2 s of its return', async () => {
    const { proxy } = context.fixture();
    const own = await context.fixture().connect();
    const server: Keyward = context.keywardOn(own.store, { storeTimeoutMs: STORE_TIMEOUT_MS });
    try {
      await server.ready;
      const uncached = await context.createKey();
      const cached = await context.createKey();
      expect((await server.authenticate({ 'x-api-key': cached.key })).ok).toBe(true);
      const managed = await server.keys.create({ ownerId: 'user_silent', orgId: 'acme', nickname: 'managed' });
      proxy.silence();
      const outage = new Promise((resolve) => setTimeout(resolve, SILENCE_MS));
      try {
        // The request path: many concurrent misses, as under load, each answered 503 in bounded time.
        const requests = await Promise.all(
          Array.from({ length: 12 }, () => timed(async () => {
            const result = await server.authenticate({ 'x-api-key': uncached.key });
            if (!result.ok) throw Object.assign(new Error(result.failure.code), { code: result.failure.code });
          })),
        );
        for (const { error, ms } of requests) {
          expect((error as { code?: unknown } | null)?.code).toBe('auth_unavailable');
          expect(ms).toBeLessThan(STORE_TIMEOUT_MS + SLACK_MS);
        }
        // The management path: every key-manager call answers store_unavailable, never hangs.
        const calls = [
          () => server.keys.list('user_silent'),
          () => server.keys.get(managed.record.id),
          () => server.keys.create({ ownerId: 'user_silent', orgId: 'acme', nickname: 'during' }),
          () => server.keys.revoke(managed.record.id),
          () => server.keys.rotate(managed.record.id),
        ];
        for (const call of calls) {
          const { error, ms } = await timed(call);
          expect((error as { code?: unknown } | null)?.code).toBe('store_unavailable');
          expect(ms).toBeLessThan(STORE_TIMEOUT_MS + SLACK_MS);
        }
        // Revoked elsewhere during the silence: the event is dropped with everything else.
        await context.writer().keys.revoke(cached.record.id);
        await outage;
      } finally {
        proxy.resume();
      }
      const back = Date.now();
      const fresh = await context.createKey();
      await waitFor(async () => {
        const results = await Promise.all([uncached.key, fresh.key].map((key) => server.authenticate({ 'x-api-key': key })));
        return results.every((r) => r.ok);
      }, 2_000);
      expect(Date.now() - back).toBeLessThan(2_000 + SLACK_MS);
      expect((await server.keys.get(managed.record.id))?.id).toBe(managed.record.id);
      // The channel was found silent and reopened with a reset: the cached key is dropped.
      await waitFor(async () => {
        const result = await server.authenticate({ 'x-api-key': cached.key });
        return !result.ok && result.failure.code === 'revoked_api_key';
      }, 10_000);
    } finally {
      proxy.resume();
      await server.close();
      await own.close();
    }
  }, 30_000);
}
