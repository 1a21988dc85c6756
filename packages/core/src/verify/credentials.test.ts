import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractCredential, nodeRequestHeaders } from './credentials.js';

const KEY = 'eck_live_0123456789abcdefghijABCDEFGHIJ012345';

describe('extractCredential', () => {
  it('reads X-API-Key and Authorization: Bearer', () => {
    expect(extractCredential({ 'x-api-key': KEY })).toEqual({ ok: true, credential: { source: 'x-api-key', value: KEY } });
    expect(extractCredential({ authorization: `Bearer ${KEY}` })).toEqual({ ok: true, credential: { source: 'authorization', value: KEY } });
  });

  it('prefers X-API-Key when both are sent, even a bad one', () => {
    expect(extractCredential({ 'x-api-key': KEY, authorization: 'Bearer other' })).toMatchObject({ ok: true, credential: { source: 'x-api-key' } });
    expect(extractCredential({ 'x-api-key': 'a b', authorization: `Bearer ${KEY}` })).toMatchObject({ failure: { code: 'malformed_credentials', source: 'x-api-key' } });
  });

  it('accepts any case of the scheme, trims surrounding whitespace, allows several spaces', () => {
    for (const header of [`bearer ${KEY}`, `BEARER ${KEY}`, `  Bearer   ${KEY} \t`, `bEaReR ${KEY}`]) {
      expect(extractCredential({ authorization: header })).toMatchObject({ ok: true, credential: { value: KEY } });
    }
    expect(extractCredential({ 'x-api-key': `  ${KEY}\t` })).toMatchObject({ ok: true, credential: { value: KEY } });
  });

  it('works with a Fetch Headers object and a lookup function', () => {
    expect(extractCredential(new Headers({ 'X-API-Key': KEY }))).toMatchObject({ ok: true });
    expect(extractCredential((name) => (name === 'authorization' ? `Bearer ${KEY}` : undefined))).toMatchObject({ ok: true });
    expect(extractCredential(new Headers())).toEqual({ ok: false, failure: { code: 'missing_credentials' } });
  });

  it('does not read inherited properties of a plain object', () => {
    const headers = Object.create({ 'x-api-key': KEY }) as Record<string, string>;
    expect(extractCredential(headers)).toEqual({ ok: false, failure: { code: 'missing_credentials' } });
  });

  it.each([
    [{}, 'missing_credentials', undefined],
    [{ 'x-api-key': '' }, 'malformed_credentials', 'empty'],
    [{ 'x-api-key': '   ' }, 'malformed_credentials', 'empty'],
    [{ authorization: '' }, 'malformed_credentials', 'empty'],
    [{ authorization: 'Bearer' }, 'malformed_credentials', 'missing_token'],
    [{ authorization: 'Bearer    ' }, 'malformed_credentials', 'missing_token'],
    [{ authorization: `Basic ${KEY}` }, 'malformed_credentials', 'unsupported_scheme'],
    [{ authorization: KEY }, 'malformed_credentials', 'unsupported_scheme'],
    [{ authorization: `Bearer ${KEY} extra` }, 'malformed_credentials', 'extra_words'],
    [{ authorization: `Bearer\t${KEY}` }, 'malformed_credentials', 'invalid_characters'],
    [{ 'x-api-key': `${KEY}, ${KEY}` }, 'malformed_credentials', 'multiple_values'],
    [{ 'x-api-key': [KEY, KEY] }, 'malformed_credentials', 'multiple_values'],
    [{ authorization: [`Bearer ${KEY}`, `Bearer ${KEY}`] }, 'malformed_credentials', 'multiple_values'],
    [{ 'x-api-key': [] }, 'malformed_credentials', 'empty'],
    [{ 'x-api-key': `${KEY}\u0000` }, 'malformed_credentials', 'invalid_characters'],
    [{ 'x-api-key': `${KEY}\r\nX: y` }, 'malformed_credentials', 'invalid_characters'],
    [{ 'x-api-key': `ключ${KEY}` }, 'malformed_credentials', 'invalid_characters'],
    [{ authorization: `Bearer ${KEY}é` }, 'malformed_credentials', 'invalid_characters'],
    [{ authorization: `Béarer ${KEY}` }, 'malformed_credentials', 'invalid_characters'],
    [{ 'x-api-key': 'a'.repeat(5000) }, 'malformed_credentials', 'too_long'],
    [{ authorization: `Bearer ${'a'.repeat(5000)}` }, 'malformed_credentials', 'too_long'],
    [{ 'x-api-key': 'abc=def' }, 'malformed_credentials', 'invalid_characters'],
  ] as const)('%j → %s (%s)', (headers, code, reason) => {
    const result = extractCredential(headers as Record<string, string>);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ ok: false, failure: reason === undefined ? { code } : { code, reason } });
  });

  it('accepts b64token padding', () => {
    expect(extractCredential({ authorization: 'Bearer abc==' })).toMatchObject({ ok: true, credential: { value: 'abc==' } });
  });

  it('honours maxLength', () => {
    expect(extractCredential({ 'x-api-key': 'a'.repeat(100) }, { maxLength: 99 })).toMatchObject({ failure: { reason: 'too_long' } });
    expect(extractCredential({ 'x-api-key': 'a'.repeat(99) }, { maxLength: 99 })).toMatchObject({ ok: true });
  });

  it('authorizationOnly ignores X-API-Key', () => {
    expect(extractCredential({ 'x-api-key': KEY }, { authorizationOnly: true })).toEqual({ ok: false, failure: { code: 'missing_credentials' } });
  });

  it('property: arbitrary header values never throw and always map to a documented outcome', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.string().map((s) => `Bearer ${s}`),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
      fc.string({ unit: fc.constantFrom(' ', '\t', ',', '=', 'B', 'e', 'a', 'r', 'x', '.', '\u0000') }),
    );
    fc.assert(
      fc.property(value, value, (apiKey, authorization) => {
        const headers: Record<string, string | string[] | undefined> = {};
        if (apiKey !== undefined) headers['x-api-key'] = apiKey;
        if (authorization !== undefined) headers.authorization = authorization;
        const result = extractCredential(headers);
        if (result.ok) {
          // What passes is a single printable b64token, never with spaces, commas or controls.
          expect(result.credential.value).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
          expect(result.credential.source).toBe(apiKey !== undefined ? 'x-api-key' : 'authorization');
        } else {
          expect(['missing_credentials', 'malformed_credentials']).toContain(result.failure.code);
          if (result.failure.code === 'missing_credentials') expect(apiKey === undefined && authorization === undefined).toBe(true);
        }
      }),
    );
  });
});

describe('nodeRequestHeaders', () => {
  const message = (rawHeaders: string[]) => {
    const headers: Record<string, string> = {};
    // What Node does: the first Authorization line wins, X-API-Key lines are joined.
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toLowerCase();
      if (headers[name] === undefined) headers[name] = rawHeaders[i + 1]!;
      else if (name !== 'authorization') headers[name] += `, ${rawHeaders[i + 1]!}`;
    }
    return { headers, rawHeaders };
  };

  it('refuses two Authorization lines (malformed_credentials), which req.headers hides', () => {
    const twoLines = message(['Host', 'x', 'Authorization', 'Bearer aaaa', 'authorization', 'Bearer bbbb']);
    expect(extractCredential(twoLines.headers)).toMatchObject({ ok: true, credential: { value: 'aaaa' } });
    expect(extractCredential(nodeRequestHeaders(twoLines))).toEqual({ ok: false, failure: { code: 'malformed_credentials', reason: 'multiple_values', source: 'authorization' } });
    expect(extractCredential(nodeRequestHeaders(twoLines), { authorizationOnly: true })).toMatchObject({ ok: false, failure: { reason: 'multiple_values' } });
  });

  it('reads one Authorization line, X-API-Key and missing headers as req.headers does', () => {
    expect(extractCredential(nodeRequestHeaders(message(['AUTHORIZATION', 'Bearer aaaa'])))).toMatchObject({ ok: true, credential: { value: 'aaaa', source: 'authorization' } });
    expect(extractCredential(nodeRequestHeaders(message(['X-API-Key', 'kkkk', 'Authorization', 'Bearer a'])))).toMatchObject({ ok: true, credential: { value: 'kkkk' } });
    expect(extractCredential(nodeRequestHeaders(message(['x-api-key', 'k1', 'x-api-key', 'k2'])))).toMatchObject({ ok: false, failure: { reason: 'multiple_values' } });
    expect(extractCredential(nodeRequestHeaders(message(['Host', 'x'])))).toEqual({ ok: false, failure: { code: 'missing_credentials' } });
  });
});
