import { createKeyward } from '../src/keyward.js';
import type { KeywardOptions } from '../src/keyward.js';
import { MemoryKeyStore } from '../src/store/memory-store.js';
import { createFaultyStore } from '../src/testing/fault-store.js';

export const T0 = Date.parse('2030-01-01T00:00:00.000Z');
export const PEPPER = 'test-pepper-0123456789-0123456789-abc';

/** A manual clock: time moves only when a test says so. */
export function manualClock(start = T0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
}

/** A keyward on a counting, fault-injectable memory store, with a manual clock and captured warnings. */
export function setup(overrides: Partial<KeywardOptions> = {}) {
  const clock = manualClock();
  const memory = new MemoryKeyStore();
  const store = createFaultyStore(memory);
  const warnings: string[] = [];
  const keyward = createKeyward({
    store,
    prefixes: ['eck_live_', 'eck_test_'],
    pepper: PEPPER,
    now: clock.now,
    logger: { warn: (m) => warnings.push(m) },
    usage: { flushIntervalMs: 0 },
    ...overrides,
  });
  return { keyward, store, memory, clock, warnings };
}

export const apiKey = (key: string) => ({ 'x-api-key': key });
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export { waitFor } from '../src/testing/contract-helpers.js';
