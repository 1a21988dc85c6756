import type { CacheOptions } from './verify/cache.js';
import { VerificationCache } from './verify/cache.js';
import type { HeaderInput } from './verify/credentials.js';
import { DEFAULT_MAX_CREDENTIAL_LENGTH } from './verify/credentials.js';
import type { AuthFailure } from './errors.js';
import { KeywardConfigError } from './errors.js';
import type { PepperOption } from './keys/hashing.js';
import { createKeyHasher } from './keys/hashing.js';
import type { JwtVerifierOptions } from './verify/jwt.js';
import { createJwtVerifier } from './verify/jwt.js';
import type { KeyPrefix } from './keys/key-format.js';
import { normalizePrefixes } from './keys/key-format.js';
import type { KeyManagerOptions } from './keys/key-manager.js';
import { KeyManager } from './keys/key-manager.js';
import type { AuthResult, OptionalAuthResult } from './verify/pipeline.js';
import { Pipeline } from './verify/pipeline.js';
import type { FailureResponse, ResponseOptions } from './http/responses.js';
import { createFailureResponder } from './http/responses.js';
import { registerManagementContext } from './management/context.js';
import type { Runtime } from './runtime.js';
import { defaultRuntime } from './runtime.js';
import type { KeyStore } from './store/key-store.js';
import { boundedStore } from './store/store-timeout.js';
import { subscribeUntilLive } from './store/subscription.js';
import type { UsageOptions } from './verify/usage.js';
import { UsageRecorder } from './verify/usage.js';
import { checkKeywardOptions } from './keyward-options.js';
import type { Principal } from './verify/principal.js';
import type { RateLimitOptions, RateLimitResult } from './ratelimit/limiter.js';
import { Limiter, checkCost } from './ratelimit/limiter.js';
import type { EventOptions, KeywardEvent } from './events/types.js';
import { EventHub } from './events/hub.js';
import { createAuthObserver } from './events/auth-observer.js';
import type { RespondContext } from './events/request-events.js';
import { createLimitObserver, reportAuthz } from './events/request-events.js';
import { registerEventContext } from './events/registry.js';
import type { KeywardTelemetry } from './telemetry/hooks.js';
import { traceKeyOperations } from './telemetry/trace-keys.js';

/** Options of {@link createKeyward}. Checked once; unknown options are an error naming them. */
export interface KeywardOptions {
  /** Where key records live (`MemoryKeyStore`, `PostgresKeyStore`, `RedisKeyStore`, ...). */
  readonly store: KeyStore;
  /** Accepted key prefixes, e.g. `['eck_live_', 'eck_test_']`; the first one mints by default. */
  readonly prefixes: ReadonlyArray<string | KeyPrefix>;
  /** Pepper(s) for HMAC-SHA256 at rest. Without one keys are hashed with plain SHA-256 (warned in production). */
  readonly pepper?: PepperOption;
  /** JWT verification for management tokens (`/auth/api-keys` routes). */
  readonly jwt?: JwtVerifierOptions;
  /** Also accept JWT bearers on API routes: `true` uses `jwt`, or give separate options. Default false. */
  readonly acceptJwt?: boolean | JwtVerifierOptions;
  /** Verification cache; `false` disables it. */
  readonly cache?: CacheOptions | false;
  /** `lastUsedAt` batching; `false` disables recording. */
  readonly usage?: UsageOptions | false;
  /** Key-manager rules (allowed scopes, ...). */
  readonly keys?: KeyManagerOptions;
  /** Shape of failure responses. */
  readonly responses?: ResponseOptions;
  /** Rate limits and usage quotas of authenticated requests (none by default). See `keyward.limit`. */
  readonly rateLimit?: RateLimitOptions;
  /** A store call slower than this (ms) is an outage: 503 (default 2 000). */
  readonly storeTimeoutMs?: number;
  /** `Retry-After` on 503 (default 5 s). */
  readonly retryAfterSeconds?: number;
  /** Longest credential accepted (default 4096 characters). */
  readonly maxCredentialLength?: number;
  /**
   * Receives audit and security events (docs/events.md). A listener that throws is logged once per
   * event type and never breaks a request. Management events are also written with
   * `store.appendAudit` when the store keeps audit records, listener or not.
   */
  readonly onEvent?: (event: KeywardEvent) => unknown;
  /** Event settings: `authnFailIntervalMs` (default 60 000), how long failures are counted per event. */
  readonly events?: EventOptions;
  /** Metrics and traces: `openTelemetry()` from `@keyward/core/telemetry` (docs/telemetry.md). None by default. */
  readonly telemetry?: KeywardTelemetry;
  /** Where warnings go (never containing key material); `false` silences them. Default `console`. */
  readonly logger?: { warn(message: string): void } | false;
  /** Treat as production (warn when unpeppered). Default `process.env.NODE_ENV === 'production'`. */
  readonly production?: boolean;
  /** Clock, in ms since the epoch (tests). */
  readonly now?: () => number;
  /** CSPRNG bytes (tests). */
  readonly random?: (length: number) => Uint8Array;
}

/** A configured keyward instance: everything the framework adapters need. */
export interface Keyward {
  /** Authenticate an API request from its headers. Never throws. */
  authenticate(headers: HeaderInput): Promise<AuthResult>;
  /** Same, but a request with no credential at all is anonymous (`principal: null`); a bad one still fails. */
  authenticate(headers: HeaderInput, options: { readonly optional: true }): Promise<OptionalAuthResult>;
  /**
   * The one rate-limit decision of a request, made by the adapter right after authentication:
   * spends `cost` (default 1) from every limit and quota of the principal, atomically. Returns the
   * headers to add (`RateLimit`, `RateLimit-Policy`), or the 429 failure for `respond`. Pass the
   * request's earlier result as `previous` when another guard asks again: only the difference of
   * costs is charged, so a request is counted once however many guards run. A value (no promise)
   * when decided locally: no limits, an anonymous caller, a counter known to be exhausted, or a
   * store that answers synchronously.
   */
  limit(principal: Principal | null, options?: { readonly cost?: number; readonly previous?: RateLimitResult }): RateLimitResult | Promise<RateLimitResult>;
  /**
   * Map a failure to `{ status, headers, body, json }` (the HTTP contract, docs/http-contract.md).
   * Adapters pass the request's `context` (principal, headers): a guard's refusal is then reported
   * as an `authz_fail` event with its actor and request id.
   */
  respond(failure: AuthFailure, context?: RespondContext): FailureResponse;
  /** The key manager: create, list, get, revoke, rotate. */
  readonly keys: KeyManager;
  /** Accepted prefixes (longest first). */
  readonly prefixes: readonly KeyPrefix[];
  /** Drop what this instance caches for a key id. */
  invalidate(keyId: string): void;
  /** Write pending `lastUsedAt` values now. */
  flushUsage(): Promise<void>;
  /** Resolves once the store's invalidation subscription (if any) is active. */
  readonly ready: Promise<void>;
  /** Flush usage, unsubscribe, stop timers. Does not close the user's store client. */
  close(): Promise<void>;
}


/**
 * Configure keyward once per application.
 *
 * @example
 * ```ts
 * import { createKeyward, MemoryKeyStore } from '@keyward/core';
 * const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_', 'eck_test_'], pepper: process.env.KEYWARD_PEPPER });
 * const { key } = await keyward.keys.create({ ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] });
 * const result = await keyward.authenticate({ 'x-api-key': key }); // { ok: true, principal }
 * ```
 */
export function createKeyward(options: KeywardOptions): Keyward {
  const o = checkKeywardOptions(options);
  const runtime: Runtime = { now: o.now ?? defaultRuntime.now, random: o.random ?? defaultRuntime.random };
  const logger = o.logger === false ? null : (o.logger ?? console);
  const warn = (message: string) => logger?.warn(message);
  const prefixes = normalizePrefixes(o.prefixes);
  const first = typeof o.prefixes[0] === 'string' ? o.prefixes[0] : o.prefixes[0]!.prefix;
  const hasher = createKeyHasher(o.pepper);
  if (!hasher.peppered && (o.production ?? process.env.NODE_ENV === 'production')) {
    warn('keyward: no pepper configured; API keys are hashed with plain SHA-256. Set `pepper` in production.');
  }
  const retryAfterSeconds = o.retryAfterSeconds ?? 5;
  const cache = new VerificationCache(o.cache ?? {}, runtime.random(16));
  const storeTimeoutMs = o.storeTimeoutMs ?? 2_000;
  // The key manager and usage writes get the same bound as lookups: a silent store never hangs a caller.
  const bounded = boundedStore(o.store, storeTimeoutMs);
  // A flush writes up to `maxBatch` keys at once: it is bounded by its interval, not by one lookup's timeout.
  const usageTimeoutMs = o.usage === false ? storeTimeoutMs : Math.max(storeTimeoutMs, o.usage?.flushIntervalMs ?? 30_000);
  const usage = new UsageRecorder(boundedStore(o.store, usageTimeoutMs), o.usage ?? {}, () => warn('keyward: could not write lastUsedAt; will retry on the next flush'));
  const jwtContext = { now: runtime.now, retryAfterSeconds };
  const managementJwt = o.jwt === undefined ? null : createJwtVerifier(o.jwt, jwtContext);
  const apiJwtOptions = o.acceptJwt === true ? o.jwt : o.acceptJwt === false || o.acceptJwt === undefined ? undefined : o.acceptJwt;
  if (o.acceptJwt === true && o.jwt === undefined) throw new KeywardConfigError('acceptJwt: true needs the jwt option');
  const apiJwt = apiJwtOptions === undefined ? null : apiJwtOptions === o.jwt ? managementJwt : createJwtVerifier(apiJwtOptions, jwtContext);
  const maxCredentialLength = o.maxCredentialLength ?? DEFAULT_MAX_CREDENTIAL_LENGTH;
  const telemetry = o.telemetry ?? null;
  const hub = new EventHub({ listener: o.onEvent ?? null, store: bounded, now: runtime.now, random: runtime.random, warn, intervalMs: o.events?.authnFailIntervalMs ?? 60_000 });
  const pipeline = new Pipeline({
    store: o.store,
    prefixes,
    hasher,
    cache,
    usage,
    apiJwt,
    now: runtime.now,
    storeTimeoutMs,
    retryAfterSeconds,
    maxCredentialLength,
    observer: createAuthObserver({ hub, telemetry, prefixes, maxLength: maxCredentialLength, now: runtime.now }),
  });
  const invalidate = (keyId: string) => pipeline.invalidate(keyId);
  const keys = new KeyManager({
    store: bounded,
    hasher,
    prefixes,
    mintPrefix: prefixes.find((p) => p.prefix === first)!,
    runtime,
    options: o.keys ?? {},
    invalidate,
    pendingUse: (id) => usage.pendingFor(id),
    warn,
    events: hub,
  });
  if (telemetry !== null) traceKeyOperations(keys, telemetry);
  const respondTo = createFailureResponder(o.responses);
  const respond = (failure: AuthFailure, context?: RespondContext): FailureResponse => {
    reportAuthz(hub, runtime.now, failure, context);
    return respondTo(failure);
  };
  const limiter = o.rateLimit === undefined ? null : new Limiter(o.rateLimit, { now: runtime.now, timeoutMs: o.rateLimit.timeoutMs ?? o.storeTimeoutMs ?? 2_000, retryAfterSeconds, warn });
  const unlimited: RateLimitResult = Object.freeze({ ok: true, headers: Object.freeze({}), cost: 0 });
  const limitObserver = limiter === null ? null : createLimitObserver(hub, telemetry, runtime.now);
  function limit(principal: Principal | null, options?: { readonly cost?: number; readonly previous?: RateLimitResult }): RateLimitResult | Promise<RateLimitResult> {
    if (limiter === null) return options?.previous ?? unlimited;
    const cost = options?.cost ?? 1;
    checkCost('keyward.limit', cost);
    const result = limiter.limit(principal, cost, options?.previous);
    if (limitObserver === null) return result;
    const seen = (r: RateLimitResult) => (limitObserver(r, principal), r);
    return result instanceof Promise ? result.then(seen) : seen(result);
  }

  const subscription = subscribeUntilLive(
    o.store,
    (event) => {
      telemetry?.invalidation(event.type === 'reset' ? 'reset' : 'event');
      if (event.type !== 'reset') return invalidate(event.keyId);
      pipeline.reset();
      warn('keyward: the store invalidation channel was interrupted and is back; cached keys were dropped');
    },
    warn,
  );

  function authenticate(headers: HeaderInput, opts?: { readonly optional: true }): Promise<OptionalAuthResult> {
    const optional = opts?.optional === true;
    const result = pipeline.authenticate(headers, optional);
    if (!optional) return result;
    return result.then((r) => (!r.ok && r.failure.code === 'missing_credentials' ? { ok: true, principal: null } : r));
  }

  const keyward: Keyward = {
    authenticate: authenticate as Keyward['authenticate'],
    limit,
    respond,
    keys,
    prefixes,
    invalidate,
    flushUsage: () => usage.flush(),
    ready: subscription.ready,
    async close() {
      await usage.close();
      await subscription.close();
      hub.close();
      cache.clear();
    },
  };
  registerEventContext(keyward, { hub, store: bounded, now: runtime.now });
  // What the management API (management/) needs beyond the public members; reachable only inside core.
  registerManagementContext(keyward, {
    jwt: managementJwt,
    prefixes,
    maxCredentialLength,
    realm: o.responses?.realm ?? 'keyward',
    retryAfterSeconds,
    allowedScopes: o.keys?.allowedScopes,
    defaultScopes: o.keys?.defaultScopes ?? [],
    warn,
  });
  return keyward;
}

