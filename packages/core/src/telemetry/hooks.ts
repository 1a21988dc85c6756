/**
 * What keyward reports to a metrics/tracing backend. `@keyward/core/telemetry` implements it with
 * OpenTelemetry (`openTelemetry()`); any object with these members works (a Prometheus client, a
 * test double). Without one, core calls nothing: the cache-hit path pays a `null` check.
 *
 * @example
 * ```ts
 * import { openTelemetry } from '@keyward/core/telemetry';
 * const keyward = createKeyward({ store, prefixes, telemetry: openTelemetry() });
 * ```
 */
export interface KeywardTelemetry {
  /**
   * One authentication ended: `outcome` is `success` or the failure code, `credential` what was
   * presented (`api_key`, `jwt` or `none`), `seconds` how long it took.
   */
  authn(outcome: string, credential: 'api_key' | 'jwt' | 'none', seconds: number): void;
  /** A key was looked up in the in-process cache. */
  cache(hit: boolean): void;
  /** Run one store lookup (a span, its duration, a failure count when it rejects). */
  storeLookup<T>(run: () => Promise<T>): Promise<T>;
  /** One rate-limit decision: `allowed`, `rate_limited`, `quota_exceeded` or `unavailable`. */
  rateLimit(decision: string): void;
  /** An invalidation event arrived (`event`), or the channel came back after a gap (`reset`). */
  invalidation(kind: 'event' | 'reset'): void;
  /** Run one key-manager operation (`create`, `update`, `rotate`, `revoke`, ...) inside a span. */
  operation<T>(name: string, run: () => Promise<T>): Promise<T>;
}

/** Checks the shape of the `telemetry` option (done once, by `createKeyward`). */
export const TELEMETRY_MEMBERS = ['authn', 'cache', 'storeLookup', 'rateLimit', 'invalidation', 'operation'] as const satisfies readonly (keyof KeywardTelemetry)[];
