import { describe, expect, it } from 'vitest';
import { KeyManagerError } from '../errors.js';
import { managementErrorResponse, problemResponse } from './responses.js';

describe('management error answers', () => {
  it.each([
    ['nickname_conflict', 409],
    ['invalid_input', 422],
    ['invalid_scope', 422],
    ['invalid_expiry', 422],
    ['not_found', 404],
    ['not_owner', 401],
    ['store_unavailable', 503],
  ] as const)('%s → %i with the documented fields', (code, status) => {
    const r = managementErrorResponse(new KeyManagerError(code, 'Some message.', { field: 'nickname' }), { realm: 'agents', retryAfterSeconds: 9 });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ status, code, message: 'Some message.', field: 'nickname' });
    expect(JSON.parse(r.json)).toEqual(r.body);
    expect(typeof r.body.error).toBe('string');
    expect(r.headers['cache-control']).toBe('no-store');
    // Another account's key: the token is fine, so the challenge does not say invalid_token.
    expect(r.headers['www-authenticate']).toBe(status === 401 ? 'Bearer realm="agents"' : undefined);
    expect(r.headers['retry-after']).toBe(status === 503 ? '9' : undefined);
  });

  it('body problems: 400 invalid_json, 413 body_too_large closing the connection, 403 forbidden_scope', () => {
    expect(problemResponse({ code: 'invalid_json', message: 'm' })).toMatchObject({ status: 400, body: { code: 'invalid_json', error: 'Bad Request' } });
    const large = problemResponse({ code: 'body_too_large', message: 'm' });
    expect(large).toMatchObject({ status: 413, headers: { connection: 'close' }, body: { code: 'body_too_large', error: 'Content Too Large' } });
    expect(problemResponse({ code: 'forbidden_scope', message: 'm', field: 'scopes' })).toMatchObject({ status: 403, body: { code: 'forbidden_scope', field: 'scopes', error: 'Forbidden' } });
  });

  it('anything unexpected is a bare 500 that reveals nothing', () => {
    for (const error of [new Error('connection to 10.0.0.5 refused, key eck_live_abc'), 'invalid_json', null]) {
      const r = managementErrorResponse(error);
      expect(r).toMatchObject({ status: 500, body: { code: 'internal_error', message: 'Internal error.' } });
      expect(r.json).not.toContain('eck_live');
    }
  });
});
