import type { KeyStore } from '@keyward/core/store';

/** The data methods of a {@link KeyStore} that {@link createFaultyStore} counts. */
export type CountedStoreMethod = 'findByHash' | 'getById' | 'insert' | 'listByOwner' | 'listByOrg' | 'revoke' | 'rotate' | 'update' | 'touchLastUsed';

/**
 * How a {@link FaultyStore} misbehaves.
 *
 * - `error`: every call rejects at once with `Error('store unavailable (injected)')`.
 * - `hang`: every call returns a promise that stays pending (a store that times out).
 */
export type FaultMode = 'error' | 'hang';

/** A real {@link KeyStore} wrapped with outage controls and call counters. */
export interface FaultyStore extends KeyStore {
  /**
   * Switch the fault on (`'error'`, `'hang'`) or off (`null`). Leaving `'hang'` rejects every
   * call still pending with `Error('store call abandoned (injected hang released)')`, so tests
   * leak no promises; those rejections never count as unhandled.
   */
  fail(mode: FaultMode | null): void;
  /** The current fault, `null` when calls go through to the inner store. */
  readonly mode: FaultMode | null;
  /** Calls still pending because of `'hang'`. */
  readonly pending: number;
  /** Calls per method since creation or the last {@link FaultyStore.resetCalls}, faulted calls included. */
  readonly calls: Readonly<Record<CountedStoreMethod, number>>;
  /** Sets every counter in {@link FaultyStore.calls} back to 0. */
  resetCalls(): void;
  /** The wrapped store. */
  readonly inner: KeyStore;
}

const METHODS: readonly CountedStoreMethod[] = ['findByHash', 'getById', 'insert', 'listByOwner', 'listByOrg', 'revoke', 'rotate', 'update', 'touchLastUsed'];

/** Message of the error every call rejects with in `'error'` mode. */
export const INJECTED_ERROR_MESSAGE = 'store unavailable (injected)';
/** Message of the error pending calls reject with when `'hang'` is switched off. */
export const RELEASED_HANG_MESSAGE = 'store call abandoned (injected hang released)';

/**
 * Wraps a real store so that tests can simulate an outage (`fail('error')`), a store that never
 * answers (`fail('hang')`), and count the calls that reach it (a cache hit must not call
 * `findByHash`, ...). With no fault it forwards every call unchanged, so it passes the store
 * contract itself. `publish`/`subscribe`/`appendAudit`/`listAudit`/`close` exist only when the
 * inner store has them; all but `close` obey the fault (not counted), `close` always goes through.
 *
 * @example
 * ```ts
 * import { createFaultyStore } from '@keyward/core/testing';
 * const store = createFaultyStore(new MemoryKeyStore());
 * const keyward = createKeyward({ store, prefixes: ['eck_test_'] });
 * store.fail('error');
 * expect((await keyward.authenticate(headers)).failure?.code).toBe('auth_unavailable');
 * expect(store.calls.findByHash).toBe(1);
 * ```
 */
export function createFaultyStore(inner: KeyStore): FaultyStore {
  let mode: FaultMode | null = null;
  const pending = new Set<(error: Error) => void>();
  const calls = Object.fromEntries(METHODS.map((method) => [method, 0])) as Record<CountedStoreMethod, number>;

  /** Runs `call` unless a fault is on. */
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    if (mode === 'error') return Promise.reject(new Error(INJECTED_ERROR_MESSAGE));
    if (mode === 'hang') {
      const hung = new Promise<T>((_resolve, reject) => {
        pending.add(reject);
      });
      hung.catch(() => undefined); // a released hang nobody awaits any more is not an unhandled rejection
      return hung;
    }
    return call();
  };
  const counted = <T>(method: CountedStoreMethod, call: () => Promise<T>): Promise<T> => {
    calls[method] += 1;
    return guard(call);
  };

  const store: FaultyStore = {
    inner,
    get mode() {
      return mode;
    },
    get pending() {
      return pending.size;
    },
    calls,
    fail(next) {
      mode = next;
      if (next === 'hang') return;
      const rejects = [...pending];
      pending.clear();
      for (const reject of rejects) reject(new Error(RELEASED_HANG_MESSAGE));
    },
    resetCalls() {
      for (const method of METHODS) calls[method] = 0;
    },
    findByHash: (hash) => counted('findByHash', () => inner.findByHash(hash)),
    getById: (id) => counted('getById', () => inner.getById(id)),
    insert: (record, options) => counted('insert', () => inner.insert(record, options)),
    listByOwner: (ownerId, query) => counted('listByOwner', () => inner.listByOwner(ownerId, query)),
    listByOrg: (orgId, query) => counted('listByOrg', () => inner.listByOrg(orgId, query)),
    revoke: (id, at) => counted('revoke', () => inner.revoke(id, at)),
    rotate: (oldId, next, oldExpiresAt) => counted('rotate', () => inner.rotate(oldId, next, oldExpiresAt)),
    update: (id, patch, at) => counted('update', () => inner.update(id, patch, at)),
    touchLastUsed: (entries) => counted('touchLastUsed', () => inner.touchLastUsed(entries)),
  };
  if (inner.publish) {
    const publish = inner.publish.bind(inner);
    store.publish = (event) => guard(() => publish(event));
  }
  if (inner.subscribe) {
    const subscribe = inner.subscribe.bind(inner);
    store.subscribe = (onEvent) => guard(() => subscribe(onEvent));
  }
  if (inner.appendAudit) {
    const appendAudit = inner.appendAudit.bind(inner);
    store.appendAudit = (record) => guard(() => appendAudit(record));
  }
  if (inner.listAudit) {
    const listAudit = inner.listAudit.bind(inner);
    store.listAudit = (orgId, query) => guard(() => listAudit(orgId, query));
  }
  if (inner.close) {
    const close = inner.close.bind(inner);
    store.close = () => close();
  }
  return store;
}
