import { describe, expect, it } from 'vitest';
import { baseUrl, problemOf } from './api.js';
import { expiresSoon, expiryOf, fieldOf, formatDate, today } from './format.js';

describe('helpers of <keyward-api-keys>', () => {
  it('resolves the endpoint against the page, relative or absolute, without a trailing slash', () => {
    expect(baseUrl('/auth/api-keys/', 'https://app.test/settings')).toBe('https://app.test/auth/api-keys');
    expect(baseUrl('..', 'https://app.test/auth/api-keys/ui/')).toBe('https://app.test/auth/api-keys');
    expect(baseUrl('keys', 'https://app.test/org/settings/')).toBe('https://app.test/org/settings/keys');
  });

  it('reads a refusal from the JSON body, or says the status when there is none', () => {
    expect(problemOf(409, { code: 'nickname_conflict', message: 'taken', field: 'nickname' })).toEqual({ status: 409, code: 'nickname_conflict', message: 'taken', field: 'nickname' });
    expect(problemOf(502, null)).toEqual({ status: 502, code: 'http_error', message: 'The server answered 502.', field: null });
  });

  it('puts each refusal next to its field', () => {
    expect(fieldOf({ code: 'nickname_conflict', field: null })).toBe('nickname');
    expect(fieldOf({ code: 'forbidden_scope', field: null })).toBe('scopes');
    expect(fieldOf({ code: 'invalid_expiry', field: 'expiresAt' })).toBe('expiresAt');
    expect(fieldOf({ code: 'key_limit', field: null })).toBe('form');
  });

  it('turns a chosen day into the end of that day, and no day into no expiry', () => {
    expect(expiryOf('')).toBeNull();
    const end = new Date(expiryOf('2031-05-04')!);
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([2031, 4, 4, 23, 59]);
    expect(today(new Date(2030, 0, 9))).toBe('2030-01-09');
  });

  it('formats dates and falls back for none', () => {
    expect(formatDate(null, 'Never')).toBe('Never');
    expect(formatDate('not a date', '—')).toBe('—');
    expect(formatDate('2030-01-09T12:00:00Z', '—', 'en-GB')).toBe('9 Jan 2030');
    expect(formatDate('2030-01-09T12:00:00Z', '—', 'en-GB', true)).toMatch(/^9 Jan 2030, \d\d:00$/);
    const now = Date.UTC(2030, 0, 9);
    expect(expiresSoon(new Date(now + 3_600_000).toISOString(), now)).toBe(true);
    expect(expiresSoon(new Date(now + 3 * 86_400_000).toISOString(), now)).toBe(false);
    expect(expiresSoon(null, now)).toBe(false);
  });
});
