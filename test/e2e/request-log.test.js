// The request log of the reference apps (reference-app.js): what a line holds, and that a key or
// token in the URL never reaches it. The apps' own log output is checked by the walks too.
import { describe, expect, it } from 'vitest';
import { createKeyward, MemoryKeyStore } from '@keyward/core';
import { PREFIXES, formatRequestLog, safePath } from '../../examples/express/reference-app.js';
import { signManagementToken } from './support/tokens.js';

const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: [...PREFIXES], logger: false, jwt: { secret: 'x'.repeat(32) } });

/** Percent-encode every character of `text`. @param {string} text */
const encodeAll = (text) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

describe('request log', () => {
  it('prints method, path, status, duration and the key id, never the key', async () => {
    const { key, record } = await keyward.keys.create({ ownerId: 'u', orgId: 'acme', nickname: 'n', scopes: ['agents:run'] });
    const result = await keyward.authenticate({ 'x-api-key': key });
    if (!result.ok) throw new Error('the key should authenticate');
    const line = formatRequestLog({ method: 'POST', url: `/v1/run?api_key=${key}`, status: 202, durationMs: 1.234, principal: result.principal });
    expect(line).toBe(`POST /v1/run 202 1.2ms key=${record.id}`);
    expect(line).not.toContain(key);
  });

  it('redacts a key or token pasted into the path, in any case or percent-encoded', async () => {
    const { key } = await keyward.keys.create({ ownerId: 'u', orgId: 'acme', nickname: 'm' });
    const token = signManagementToken('y'.repeat(32), { sub: 'demo-user', org: 'acme' });
    for (const url of [`/v1/runs/${key}`, `/v1/runs/${key.toUpperCase()}`, `/v1/runs/${encodeAll(key)}/x`, `/${token}`, `/a/${'z'.repeat(80)}`, `/v1/runs/x${key}y`]) {
      const path = safePath(url);
      expect(path).toContain('[redacted]');
      expect(path).not.toContain(key);
      expect(path).not.toContain(token);
      expect(path.toLowerCase()).not.toContain(key.toLowerCase());
    }
  });

  it('redacts keys percent-encoded twice or more (bounded), and any run of key-shaped characters', async () => {
    const { key } = await keyward.keys.create({ ownerId: 'u', orgId: 'acme', nickname: 'o' });
    const secret = key.slice('eck_live_'.length);
    const twice = `%25${(0x65).toString(16)}${key.slice(1)}`; // %2565ck_live_… decodes to %65ck_live_…, then to the key
    let deep = key;
    for (let i = 0; i < 5; i++) deep = encodeAll(deep);
    const urls = [
      `/v1/runs/${twice}`,
      `/v1/runs/${encodeAll(encodeAll(key))}`,
      `/v1/runs/${deep}`,
      `/v1/runs/${encodeAll(key).replaceAll('%', '%25')}`,
      `/v1/runs/${secret}`, // the key without its prefix: a run of 36 key characters
      `/v1/runs/${secret.slice(0, 30)}`,
      `/v1/runs/%${'25'.repeat(12)}41`, // encoded more times than the bound: redacted anyway
    ];
    for (const url of urls) {
      const path = safePath(url);
      expect(path, url.slice(0, 40)).toBe('/v1/runs/[redacted]');
      expect(path).not.toContain(secret.slice(0, 8));
    }
    expect(safePath(`/v1/runs/${secret.slice(0, 29)}`)).toBe(`/v1/runs/${secret.slice(0, 29)}`);
  });

  it('keeps key ids, run ids and route paths readable, and drops the query string', () => {
    expect(safePath('/auth/api-keys/key_0123456789abcdefghijklmn/rotate')).toBe('/auth/api-keys/key_0123456789abcdefghijklmn/rotate');
    expect(safePath('/v1/runs/6f1c1f4e-1d7b-4c57-9a0e-0b0e6c2d1a11')).toBe('/v1/runs/6f1c1f4e-1d7b-4c57-9a0e-0b0e6c2d1a11');
    expect(safePath('/v1/registries/public-prompts?token=abc#frag')).toBe('/v1/registries/public-prompts');
    expect(safePath('/v1/registries/caf%C3%A9')).toBe('/v1/registries/caf%C3%A9');
    expect(safePath(`/${'a/'.repeat(200)}`)).toHaveLength(201);
  });

  it('labels JWT callers by subject (quoted, so no line can be injected) and anonymous ones with -', () => {
    const principal = { type: 'jwt', keyId: null, ownerId: 'demo\nuser', orgId: 'acme', scopes: [] };
    const line = formatRequestLog({ method: 'GET', url: '/auth/api-keys', status: 200, durationMs: 0.04, principal });
    expect(line).toBe('GET /auth/api-keys 200 0.0ms jwt="demo\\nuser"');
    expect(line.split('\n')).toHaveLength(1);
    expect(formatRequestLog({ method: 'GET', url: '/health', status: 200, durationMs: 0.4, principal: null })).toBe('GET /health 200 0.4ms -');
  });

  it('never prints a method it does not know', () => {
    expect(formatRequestLog({ method: 'GET\nX-API-Key: secret', url: '/', status: 400, durationMs: 0, principal: null })).toBe('? / 400 0.0ms -');
  });
});
