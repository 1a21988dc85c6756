import { vi } from 'vitest';

/** Polls `predicate` until it holds (vitest's `vi.waitFor` with a boolean condition). */
export function waitFor(predicate, timeoutMs = 2_000) {
  return vi.waitFor(async () => {
    if (!(await predicate())) throw new Error(`condition not met within ${timeoutMs} ms`);
  }, { timeout: timeoutMs, interval: 10 });
}
