import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { TestContext } from 'vitest';
import type { ApiKeyRecord, KeyStore } from '@keyward/core/store';

const FIELDS = [
  'createdAt', 'expiresAt', 'hash', 'id', 'lastUsedAt', 'metadata', 'nickname', 'orgId',
  'ownerId', 'pepperId', 'prefix', 'replacedById', 'revokedAt', 'scopes', 'start', 'updatedAt',
] as const;
/** The fixed instant every contract record is dated from. */
export const T0 = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
export const HOUR = 3_600_000;
/** `T0` moved by `offsetMs`. */
export const at = (offsetMs: number): Date => new Date(T0 + offsetMs);
/** `bytes` random bytes as lowercase hex. */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
/** A date as milliseconds, `null` kept. */
export const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
/** A fresh random key id that no store holds. */
export const randomKeyId = (): string => `key_${randomHex(12)}`;

/**
 * Builds a valid {@link ApiKeyRecord} for store tests: a random `id`, `hash` and `ownerId` (so a
 * database shared between tests or runs does not clash), an active key with nickname `'default'`,
 * and every date fixed at 2030-01-02T03:04:05.678Z. Pass `overrides` for the fields a test is about.
 *
 * @example
 * ```ts
 * import { createTestRecord } from '@keyward/core/testing';
 * const record = createTestRecord({ nickname: 'ci', expiresAt: new Date('2031-01-01') });
 * expect(await store.insert(record)).toEqual({ ok: true });
 * ```
 */
export function createTestRecord(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: randomKeyId(), hash: randomHex(32), pepperId: 'p1', prefix: 'eck_test_', start: 'eck_test_abcd',
    ownerId: `owner_${randomHex(8)}`, orgId: 'org_contract', nickname: 'default', scopes: ['agents:read'], metadata: {},
    createdAt: at(0), updatedAt: at(0), expiresAt: null, revokedAt: null, lastUsedAt: null, replacedById: null,
    ...overrides,
  };
}

/** A record with dates turned into milliseconds, for exact comparison across stores. */
function plain(record: ApiKeyRecord): Record<string, unknown> {
  return { ...record, scopes: [...record.scopes], createdAt: ms(record.createdAt), updatedAt: ms(record.updatedAt),
    expiresAt: ms(record.expiresAt), revokedAt: ms(record.revokedAt), lastUsedAt: ms(record.lastUsedAt) };
}

/** Asserts `actual` is exactly `expected`: same fields (nothing added), same values, `Date`s or `null` for dates. */
export function expectRecord(actual: ApiKeyRecord | null | undefined, expected: ApiKeyRecord): void {
  expect(actual, `record ${expected.id} should exist`).toBeTruthy();
  if (!actual) return;
  expect(Object.keys(actual).sort()).toEqual([...FIELDS]);
  for (const field of ['createdAt', 'updatedAt', 'expiresAt', 'revokedAt', 'lastUsedAt'] as const) {
    if (actual[field] !== null) expect(actual[field], field).toBeInstanceOf(Date);
  }
  expect(plain(actual)).toEqual(plain(expected));
}

/** Polls `condition` until it holds, failing after `timeoutMs`. No fixed sleeps in tests. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** What the contract's test groups share: the current test's store and owner, and record helpers. */
export interface ContractContext {
  /** The store `setup` returned for the running test. */
  readonly store: () => KeyStore;
  /** The random owner of the running test. */
  readonly owner: () => string;
  /** {@link createTestRecord} owned by the running test's owner unless overridden. */
  readonly makeRecord: (overrides?: Partial<ApiKeyRecord>) => ApiKeyRecord;
  /** Inserts each record in turn, expecting `{ ok: true }` for each. */
  readonly insertAll: (...records: ApiKeyRecord[]) => Promise<void>;
  /** `it` with the suite's timeout, or `timeout` ms when larger. */
  readonly test: (title: string, fn: (ctx: TestContext) => Promise<void>, timeout?: number) => void;
}

/** Builds the {@link ContractContext} over the accessors of the running test. */
export function contractContext(store: () => KeyStore, owner: () => string, timeout: number | undefined): ContractContext {
  return {
    store,
    owner,
    makeRecord: (overrides = {}) => createTestRecord({ ownerId: owner(), ...overrides }),
    insertAll: async (...records) => {
      for (const record of records) expect(await store().insert(record), `insert ${record.id}`).toEqual({ ok: true });
    },
    test: (title, fn, longer) => {
      it(title, fn, longer === undefined ? timeout : Math.max(longer, timeout ?? 0));
    },
  };
}
