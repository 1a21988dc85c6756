import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonObject } from './body.js';

/** A stream of `count` 1 KiB chunks made on demand, counting how many were pulled. */
function lazyStream(count: number, headers?: Record<string, string>) {
  const state = { pulled: 0 };
  const stream = new Readable({
    read() {
      if (state.pulled === count) return void this.push(null);
      state.pulled++;
      this.push(Buffer.alloc(1024, 0x20));
    },
  });
  return { stream: headers === undefined ? stream : Object.assign(stream, { headers }), state };
}

describe('readJsonObject', () => {
  it('stops pulling a stream past the limit and leaves it paused', async () => {
    const { stream, state } = lazyStream(100_000);
    const result = await readJsonObject(stream, 4096);
    expect(result).toMatchObject({ ok: false, problem: { code: 'body_too_large' } });
    expect(state.pulled).toBeLessThan(64); // the limit plus one stream buffer, not 100 MiB
    expect(stream.isPaused()).toBe(true);
  });

  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    const { stream, state } = lazyStream(10, { 'content-length': '10240' });
    expect(await readJsonObject(stream, 4096)).toMatchObject({ ok: false, problem: { code: 'body_too_large' } });
    expect(state.pulled).toBe(0);
  });

  it('reads a stream within the limit, an async iterable, bytes and strings; problems are values', async () => {
    expect(await readJsonObject(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]), 64)).toEqual({ ok: true, value: { a: 1 } });
    async function* parts() {
      yield '{"b":';
      yield new TextEncoder().encode('2}');
    }
    expect(await readJsonObject(parts(), 64)).toEqual({ ok: true, value: { b: 2 } });
    expect(await readJsonObject(parts(), 6)).toMatchObject({ ok: false, problem: { code: 'body_too_large' } });
    expect(await readJsonObject('  ', 64)).toEqual({ ok: true, value: {} });
    expect(await readJsonObject(undefined, 64)).toEqual({ ok: true, value: {} });
    expect(await readJsonObject('{"x":', 64)).toMatchObject({ ok: false, problem: { code: 'invalid_json' } });
    expect(await readJsonObject('[1]', 64)).toMatchObject({ ok: false, problem: { code: 'invalid_input', field: 'body' } });
    expect(await readJsonObject(new Uint8Array(65), 64)).toMatchObject({ ok: false, problem: { code: 'body_too_large' } });
  });

  it('an ended stream is an empty body; a failing one rejects (a 500, never a hang)', async () => {
    const ended = Readable.from([]);
    ended.resume();
    await new Promise((resolve) => ended.once('end', resolve));
    expect(await readJsonObject(ended, 64)).toEqual({ ok: true, value: {} });
    const failing = new Readable({ read() { this.destroy(new Error('aborted')); } });
    await expect(readJsonObject(failing, 64)).rejects.toThrow('aborted');
  });
});
