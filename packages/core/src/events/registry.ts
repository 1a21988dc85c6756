import type { KeyStore } from '../store/key-store.js';
import type { EventHub } from './hub.js';

/** What leak reports and the audit route need from a keyward instance; internal, never exported. */
export interface EventContext {
  readonly hub: EventHub;
  /** The store, bounded by `storeTimeoutMs`. */
  readonly store: KeyStore;
  readonly now: () => number;
}

const contexts = new WeakMap<object, EventContext>();

/** Called once by `createKeyward` for the instance it returns. */
export function registerEventContext(keyward: object, context: EventContext): void {
  contexts.set(keyward, Object.freeze(context));
}

/** The event context of an instance built by `createKeyward`, or `undefined` for anything else. */
export function eventContextOf(keyward: object): EventContext | undefined {
  return contexts.get(keyward);
}
