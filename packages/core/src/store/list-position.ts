import type { ListPosition } from './key-store.js';

/**
 * Orders list positions (and records) by `createdAt`, then `id` compared by code unit, which is
 * bytewise for the ASCII ids keyward mints: the order of `KeyStore.listByOwner` in every store.
 *
 * @example
 * ```ts
 * records.sort(comparePosition);
 * ```
 */
export function comparePosition(a: ListPosition, b: ListPosition): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
