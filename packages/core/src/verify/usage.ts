import type { KeyStore } from '../store/key-store.js';

/** `lastUsedAt` batching; `false` turns recording off. */
export interface UsageOptions {
  /** How often pending uses are written in one batch (default 30 000 ms). */
  readonly flushIntervalMs?: number;
  /**
   * Flush early when this many keys are pending (default 100 000, about 10 MB of pending entries):
   * a memory bound, not the normal trigger, so that a busy instance still writes once per interval.
   */
  readonly maxBatch?: number;
}

/** Default of {@link UsageOptions.maxBatch}. */
export const DEFAULT_USAGE_MAX_BATCH = 100_000;

/**
 * Records `lastUsedAt` without a store write per request: uses are kept in memory (one entry per
 * key, last use wins) and written with one `touchLastUsed` call per interval, when `maxBatch` keys
 * are pending (a memory bound), and on `close()`. A failed flush keeps its entries for the next one.
 */
export class UsageRecorder {
  #pending = new Map<string, number>();
  #flushing: Promise<void> | null = null;
  readonly #timer: ReturnType<typeof setInterval> | null;
  readonly #maxBatch: number;

  constructor(
    private readonly store: KeyStore,
    options: UsageOptions | false,
    private readonly onError: (error: unknown) => void,
  ) {
    this.#maxBatch = options === false ? 0 : (options.maxBatch ?? DEFAULT_USAGE_MAX_BATCH);
    const interval = options === false ? 0 : (options.flushIntervalMs ?? 30_000);
    this.#timer = interval > 0 ? setInterval(() => void this.flush(), interval) : null;
    this.#timer?.unref();
  }

  /** Note a successful use of `keyId` at `at` (ms). */
  record(keyId: string, at: number): void {
    if (this.#maxBatch === 0) return;
    this.#pending.set(keyId, at);
    if (this.#pending.size >= this.#maxBatch && this.#flushing === null) void this.flush();
  }

  /** A use recorded here but not yet written, if any. */
  pendingFor(keyId: string): number | undefined {
    return this.#pending.get(keyId);
  }

  /** Write all pending uses now. Concurrent calls share one write. */
  flush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing.then(() => (this.#pending.size > 0 ? this.flush() : undefined));
    if (this.#pending.size === 0) return Promise.resolve();
    const batch = this.#pending;
    this.#pending = new Map();
    const entries = [...batch].map(([id, at]) => ({ id, lastUsedAt: new Date(at) }));
    this.#flushing = this.store
      .touchLastUsed(entries)
      .catch((error: unknown) => {
        for (const [id, at] of batch) if ((this.#pending.get(id) ?? -1) < at) this.#pending.set(id, at);
        this.onError(error);
      })
      .finally(() => {
        this.#flushing = null;
      });
    return this.#flushing;
  }

  /** Stop the timer and write what is pending. */
  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.flush();
  }
}
