import { describe, expect, it } from 'vitest';
import { InvalidationHub, decodeInvalidationEvent, encodeInvalidationEvent } from './invalidation.js';
import type { OpenInvalidationChannel } from './invalidation.js';
import type { InvalidationEvent, InvalidationReset } from './key-store.js';

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
    expect(decodeInvalidationEvent('{"type":"updated","keyId":"k"}')).toEqual({ type: 'updated', keyId: 'k' });
  });
});

/**
 * An in-process channel for the hub: what a store's LISTEN/SUBSCRIBE connection does, driven by the
 * test (send a payload, lose the connection, make opening fail). No store behind it: the hub is
 * store-independent, and the real channels are covered by the invalidation contract on each store.
 */
function fakeChannel() {
  const state = {
    opens: 0,
    stops: 0,
    failNext: false,
    send: (_payload: string) => undefined as void,
    lose: (_error: unknown) => undefined as void,
  };
  const open: OpenInvalidationChannel = async (onPayload, onLost) => {
    state.opens++;
    if (state.failNext) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    state.send = onPayload;
    state.lose = onLost;
    return async () => void state.stops++;
  };
  return { state, open };
}

const recorder = () => {
  const heard: Array<InvalidationEvent | InvalidationReset> = [];
  return { heard, onEvent: (event: InvalidationEvent | InvalidationReset) => void heard.push(event) };
};

describe('InvalidationHub', () => {
  it('opens one channel for every subscriber, delivers past one that throws, and closes it when the last leaves', async () => {
    const { state, open } = fakeChannel();
    const hub = new InvalidationHub({ name: 'Test', open });
    await hub.subscribe(() => {
      throw new Error('faulty');
    });
    const gone = recorder();
    const kept = recorder();
    const stopGone = await hub.subscribe(gone.onEvent);
    const stopKept = await hub.subscribe(kept.onEvent);
    expect(state.opens).toBe(1);
    await stopGone();
    state.send('not json');
    state.send(encodeInvalidationEvent({ type: 'revoked', keyId: 'k1' }));
    expect(kept.heard).toEqual([{ type: 'revoked', keyId: 'k1' }]);
    expect(gone.heard).toEqual([]);
    expect(hub.size).toBe(2);
    await stopKept();
    expect(state.stops).toBe(0);
    await hub.close();
    expect(state.stops).toBe(1);
    expect(hub.size).toBe(0);
  });

  it('rejects a subscribe whose channel cannot be opened, and forgets it', async () => {
    const { state, open } = fakeChannel();
    const hub = new InvalidationHub({ name: 'Test', open });
    state.failNext = true;
    await expect(hub.subscribe(() => undefined)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(hub.size).toBe(0);
    state.failNext = false;
    await hub.subscribe(() => undefined);
    expect(state.opens).toBe(2);
    await hub.close();
  });

  it('reopens a lost channel by itself (retrying failures), then sends one reset to those subscribed during the gap', async () => {
    const { state, open } = fakeChannel();
    const warnings: string[] = [];
    const hub = new InvalidationHub({ name: 'Test', open, warn: (m) => warnings.push(m), reconnectDelayMs: 1, maxReconnectDelayMs: 5 });
    const a = recorder();
    const leaving = recorder();
    await hub.subscribe(() => {
      throw new Error('faulty');
    });
    await hub.subscribe(a.onEvent);
    const stopLeaving = await hub.subscribe(leaving.onEvent);
    state.failNext = true;
    const reset = new Promise<void>((resolve) => void hub.subscribe((event) => event.type === 'reset' && resolve()));
    state.lose(Object.assign(new Error('gone'), { code: 'ECONNRESET' }));
    await stopLeaving(); // left during the gap: hears of no reset
    await new Promise<void>((resolve) => {
      const check = () => (state.opens >= 3 ? resolve() : setTimeout(check, 1));
      check();
    });
    state.failNext = false;
    // A subscribe during the gap waits for the channel to be live again (or fails), and owes no reset.
    const late = recorder();
    await hub.subscribe(late.onEvent);
    await reset;
    state.send(encodeInvalidationEvent({ type: 'updated', keyId: 'k2' }));
    expect(a.heard).toEqual([{ type: 'reset' }, { type: 'updated', keyId: 'k2' }]);
    expect(late.heard).toEqual([{ type: 'updated', keyId: 'k2' }]);
    expect(leaving.heard).toEqual([]);
    expect(warnings[0]).toBe('Test: invalidation channel lost (ECONNRESET); reopening');
    expect(warnings.some((w) => w.includes('failed (ECONNREFUSED)'))).toBe(true);
    await hub.close();
  });
});
