import { generateBase62 } from '../keys/base62.js';
import type { AuditRecord, KeyStore } from '../store/key-store.js';
import type { FailureCode } from '../errors.js';
import type { KeywardEvent, KeywardEventType } from './types.js';
import { AUDITED } from './types.js';

/** What the hub needs; assembled once by `createKeyward`. */
export interface EventHubParts {
  /** `onEvent`, or `null`: then only audit records are written. */
  readonly listener: ((event: KeywardEvent) => unknown) | null;
  /** The store, bounded by `storeTimeoutMs`. */
  readonly store: KeyStore;
  readonly now: () => number;
  readonly random: (length: number) => Uint8Array;
  readonly warn: (message: string) => void;
  readonly intervalMs: number;
}

/** A counted event of the current interval: how many beyond the one already reported. */
interface Counted {
  readonly make: (count: number) => KeywardEvent;
  extra: number;
}

const BASE_FIELDS = new Set(['type', 'time', 'actor', 'orgId', 'keyId', 'requestId']);

/**
 * Delivers events to `onEvent` (a listener that throws or rejects is logged once per event type and
 * never breaks a request), writes the management ones with `store.appendAudit`, and counts the
 * floodable ones: authentication failures are reported once per (prefix, code) per interval, and
 * repeated reuse / rate-limit refusals of one key once at the start and once at the end of it.
 */
export class EventHub {
  readonly #p: EventHubParts;
  readonly #failures = new Map<string, { code: FailureCode; prefix: string; count: number }>();
  readonly #repeats = new Map<string, Counted>();
  readonly #complained = new Set<KeywardEventType>();
  #since: number;
  #sequence = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(parts: EventHubParts) {
    this.#p = parts;
    this.#since = parts.now();
  }

  /** Whether anyone listens (the request path skips event work when not). */
  get listening(): boolean {
    return this.#p.listener !== null;
  }

  /** Deliver one event to the listener. */
  emit(event: KeywardEvent): void {
    const listener = this.#p.listener;
    if (listener === null) return;
    try {
      const returned = listener(event);
      if (returned instanceof Promise) returned.catch(() => this.#complain(event.type));
    } catch {
      this.#complain(event.type);
    }
  }

  /** Deliver a management event and persist it when the store keeps audit records. Never rejects. */
  async record(event: KeywardEvent): Promise<void> {
    this.emit(event);
    const { store } = this.#p;
    if (!AUDITED.has(event.type) || store.appendAudit === undefined) return;
    try {
      await store.appendAudit(toAuditRecord(event, this.#auditId(event.time)));
    } catch {
      this.#p.warn(`keyward: could not write the audit record of ${event.type}${event.keyId === null ? '' : ` for ${event.keyId}`}`);
    }
  }

  /** Count one failed authentication; reported when the interval ends. */
  authnFail(code: FailureCode, prefix: string): void {
    if (this.#p.listener === null) return;
    this.#roll();
    const id = `${prefix}\u0000${code}`;
    const entry = this.#failures.get(id);
    if (entry === undefined) this.#failures.set(id, { code, prefix, count: 1 });
    else entry.count++;
    this.#arm();
  }

  /** Report the first occurrence of `id` in this interval now, count the later ones for its end. */
  repeated(id: string, make: (count: number) => KeywardEvent): void {
    if (this.#p.listener === null) return;
    this.#roll();
    const entry = this.#repeats.get(id);
    if (entry !== undefined) {
      entry.extra++;
      return;
    }
    this.#repeats.set(id, { make, extra: 0 });
    this.#arm();
    this.emit(make(1));
  }

  /** Report what the interval counted so far, and start a new one. */
  flush(): void {
    const since = new Date(this.#since);
    this.#since = this.#p.now();
    const time = new Date(this.#since);
    const failures = [...this.#failures.values()];
    const repeats = [...this.#repeats.values()];
    this.#failures.clear();
    this.#repeats.clear();
    for (const f of failures) {
      this.emit({ type: 'authn_fail', time, actor: 'anonymous', orgId: null, keyId: null, requestId: null, code: f.code, prefix: f.prefix, count: f.count, since });
    }
    for (const r of repeats) if (r.extra > 0) this.emit(r.make(r.extra));
  }

  /** Report what is counted and stop the timer. */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.flush();
  }

  /** An interval that is over (by the injected clock) is reported before counting into the next. */
  #roll(): void {
    if (this.#p.now() - this.#since >= this.#p.intervalMs) this.flush();
  }

  /** A timer ends the interval when no further failure does; it never holds the process open. */
  #arm(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, this.#p.intervalMs);
    this.#timer.unref?.();
  }

  #complain(type: KeywardEventType): void {
    if (this.#complained.has(type)) return;
    this.#complained.add(type);
    this.#p.warn(`keyward: the onEvent listener failed on a ${type} event; further failures on ${type} are not logged`);
  }

  /**
   * `evt_` + the time and a per-instance sequence (base 36, fixed width: ids of one instance sort in
   * the order of their events, even within one millisecond) + 10 random characters.
   */
  #auditId(time: Date): string {
    this.#sequence = (this.#sequence + 1) % 1_679_616;
    return `evt_${time.getTime().toString(36).padStart(9, '0')}${this.#sequence.toString(36).padStart(4, '0')}${generateBase62(10, this.#p.random)}`;
  }
}

/** The event as a store keeps it: the common fields, and the others (dates as ISO strings) in `data`. */
export function toAuditRecord(event: KeywardEvent, id: string): AuditRecord {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (!BASE_FIELDS.has(name)) data[name] = value instanceof Date ? value.toISOString() : value;
  }
  return { id, type: event.type, at: event.time, orgId: event.orgId, keyId: event.keyId, actor: event.actor, requestId: event.requestId, data };
}
