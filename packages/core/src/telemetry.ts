/**
 * OpenTelemetry metrics and traces for keyward. The only module of `@keyward/core` that imports
 * `@opentelemetry/api` (an optional peer dependency): applications that never import this entry
 * need not install it, and core pays nothing for telemetry it does not have.
 *
 * @example
 * ```ts
 * import { createKeyward } from '@keyward/core';
 * import { openTelemetry } from '@keyward/core/telemetry';
 * const keyward = createKeyward({ store, prefixes: ['eck_live_'], telemetry: openTelemetry() });
 * ```
 *
 * @module
 */
import { SpanStatusCode, metrics, trace } from '@opentelemetry/api';
import type { Attributes, MeterProvider, Span, TracerProvider } from '@opentelemetry/api';
import type { KeywardTelemetry } from './telemetry/hooks.js';

export type { KeywardTelemetry } from './telemetry/hooks.js';

/** Options of {@link openTelemetry}. */
export interface OpenTelemetryOptions {
  /** Where metrics go. Default the global provider (`metrics.getMeterProvider()`) as it is when `openTelemetry()` is called. */
  readonly meterProvider?: MeterProvider;
  /** Where spans go. Default the global provider (`trace.getTracerProvider()`, which follows later registration). */
  readonly tracerProvider?: TracerProvider;
}

const SCOPE = '@keyward/core';
/** Seconds; from a 10 µs cache hit to a slow store. */
const BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** `error.type` of a rejected store call: `timeout` for keyward's store timeout, else the error's class name. */
function errorType(error: unknown): string {
  if (error instanceof Error) return error.name === 'StoreTimeoutError' ? 'timeout' : error.name || 'Error';
  return 'Error';
}

/** A key-manager error that is the caller's (404, 409, 422, ...) is an outcome, not a span error. */
const storeFailure = (error: unknown) => (error as { code?: unknown } | null)?.code === 'store_unavailable' || !(error as { code?: unknown } | null)?.code;

/**
 * Telemetry for `createKeyward({ telemetry })`, on OpenTelemetry: metrics `keyward.authn.outcomes`,
 * `keyward.authn.duration`, `keyward.cache.hits`/`misses`, `keyward.store.lookup.duration`/
 * `failures`, `keyward.ratelimit.decisions`, `keyward.invalidation.events`/`gaps`, and spans for
 * store lookups and key-manager operations (not for cache hits). See docs/telemetry.md.
 *
 * @example
 * ```ts
 * const keyward = createKeyward({ store, prefixes, telemetry: openTelemetry({ meterProvider, tracerProvider }) });
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): KeywardTelemetry {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const outcomes = meter.createCounter('keyward.authn.outcomes', { description: 'Authentications by outcome', unit: '{authentication}' });
  const duration = meter.createHistogram('keyward.authn.duration', { description: 'Time to authenticate a request', unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
  const hits = meter.createCounter('keyward.cache.hits', { description: 'Keys found in the in-process cache', unit: '{lookup}' });
  const misses = meter.createCounter('keyward.cache.misses', { description: 'Keys not in the in-process cache (a store lookup follows)', unit: '{lookup}' });
  const lookupDuration = meter.createHistogram('keyward.store.lookup.duration', { description: 'Time of one key-store lookup', unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
  const lookupFailures = meter.createCounter('keyward.store.lookup.failures', { description: 'Key-store lookups that failed or timed out', unit: '{lookup}' });
  const decisions = meter.createCounter('keyward.ratelimit.decisions', { description: 'Rate-limit decisions by outcome', unit: '{decision}' });
  const invalidations = meter.createCounter('keyward.invalidation.events', { description: 'Invalidation events received from the store', unit: '{event}' });
  const gaps = meter.createCounter('keyward.invalidation.gaps', { description: 'Interruptions of the invalidation channel (every cached key dropped)', unit: '{reset}' });

  // One frozen attribute set per (outcome, credential), built once: the request path allocates nothing.
  type ByCredential = Readonly<Record<'api_key' | 'jwt' | 'none', Attributes>>;
  const byCredential = (base: Attributes): ByCredential => ({
    api_key: Object.freeze({ ...base, 'keyward.credential.type': 'api_key' }),
    jwt: Object.freeze({ ...base, 'keyward.credential.type': 'jwt' }),
    none: Object.freeze({ ...base, 'keyward.credential.type': 'none' }),
  });
  const success = byCredential({ 'keyward.authn.outcome': 'success' });
  const failures = new Map<string, ByCredential>();
  const authnAttributes = (outcome: string, credential: 'api_key' | 'jwt' | 'none'): Attributes => {
    if (outcome === 'success') return success[credential];
    let sets = failures.get(outcome);
    if (sets === undefined) failures.set(outcome, (sets = byCredential({ 'keyward.authn.outcome': 'failure', 'error.type': outcome })));
    return sets[credential];
  };
  const decisionAttributes = new Map<string, Attributes>();

  async function inSpan<T>(name: string, attributes: Attributes, run: () => Promise<T>, onError: (span: Span, error: unknown) => void): Promise<T> {
    const span = tracer.startSpan(name, { attributes });
    try {
      return await run();
    } catch (error) {
      onError(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  return {
    authn(outcome, credential, seconds) {
      const attributes = authnAttributes(outcome, credential);
      outcomes.add(1, attributes);
      duration.record(seconds, attributes);
    },
    cache(hit) {
      (hit ? hits : misses).add(1);
    },
    storeLookup(run) {
      const started = performance.now();
      return inSpan('keyward.store.lookup', { 'keyward.operation': 'findByHash' }, run, (span, error) => {
        const type = errorType(error);
        lookupFailures.add(1, { 'error.type': type });
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: type });
      }).finally(() => lookupDuration.record((performance.now() - started) / 1000));
    },
    rateLimit(decision) {
      let attributes = decisionAttributes.get(decision);
      if (attributes === undefined) decisionAttributes.set(decision, (attributes = Object.freeze({ 'keyward.ratelimit.decision': decision })));
      decisions.add(1, attributes);
    },
    invalidation(kind) {
      (kind === 'reset' ? gaps : invalidations).add(1);
    },
    operation(name, run) {
      return inSpan(`keyward.keys.${name}`, { 'keyward.operation': name }, run, (span, error) => {
        const code = (error as { code?: unknown } | null)?.code;
        span.setAttribute('error.type', typeof code === 'string' ? code : errorType(error));
        if (storeFailure(error)) span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : errorType(error) });
      });
    },
  };
}
