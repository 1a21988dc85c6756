import { hash as nativeHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Principal } from './principal.js';

/** What the cache remembers about one key: a usable principal, or why there is none. */
export type CacheEntry =
  | {
      readonly kind: 'key';
      readonly principal: Principal;
      readonly keyId: string;
      /** The key's expiry in ms (`null` = never); checked on every read. */
      readonly expiresAt: number | null;
      readonly revoked: boolean;
      /** A rotation replaced the key (its expiry is then the end of the grace period). */
      readonly replaced: boolean;
      /** Until when the entry may be served without asking the store. */
      readonly freshUntil: number;
    }
  | { readonly kind: 'not_found'; readonly freshUntil: number };

/** Cache settings; `false` turns caching off (every request asks the store). */
export interface CacheOptions {
  /** Most found keys kept (default 10 000). */
  readonly max?: number;
  /**
   * Most "no such key" results kept (default a quarter of `max`). Kept apart from found keys, so a
   * flood of made-up keys with valid checksums cannot evict the keys of real clients.
   */
  readonly negativeMax?: number;
  /** How long a found key is served from memory (default 30 000 ms). Also bounds how late an instance without invalidation channel learns of a revocation. */
  readonly ttlMs?: number;
  /** How long "no such key" is remembered (default 2 000 ms). */
  readonly negativeTtlMs?: number;
  /** Serve a found key for this long past `ttlMs` while the store is failing (default 0: off). */
  readonly staleIfErrorMs?: number;
}

/**
 * The in-process cache of verification results. Keyed by a per-instance salted SHA-256 of the key
 * (native one-shot hash, ~0.7 µs), never by the raw key; the salt is random per instance so the
 * cache keys are unrelated to the hashes at rest. A second index maps key ids to cache keys so
 * that revocation and invalidation events can drop entries by id.
 */
export class VerificationCache {
  readonly #lru: LRUCache<string, CacheEntry> | null;
  readonly #negative: LRUCache<string, CacheEntry> | null;
  readonly #byKeyId = new Map<string, string>();
  readonly #salt: string;
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
  readonly staleIfErrorMs: number;

  constructor(options: CacheOptions | false, salt: Uint8Array) {
    this.#salt = Buffer.from(salt).toString('base64');
    this.ttlMs = options === false ? 0 : (options.ttlMs ?? 30_000);
    this.negativeTtlMs = options === false ? 0 : (options.negativeTtlMs ?? 2_000);
    this.staleIfErrorMs = options === false ? 0 : (options.staleIfErrorMs ?? 0);
    const max = options === false ? 0 : (options.max ?? 10_000);
    // No TTL inside lru-cache, for found keys or "no such key": freshness is the entry's
    // `freshUntil`, which the pipeline checks on every read anyway, so a hit reads the clock once
    // instead of twice (and lru-cache keeps no per-slot timestamps). lru-cache never purged expired
    // entries on its own either (no `ttlAutopurge`): a stale entry stays until the next lookup
    // replaces it or LRU order evicts it, as before.
    this.#lru =
      options === false
        ? null
        : new LRUCache<string, CacheEntry>({
            max,
            dispose: (entry, tag) => {
              if (entry.kind === 'key' && this.#byKeyId.get(entry.keyId) === tag) this.#byKeyId.delete(entry.keyId);
            },
          });
    this.#negative =
      options === false || this.negativeTtlMs <= 0
        ? null
        : new LRUCache<string, CacheEntry>({
            max: options.negativeMax ?? Math.max(1, Math.floor(max / 4)),
          });
  }

  /** The cache key for a (validated, ASCII) API key. */
  tagOf(key: string): string {
    return nativeHash('sha256', this.#salt + key, 'base64');
  }

  get(tag: string): CacheEntry | undefined {
    return this.#lru?.get(tag) ?? this.#negative?.get(tag);
  }

  set(tag: string, entry: CacheEntry): void {
    if (entry.kind === 'not_found') {
      // A stale found entry would shadow the negative one in `get` (found keys are read first).
      this.#lru?.delete(tag);
      this.#negative?.set(tag, entry);
      return;
    }
    if (this.#lru === null || this.ttlMs + this.staleIfErrorMs <= 0) return;
    this.#negative?.delete(tag);
    this.#lru.set(tag, entry);
    this.#byKeyId.set(entry.keyId, tag);
  }

  /** Drop whatever is cached for this key id. True when something was dropped. */
  deleteByKeyId(keyId: string): boolean {
    const tag = this.#byKeyId.get(keyId);
    if (tag === undefined) return false;
    this.#byKeyId.delete(keyId);
    return this.#lru?.delete(tag) ?? false;
  }

  clear(): void {
    this.#lru?.clear();
    this.#negative?.clear();
    this.#byKeyId.clear();
  }
}
