import { describe, expect, it } from 'vitest';
import type { AuthFailure } from '../errors.js';
import { KeywardConfigError } from '../errors.js';
import { createFailureResponder } from './responses.js';

const respond = createFailureResponder({ realm: 'api' });

describe('createFailureResponder', () => {
  it('401 for an invalid key: documented body, RFC 6750 challenge with invalid_token, no-store', () => {
    const r = respond({ code: 'invalid_api_key', reason: 'bad_checksum' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ status: 401, error: 'Unauthorized', code: 'invalid_api_key', message: 'The API key is invalid.' });
    expect(r.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'www-authenticate': 'Bearer realm="api", error="invalid_token"',
    });
    expect(JSON.parse(r.json)).toEqual(r.body);
  });

  it('401 without credentials: bare challenge', () => {
    const r = respond({ code: 'missing_credentials' });
    expect(r.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(r.body.code).toBe('missing_credentials');
  });

  it.each([
    [{ code: 'malformed_credentials', reason: 'extra_words', source: 'authorization' }, 401],
    [{ code: 'expired_api_key', keyId: 'key_1' }, 401],
    [{ code: 'revoked_api_key', keyId: 'key_1' }, 401],
    [{ code: 'invalid_token', reason: 'signature' }, 401],
    [{ code: 'forbidden_organization', orgId: 'acme' }, 403],
    [{ code: 'rate_limited', retryAfterSeconds: 30 }, 429],
    [{ code: 'quota_exceeded', retryAfterSeconds: 3600 }, 429],
    [{ code: 'auth_unavailable', retryAfterSeconds: 5, reason: 'store_error' }, 503],
  ] as Array<[AuthFailure, number]>)('%j → %i', (failure, status) => {
    const r = respond(failure);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ status, code: failure.code });
    expect(typeof r.body.message).toBe('string');
    expect(typeof r.body.error).toBe('string');
    if (status === 401) expect(r.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    if (status === 429 || status === 503) expect(r.headers['retry-after']).toBe(String((failure as { retryAfterSeconds: number }).retryAfterSeconds));
    if (status === 403) expect(r.headers['www-authenticate']).toBeUndefined();
  });

  it('429 names the limit in the body and carries the limiter\'s RateLimit headers, no-store and Retry-After', () => {
    const r = respond({
      code: 'quota_exceeded', retryAfterSeconds: 7200, policy: { name: 'daily', quota: 1000, windowSeconds: 86_400 },
      headers: { 'ratelimit-policy': '"daily";q=1000;w=86400', ratelimit: '"daily";r=0;t=7200' },
    });
    expect(r.status).toBe(429);
    expect(r.headers).toEqual({
      'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '7200',
      'ratelimit-policy': '"daily";q=1000;w=86400', ratelimit: '"daily";r=0;t=7200',
    });
    expect(r.body).toEqual({
      status: 429, error: 'Too Many Requests', code: 'quota_exceeded', message: 'The usage quota daily is spent. It refills in 7200 seconds.',
      limit: 'daily', quota: 1000, window: 86_400, retryAfterSeconds: 7200,
    });
  });

  it('never reveals the resource organization in a forbidden_organization body', () => {
    expect(respond({ code: 'forbidden_organization', orgId: 'acme-secret' }).json).not.toContain('acme-secret');
  });

  it('403 insufficient_scope: one required scope as a string, several as an array', () => {
    const one = respond({ code: 'insufficient_scope', required: ['agents:run'], provided: ['agents:read'], mode: 'all' });
    expect(one.body).toEqual({
      status: 403,
      error: 'Insufficient scope',
      code: 'insufficient_scope',
      message: 'This key lacks the scope agents:run.',
      required: 'agents:run',
      provided: ['agents:read'],
    });
    expect(one.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope", scope="agents:run"');
    const two = respond({ code: 'insufficient_scope', required: ['a:b', 'c:d'], provided: [], mode: 'any' });
    expect(two.body.required).toEqual(['a:b', 'c:d']);
    expect(two.body.provided).toEqual([]);
    expect(two.headers['www-authenticate']).toContain('scope="a:b c:d"');
  });

  it('problem details keep every documented field and add type/title/detail', () => {
    const problem = createFailureResponder({ problemDetails: { typeBase: 'https://docs.example.com/errors/' } });
    const r = problem({ code: 'insufficient_scope', required: ['agents:run'], provided: [], mode: 'all' });
    expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(r.body).toMatchObject({
      type: 'https://docs.example.com/errors/insufficient_scope',
      title: 'Insufficient scope',
      detail: 'This key lacks the scope agents:run.',
      status: 403,
      error: 'Insufficient scope',
      code: 'insufficient_scope',
      required: 'agents:run',
      provided: [],
    });
    expect(createFailureResponder({ problemDetails: true })({ code: 'missing_credentials' }).body.type).toBe('about:blank');
  });

  it('custom messages and extra fields, but the fixed fields cannot be dropped or overwritten', () => {
    const custom = createFailureResponder({
      messages: { invalid_api_key: 'Nope.', expired_api_key: (f) => `Expired (${f.code}).` },
      extendBody: () => ({ docs: 'https://example.com/auth', code: 'overwritten', status: 200 }),
    });
    expect(custom({ code: 'invalid_api_key', reason: 'not_found' }).body).toEqual({
      docs: 'https://example.com/auth',
      status: 401,
      error: 'Unauthorized',
      code: 'invalid_api_key',
      message: 'Nope.',
    });
    expect(custom({ code: 'expired_api_key', keyId: 'k' }).body.message).toBe('Expired (expired_api_key).');
  });

  it('validates its options', () => {
    expect(() => createFailureResponder({ messages: { nope: 'x' } as never })).toThrow(KeywardConfigError);
    expect(() => createFailureResponder({ realm: '' })).toThrow(KeywardConfigError);
  });

  it('strips quotes from the realm so the header stays well-formed', () => {
    expect(createFailureResponder({ realm: 'a"b\\c' })({ code: 'missing_credentials' }).headers['www-authenticate']).toBe('Bearer realm="abc"');
  });
});

describe('createFailureResponder, more', () => {
  it('problem details with about:blank use the status phrase as title', () => {
    const r = createFailureResponder({ problemDetails: true })({ code: 'insufficient_scope', required: ['a'], provided: [], mode: 'all' });
    expect(r.body).toMatchObject({ type: 'about:blank', title: 'Forbidden', error: 'Insufficient scope' });
  });
  it('shares one frozen answer per code and reason, and builds afresh when a hook or the failure shapes it', () => {
    const respond = createFailureResponder();
    const a = respond({ code: 'invalid_api_key', reason: 'bad_checksum' });
    expect(respond({ code: 'invalid_api_key', reason: 'bad_checksum' })).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.headers) && Object.isFrozen(a.body)).toBe(true);
    expect(respond({ code: 'malformed_credentials', reason: 'too_long', source: 'x-api-key' }).body.message).toBe('The credential is too long.');
    expect(respond({ code: 'malformed_credentials', reason: 'multiple_values', source: 'x-api-key' }).body.message).toBe('Send exactly one credential.');
    const scope = { code: 'insufficient_scope', required: ['agents:run'], provided: [], mode: 'all' } as const;
    expect(respond(scope)).not.toBe(respond(scope));
    let n = 0;
    const extended = createFailureResponder({ extendBody: () => ({ n: ++n }) });
    expect(extended({ code: 'missing_credentials' }).body.n).toBe(1);
    expect(extended({ code: 'missing_credentials' }).body.n).toBe(2);
    const custom = createFailureResponder({ messages: { revoked_api_key: (f) => `gone: ${'keyId' in f ? f.keyId : ''}` } });
    expect(custom({ code: 'revoked_api_key', keyId: 'key_a' }).body.message).toBe('gone: key_a');
    expect(custom({ code: 'revoked_api_key', keyId: 'key_b' }).body.message).toBe('gone: key_b');
  });
});
