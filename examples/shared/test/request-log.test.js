import { describe, expect, it } from 'vitest';
import { createKeyward, MemoryKeyStore } from '@keyward/core';
import { createRequestLogger, formatRequestLog, principalLabel, safePath } from '../src/request-log.js';
import { PREFIXES } from '../src/setup.js';
import { signManagementToken } from '../src/tokens.js';

const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: [...PREFIXES], logger: false, jwt: { secret: 'x'.repeat(32) } });

describe('request log', () => {
  it('prints method, path, status, duration and the key id, never the key', async () => {
    const { key, record } = await keyward.keys.create({ ownerId: 'u', orgId: 'acme', nickname: 'n', scopes: ['agents:run'] });
    const result = await keyward.authenticate({ 'x-api-key': key });
    if (!result.ok) throw new Error('the key should authenticate');
    const lines = /** @type {string[]} */ ([]);
    const log = createRequestLogger(PREFIXES, (line) => lines.push(line));
    log({ method: 'POST', url: `/v1/run?api_key=${key}`, status: 202, durationMs: 1.234, principal: result.principal });
    expect(lines).toEqual([`POST /v1/run 202 1.2ms key=${record.id}`]);
    expect(lines.join('\n')).not.toContain(key);
  });

  it('redacts a key or token pasted into the path, in any case or percent-encoded', async () => {
    const { key } = await keyward.keys.create({ ownerId: 'u', orgId: 'acme', nickname: 'm' });
    const token = await signManagementToken('y'.repeat(32), { sub: 'demo-user', org: 'acme' });
    const encoded = [...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    for (const url of [`/v1/runs/${key}`, `/v1/runs/${key.toUpperCase()}`, `/v1/runs/${encoded}/x`, `/${token}`, `/a/${'z'.repeat(80)}`, `/v1/runs/x${key}y`]) {
      const path = safePath(url, PREFIXES);
      expect(path).toContain('[redacted]');
      expect(path).not.toContain(key);
      expect(path).not.toContain(token);
      expect(path.toLowerCase()).not.toContain(key.toLowerCase());
    }
  });

  it('keeps key ids, run ids and route paths readable, and drops the query string', () => {
    expect(safePath('/auth/api-keys/key_0123456789abcdefghijklmn/rotate', PREFIXES)).toBe('/auth/api-keys/key_0123456789abcdefghijklmn/rotate');
    expect(safePath('/v1/runs/6f1c1f4e-1d7b-4c57-9a0e-0b0e6c2d1a11', PREFIXES)).toBe('/v1/runs/6f1c1f4e-1d7b-4c57-9a0e-0b0e6c2d1a11');
    expect(safePath('/v1/registries/public-prompts?token=abc#frag', PREFIXES)).toBe('/v1/registries/public-prompts');
    expect(safePath(`/${'a/'.repeat(200)}`, PREFIXES)).toHaveLength(201);
  });

  it('labels JWT callers by subject (quoted, so no line can be injected) and anonymous ones with -', async () => {
    const token = await signManagementToken('x'.repeat(32), { sub: 'demo\nuser', org: 'acme' });
    const result = await keyward.authenticateManagement({ authorization: `Bearer ${token}` });
    if (!result.ok) throw new Error('the token should verify');
    expect(principalLabel(result.principal)).toBe('jwt="demo\\nuser"');
    expect(principalLabel(null)).toBe('-');
    const line = formatRequestLog({ method: 'GET', url: '/auth/api-keys', status: 200, durationMs: 0.04, principal: result.principal }, PREFIXES);
    expect(line).toBe('GET /auth/api-keys 200 0.0ms jwt="demo\\nuser"');
    expect(line).not.toContain(token);
    expect(line.split('\n')).toHaveLength(1);
  });

  it('never prints a method it does not know', () => {
    expect(formatRequestLog({ method: 'GET\nX-API-Key: secret', url: '/', status: 400, durationMs: 0, principal: null }, PREFIXES)).toBe('? / 400 0.0ms -');
  });
});
