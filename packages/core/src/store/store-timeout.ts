import type { KeyStore } from './key-store.js';

/** The store did not answer within `storeTimeoutMs`. */
export class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`key store did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** `promise`, or a {@link StoreTimeoutError} after `ms` (no limit when `ms` is not positive). */
export function withStoreTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!(ms > 0)) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Every member of {@link KeyStore}, and whether a call to it is bounded (a data call or `publish`)
 * or passed through (`subscribe`, `close`): a member added to the contract must be listed here, or
 * this fails to compile, so no store method can go missing from the bounded store.
 */
const MEMBERS = {
  findByHash: true, getById: true, insert: true, listByOwner: true, listByOrg: true, appendAudit: true, listAudit: true, revoke: true, rotate: true, update: true, touchLastUsed: true, publish: true,
  subscribe: false, close: false,
} as const satisfies Record<keyof KeyStore, boolean>;

/**
 * `store` with every data call and `publish` bounded by `ms`: a store that stops answering (a
 * silent connection) makes the caller fail with {@link StoreTimeoutError} instead of waiting for
 * ever. The management path (key manager) and usage writes use it, as the request path does, so
 * no caller hangs on a silent store. `subscribe` and `close` are passed through.
 */
export function boundedStore(store: KeyStore, ms: number): KeyStore {
  if (!(ms > 0)) return store;
  const bounded: Record<string, unknown> = {};
  for (const [name, bound] of Object.entries(MEMBERS) as [keyof KeyStore, boolean][]) {
    const method = store[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (method === undefined) continue;
    bounded[name] = bound ? (...args: unknown[]) => withStoreTimeout(method.apply(store, args), ms) : method.bind(store);
  }
  return bounded as unknown as KeyStore;
}
