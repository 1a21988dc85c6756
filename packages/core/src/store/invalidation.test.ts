import { describe, expect, it } from 'vitest';
import { InvalidationListeners, decodeInvalidationEvent, encodeInvalidationEvent } from './invalidation.js';
import type { InvalidationEvent } from './key-store.js';

describe('invalidation event wire form', () => {
  it('round-trips type and keyId only', () => {
    const event = { type: 'revoked', keyId: 'key_1', hash: 'secret-hash' } as InvalidationEvent;
    const payload = encodeInvalidationEvent(event);
    expect(JSON.parse(payload)).toEqual({ type: 'revoked', keyId: 'key_1' });
    const decoded = decodeInvalidationEvent(payload);
    expect(decoded).toEqual({ type: 'revoked', keyId: 'key_1' });
    expect(Object.isFrozen(decoded)).toBe(true);
  });

  it('ignores anything that is not a well-formed event', () => {
    for (const payload of ['', 'not json', 'null', '42', '[]', '{"type":"deleted","keyId":"k"}', '{"type":"revoked"}', '{"type":"revoked","keyId":7}']) {
      expect(decodeInvalidationEvent(payload), payload).toBeNull();
    }
    expect(decodeInvalidationEvent('{"type":"updated","keyId":"k","extra":1}')).toEqual({ type: 'updated', keyId: 'k' });
  });
});

describe('InvalidationListeners', () => {
  it('delivers to every listener, past one that throws, and not to one that left', () => {
    const listeners = new InvalidationListeners();
    const heard: string[] = [];
    listeners.add(() => {
      throw new Error('faulty');
    });
    const gone = listeners.add(() => heard.push('gone'));
    listeners.add((event) => heard.push(event.keyId));
    expect(listeners.delete(gone)).toBe(true);
    expect(listeners.delete(gone)).toBe(false);
    listeners.deliver({ type: 'revoked', keyId: 'k1' });
    expect(heard).toEqual(['k1']);
    expect(listeners.size).toBe(2);
    listeners.clear();
    expect(listeners.size).toBe(0);
  });

  it('reports a gap once, only to subscribers present when it was marked and still there', () => {
    const listeners = new InvalidationListeners();
    const gaps: string[] = [];
    listeners.add(() => undefined, () => gaps.push('a'));
    const leaving = listeners.add(() => undefined, () => gaps.push('leaving'));
    listeners.add(() => undefined, () => {
      throw new Error('faulty');
    });
    listeners.markGap();
    listeners.add(() => undefined, () => gaps.push('late')); // subscribed during the gap: live when it resolved
    listeners.delete(leaving);
    listeners.reportGap();
    listeners.reportGap();
    expect(gaps).toEqual(['a']);
  });
});
