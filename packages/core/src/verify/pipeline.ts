import { timingSafeEqual } from 'node:crypto';
import type { CacheEntry, VerificationCache } from './cache.js';
import type { HeaderInput } from './credentials.js';
import { extractCredential } from './credentials.js';
import type { AuthFailure, FailureOf } from '../errors.js';
import type { KeyHasher } from '../keys/hashing.js';
import type { JwtVerifier } from './jwt.js';
import { looksLikeJwt } from './jwt.js';
import type { KeyPrefix, ParsedKey } from '../keys/key-format.js';
import { parseKey } from '../keys/key-format.js';
import type { Principal } from './principal.js';
import type { ApiKeyRecord, KeyStore } from '../store/key-store.js';
import type { UsageRecorder } from './usage.js';
import { StoreTimeoutError, withStoreTimeout } from '../store/store-timeout.js';
import type { AuthObserver } from '../events/auth-observer.js';

export { StoreTimeoutError } from '../store/store-timeout.js';

/** Result of authentication: a principal, or a failure value. Never an exception. */
export type AuthResult = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly failure: AuthFailure };

/** Result of optional authentication: `principal` is `null` when no credential was sent. */
export type OptionalAuthResult = { readonly ok: true; readonly principal: Principal | null } | { readonly ok: false; readonly failure: AuthFailure };

type Lookup = { readonly entry: CacheEntry } | { readonly failure: FailureOf<'auth_unavailable'> };

/** What the pipeline needs; assembled once by `createKeyward`. */
export interface PipelineParts {
  readonly store: KeyStore;
  readonly prefixes: readonly KeyPrefix[];
  readonly hasher: KeyHasher;
  readonly cache: VerificationCache;
  readonly usage: UsageRecorder;
  readonly apiJwt: JwtVerifier | null;
  readonly now: () => number;
  readonly storeTimeoutMs: number;
  readonly retryAfterSeconds: number;
  readonly maxCredentialLength: number;
  /** Events and telemetry; `null` when neither is configured (the request path then does nothing extra). */
  readonly observer: AuthObserver | null;
}

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

function toPrincipal(record: ApiKeyRecord, prefix: KeyPrefix): Principal {
  return Object.freeze({
    type: 'api_key',
    keyId: record.id,
    ownerId: record.ownerId,
    orgId: record.orgId,
    nickname: record.nickname,
    scopes: Object.freeze([...record.scopes]),
    environment: prefix.environment,
    expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt.getTime()),
    metadata: isEmpty(record.metadata) ? EMPTY : (deepFreeze(structuredClone(record.metadata)) as Readonly<Record<string, unknown>>),
  });
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const isEmpty = (value: object) => {
  for (const _ in value) return false;
  return true;
};

// The principal of a cached key is shared by every request that uses it: nothing in it may change.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The verification pipeline (docs/caching-and-revocation.md): credential → format + checksum → cache → store lookup by
 * hash (concurrent misses share one lookup) → revoked? → expired? → principal.
 */
export class Pipeline {
  /**
   * Lookups in flight, by cache tag, with the epoch they started in. A request shares one only if
   * no invalidation (nor reset) came since it started: a request that starts after an invalidation
   * is never answered from a lookup that started before it.
   */
  readonly #inflight = new Map<string, { readonly epoch: number; readonly lookup: Promise<Lookup> }>();
  /** Bumped by every invalidation and reset; a lookup that started before one neither serves later requests nor fills the cache. */
  #epoch = 0;

  constructor(private readonly parts: PipelineParts) {}

  /**
   * Authenticate from headers. Everything up to a cache hit runs synchronously and settles one
   * promise at the end: chained async functions cost more than the whole cache-hit path.
   */
  authenticate(headers: HeaderInput, optional = false): Promise<AuthResult> {
    const observer = this.parts.observer;
    if (observer === null) return Promise.resolve(this.#authenticate(headers));
    const started = observer.timed ? performance.now() : 0;
    const result = this.#authenticate(headers);
    if (result instanceof Promise) return result.then((r) => (observer.done(r, headers, started, optional), r));
    observer.done(result, headers, started, optional); // a cache hit allocates no closure
    return Promise.resolve(result);
  }

  #authenticate(headers: HeaderInput): AuthResult | Promise<AuthResult> {
    const found = extractCredential(headers, { maxLength: this.parts.maxCredentialLength });
    if (!found.ok) return found;
    const { value, source } = found.credential;
    // Keys never contain '.', so the JWT pattern (a backtracking regex, ~8% of a Bearer cache hit)
    // only runs on values that could be a JWT.
    if (source === 'authorization' && value.includes('.') && looksLikeJwt(value)) {
      return this.parts.apiJwt === null ? { ok: false, failure: { code: 'invalid_api_key', reason: 'jwt_not_accepted' } } : this.parts.apiJwt.verify(value);
    }
    return this.#verifyKey(value, headers);
  }

  #verifyKey(value: string, headers: HeaderInput): AuthResult | Promise<AuthResult> {
    const parsed = parseKey(value, this.parts.prefixes);
    if (!parsed.ok) return { ok: false, failure: { code: 'invalid_api_key', reason: parsed.reason } };
    const { cache } = this.parts;
    const tag = cache.tagOf(value);
    const now = this.parts.now();
    const cached = cache.get(tag);
    const observer = this.parts.observer;
    if (cached !== undefined && cached.freshUntil > now) {
      observer?.cache(true);
      return this.#evaluate(cached, now, headers);
    }
    observer?.cache(false);

    const shared = this.#inflight.get(tag);
    let pending = shared?.epoch === this.#epoch ? shared.lookup : undefined;
    if (pending === undefined) {
      const started = { epoch: this.#epoch, lookup: this.#lookup(parsed.key, tag, cached) };
      started.lookup.finally(() => this.#inflight.get(tag) === started && this.#inflight.delete(tag)).catch(() => undefined);
      this.#inflight.set(tag, started);
      pending = started.lookup;
    }
    return pending.then((lookup) => ('failure' in lookup ? { ok: false, failure: lookup.failure } : this.#evaluate(lookup.entry, this.parts.now(), headers)));
  }

  /** Forget what is cached for a key id (after revocation/rotation, or on an invalidation event). */
  invalidate(keyId: string): void {
    this.#epoch++;
    this.parts.cache.deleteByKeyId(keyId);
  }

  /** Forget everything cached, and every lookup in flight (after a gap in the store's invalidations). */
  reset(): void {
    this.#epoch++;
    this.parts.cache.clear();
  }

  #evaluate(entry: CacheEntry, now: number, headers: HeaderInput): AuthResult {
    if (entry.kind === 'not_found') return { ok: false, failure: { code: 'invalid_api_key', reason: 'not_found' } };
    if (entry.revoked) {
      this.parts.observer?.reuse(entry.principal, 'revoked', headers);
      return { ok: false, failure: { code: 'revoked_api_key', keyId: entry.keyId } };
    }
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      if (entry.replaced) this.parts.observer?.reuse(entry.principal, 'rotated', headers);
      return { ok: false, failure: { code: 'expired_api_key', keyId: entry.keyId } };
    }
    this.parts.usage.record(entry.keyId, now);
    return { ok: true, principal: entry.principal };
  }

  async #lookup(parsed: ParsedKey, tag: string, stale: CacheEntry | undefined): Promise<Lookup> {
    const { hasher, cache, store, observer } = this.parts;
    const epoch = this.#epoch;
    let record: ApiKeyRecord | null = null;
    try {
      for (const fn of [hasher.current, ...hasher.previous]) {
        const hash = fn.hash(parsed.key);
        const find = () => withStoreTimeout(store.findByHash(hash), this.parts.storeTimeoutMs);
        const candidate = await (observer === null ? find() : observer.lookup(find));
        // Defence in depth: the store's index must have matched exactly (constant-time compare).
        if (candidate !== null && sameHex(candidate.hash, hash) && candidate.prefix === parsed.prefix.prefix) {
          record = candidate;
          break;
        }
      }
    } catch (error) {
      const now = this.parts.now();
      if (stale !== undefined && stale.kind === 'key' && cache.staleIfErrorMs > 0 && stale.freshUntil + cache.staleIfErrorMs > now) {
        return { entry: stale };
      }
      const reason = error instanceof StoreTimeoutError ? 'store_timeout' : 'store_error';
      return { failure: { code: 'auth_unavailable', reason, retryAfterSeconds: this.parts.retryAfterSeconds } };
    }
    const now = this.parts.now();
    const entry: CacheEntry =
      record === null
        ? { kind: 'not_found', freshUntil: now + cache.negativeTtlMs }
        : {
            kind: 'key',
            principal: toPrincipal(record, parsed.prefix),
            keyId: record.id,
            expiresAt: record.expiresAt === null ? null : record.expiresAt.getTime(),
            revoked: record.revokedAt !== null,
            replaced: record.replacedById !== null,
            freshUntil: now + cache.ttlMs,
          };
    if (epoch === this.#epoch) cache.set(tag, entry);
    return { entry };
  }
}
