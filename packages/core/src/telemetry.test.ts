import { SpanStatusCode } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { apiKey, setup, waitFor } from '../test/helpers.js';
import { MemoryKeyStore } from './store/memory-store.js';
import type { InvalidationEvent, InvalidationReset } from './store/key-store.js';
import { MemoryRateLimitStore } from './ratelimit/memory-rate-limit-store.js';
import { openTelemetry } from './telemetry.js';

/** A memory store whose channel can be interrupted: its subscribers then hear a `reset`. */
class GappyStore extends MemoryKeyStore {
  readonly #listeners: ((event: InvalidationEvent | InvalidationReset) => void)[] = [];
  override async subscribe(onEvent: (event: InvalidationEvent | InvalidationReset) => void) {
    this.#listeners.push(onEvent);
    return super.subscribe(onEvent);
  }
  gap() {
    for (const listener of this.#listeners) listener({ type: 'reset' });
  }
}

/** A pull reader: the test collects when it wants. */
class TestReader extends MetricReader {
  protected onShutdown = () => Promise.resolve();
  protected onForceFlush = () => Promise.resolve();
}

function instrumented(overrides: Parameters<typeof setup>[0] = {}) {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const ctx = setup({ telemetry: openTelemetry({ meterProvider, tracerProvider }), ...overrides });
  /** Data points of one metric: [attributes, value]. */
  const points = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []).map((p: DataPoint<unknown>) => [p.attributes, p.value] as const);
  };
  return { ...ctx, points, spans: () => exporter.getFinishedSpans() };
}

describe('openTelemetry()', () => {
  it('counts outcomes (error.type = failure code), cache hits and misses, and times them', async () => {
    const { keyward, points, spans } = instrumented();
    const { key } = await keyward.keys.create({ ownerId: 'u1', nickname: 'a' });
    await keyward.authenticate(apiKey(key)); // miss: a store lookup
    await keyward.authenticate(apiKey(key)); // hit
    await keyward.authenticate(apiKey(key)); // hit
    await keyward.authenticate({});
    await keyward.authenticate({}, { optional: true });
    expect(await points('keyward.authn.outcomes')).toEqual([
      [{ 'keyward.authn.outcome': 'success', 'keyward.credential.type': 'api_key' }, 3],
      [{ 'keyward.authn.outcome': 'failure', 'error.type': 'missing_credentials', 'keyward.credential.type': 'none' }, 1],
      [{ 'keyward.authn.outcome': 'success', 'keyward.credential.type': 'none' }, 1],
    ]);
    expect(await points('keyward.cache.hits')).toEqual([[{}, 2]]);
    expect(await points('keyward.cache.misses')).toEqual([[{}, 1]]);
    const durations = (await points('keyward.authn.duration')) as (readonly [unknown, Histogram])[];
    expect(durations.map(([, histogram]) => histogram.count)).toEqual([3, 1, 1]);
    expect((await points('keyward.store.lookup.duration'))).toHaveLength(1);
    // Spans: the create and the one store lookup; none for cache hits.
    expect(spans().map((s) => s.name)).toEqual(['keyward.keys.create', 'keyward.store.lookup']);
    expect(spans().every((s) => s.status.code !== SpanStatusCode.ERROR)).toBe(true);
  });

  it('a store failure is a span error and a failure count; a 4xx management outcome is not a span error', async () => {
    const { keyward, store, points, spans } = instrumented();
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', nickname: 'a' });
    await expect(keyward.keys.revoke('key_missing')).rejects.toMatchObject({ code: 'not_found' });
    store.fail('error');
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(false);
    await expect(keyward.keys.revoke(record.id)).rejects.toMatchObject({ code: 'store_unavailable' });
    const byName = (name: string) => spans().filter((s) => s.name === name);
    expect(byName('keyward.keys.revoke').map((s) => [s.attributes['error.type'], s.status.code])).toEqual([
      ['not_found', SpanStatusCode.UNSET],
      ['store_unavailable', SpanStatusCode.ERROR],
    ]);
    expect(byName('keyward.store.lookup').map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR]);
    expect(await points('keyward.store.lookup.failures')).toEqual([[{ 'error.type': 'Error' }, 1]]);
    expect(await points('keyward.authn.outcomes')).toEqual([[{ 'keyward.authn.outcome': 'failure', 'error.type': 'auth_unavailable', 'keyward.credential.type': 'api_key' }, 1]]);
  });

  it('counts rate-limit decisions and invalidation events', async () => {
    const rateLimit = { store: new MemoryRateLimitStore(), limits: [{ name: 'per-minute', limit: 1, windowSeconds: 60 }] };
    const store = new GappyStore();
    const { keyward, points } = instrumented({ rateLimit, store });
    await keyward.ready;
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', nickname: 'a' });
    const auth = await keyward.authenticate(apiKey(key));
    if (!auth.ok) throw new Error('expected a principal');
    await keyward.limit(auth.principal);
    await keyward.limit(auth.principal);
    expect(await points('keyward.ratelimit.decisions')).toEqual([
      [{ 'keyward.ratelimit.decision': 'allowed' }, 1],
      [{ 'keyward.ratelimit.decision': 'rate_limited' }, 1],
    ]);
    await keyward.keys.revoke(record.id); // published, and heard back by this instance
    store.gap();
    await waitFor(async () => (await points('keyward.invalidation.events')).length > 0);
    expect(await points('keyward.invalidation.events')).toEqual([[{}, 1]]);
    expect(await points('keyward.invalidation.gaps')).toEqual([[{}, 1]]);
  });
});
