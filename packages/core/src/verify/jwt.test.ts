import { createServer } from 'node:http';
import { createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywardConfigError } from '../errors.js';
import { createJwtVerifier, looksLikeJwt } from './jwt.js';
import type { JwtResult, JwtVerifierOptions } from './jwt.js';
import type { HttpScenarioServer } from '../testing/http-scenarios.js';
import { listenOnLoopback } from '../testing/listen.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const T0 = Date.parse('2030-01-01T00:00:00Z');
const NOW = T0 / 1000;
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'keyward';

function clockAt(ms = T0) {
  const clock = { t: ms, now: () => clock.t };
  return clock;
}

const b64url = (value: string) => Buffer.from(value).toString('base64url');

async function sign(claims: JWTPayload, key: CryptoKey | Uint8Array, header: { alg: string; kid?: string } = { alg: 'HS256' }) {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}
const hs = (claims: JWTPayload, secret = SECRET, alg = 'HS256') => sign(claims, new TextEncoder().encode(secret), { alg });
const base: JWTPayload = { sub: 'user_1', iss: ISSUER, aud: AUDIENCE, iat: NOW, exp: NOW + 600 };

function hsVerifier(extra: Partial<JwtVerifierOptions> = {}, clock = clockAt()) {
  return createJwtVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, ...extra }, clock);
}

function failureOf(result: JwtResult) {
  if (result.ok) throw new Error('expected a failure');
  return result.failure;
}

describe('createJwtVerifier with HS256', () => {
  it('maps claims to a frozen jwt principal', async () => {
    const token = await hs({ ...base, org: 'acme', scope: 'agents:run  agents:read agents:run' });
    const result = await hsVerifier().verify(token);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { principal } = result;
    expect(principal).toMatchObject({
      type: 'jwt', keyId: null, ownerId: 'user_1', orgId: 'acme', nickname: null, environment: null,
      scopes: ['agents:run', 'agents:read'],
    });
    expect(principal.expiresAt).toEqual(new Date((NOW + 600) * 1000));
    expect(principal.metadata).toMatchObject({ sub: 'user_1', org: 'acme', iss: ISSUER });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.scopes)).toBe(true);
    expect(Object.isFrozen(principal.metadata)).toBe(true);
  });

  it('reads a custom org claim and scp as an array or a string, dropping non-strings', async () => {
    const verifier = hsVerifier({ orgClaim: 'https://example.com/org' });
    const arrayToken = await hs({ ...base, org: 'ignored', 'https://example.com/org': 'globex', scp: ['a:read', 7, null, 'b:write'] });
    const arrayResult = await verifier.verify(arrayToken);
    expect(arrayResult.ok && arrayResult.principal).toMatchObject({ orgId: 'globex', scopes: ['a:read', 'b:write'] });
    const stringResult = await hsVerifier({ orgClaim: 'https://example.com/org', requireExpiry: false }).verify(await hs({ ...base, scp: 'x:read y:read', exp: undefined }));
    expect(stringResult.ok && stringResult.principal).toMatchObject({ orgId: null, scopes: ['x:read', 'y:read'], expiresAt: null });
    const none = await verifier.verify(await hs({ ...base, scope: 42 }));
    expect(none.ok && none.principal.scopes).toEqual([]);
  });

  it('accepts several HS algorithms with a long enough secret (also as a KeyObject)', async () => {
    const secret = 'k'.repeat(64);
    for (const input of [secret, createSecretKey(Buffer.from(secret))]) {
      const verifier = createJwtVerifier({ secret: input, algorithms: ['HS256', 'HS512'] }, clockAt());
      expect((await verifier.verify(await hs(base, secret, 'HS256'))).ok).toBe(true);
      expect((await verifier.verify(await hs(base, secret, 'HS512'))).ok).toBe(true);
      expect(failureOf(await verifier.verify(await hs(base, secret, 'HS384')))).toEqual({ code: 'invalid_token', reason: 'algorithm' });
    }
  });

  it('rejects a wrong signature and a tampered payload', async () => {
    const other = await hs(base, 'another-secret-that-is-long-enough-too!!');
    expect(failureOf(await hsVerifier().verify(other))).toEqual({ code: 'invalid_token', reason: 'signature' });
    const [h, , s] = (await hs(base)).split('.');
    const tampered = `${h}.${b64url(JSON.stringify({ ...base, sub: 'admin' }))}.${s}`;
    expect(failureOf(await hsVerifier().verify(tampered))).toEqual({ code: 'invalid_token', reason: 'signature' });
  });

  it('checks exp against the injected clock with tolerance on both sides', async () => {
    const clock = clockAt();
    const verifier = hsVerifier({}, clock);
    const token = await hs({ ...base, exp: NOW + 60 });
    expect((await verifier.verify(token)).ok).toBe(true);
    clock.t = T0 + 64_000; // 4 s past exp, inside the 5 s tolerance
    expect((await verifier.verify(token)).ok).toBe(true);
    clock.t = T0 + 66_000;
    expect(failureOf(await verifier.verify(token))).toEqual({ code: 'invalid_token', reason: 'expired' });
    const strict = hsVerifier({ clockToleranceSeconds: 0 }, clockAt(T0 + 60_000));
    expect(failureOf(await strict.verify(token)).reason).toBe('expired');
  });

  it('checks nbf against the injected clock with tolerance', async () => {
    const clock = clockAt();
    const verifier = hsVerifier({}, clock);
    const soon = await hs({ ...base, nbf: NOW + 4 });
    const later = await hs({ ...base, nbf: NOW + 30 });
    expect((await verifier.verify(soon)).ok).toBe(true);
    expect(failureOf(await verifier.verify(later))).toEqual({ code: 'invalid_token', reason: 'not_yet_valid' });
    expect(failureOf(await hsVerifier({ clockToleranceSeconds: 0 }).verify(soon)).reason).toBe('not_yet_valid');
    clock.t = T0 + 30_000;
    expect((await verifier.verify(later)).ok).toBe(true);
  });

  it('rejects a wrong issuer or audience', async () => {
    expect(failureOf(await hsVerifier().verify(await hs({ ...base, iss: 'https://evil.example' })))).toEqual({ code: 'invalid_token', reason: 'claims' });
    expect(failureOf(await hsVerifier().verify(await hs({ ...base, aud: 'other' })))).toEqual({ code: 'invalid_token', reason: 'claims' });
    const multi = hsVerifier({ issuer: [ISSUER, 'https://b.example'], audience: ['x', AUDIENCE] });
    expect((await multi.verify(await hs(base))).ok).toBe(true);
  });

  it('requires exp by default: a token without one would never expire', async () => {
    expect(failureOf(await hsVerifier().verify(await hs({ ...base, exp: undefined })))).toEqual({ code: 'invalid_token', reason: 'claims' });
    const lenient = await hsVerifier({ requireExpiry: false }).verify(await hs({ ...base, exp: undefined }));
    expect(lenient.ok && lenient.principal.expiresAt).toBeNull();
  });

  it('bounds the lifetime: exp - iat (or exp - now without iat) at most maxTokenLifetimeSeconds, one day by default', async () => {
    const verifier = hsVerifier();
    expect((await verifier.verify(await hs({ ...base, exp: NOW + 86_400 }))).ok).toBe(true);
    for (const exp of [NOW + 86_401, 1e300, Number.MAX_SAFE_INTEGER]) {
      expect(failureOf(await verifier.verify(await hs({ ...base, exp })))).toEqual({ code: 'invalid_token', reason: 'claims' });
    }
    // Issued an hour ago for a day and an hour: too long a lifetime even if what is left is short.
    expect(failureOf(await verifier.verify(await hs({ ...base, iat: NOW - 3600, exp: NOW + 86_400 }))).reason).toBe('claims');
    expect((await verifier.verify(await hs({ ...base, iat: undefined, exp: NOW + 86_400 }))).ok).toBe(true);
    expect(failureOf(await verifier.verify(await hs({ ...base, iat: undefined, exp: NOW + 86_410 }))).reason).toBe('claims');
    const short = hsVerifier({ maxTokenLifetimeSeconds: 300 });
    expect((await short.verify(await hs({ ...base, exp: NOW + 300 }))).ok).toBe(true);
    expect(failureOf(await short.verify(await hs(base))).reason).toBe('claims');
    const lenient = hsVerifier({ requireExpiry: false });
    expect(failureOf(await lenient.verify(await hs({ ...base, exp: 1e300 }))).reason).toBe('claims');
  });

  it('refuses an iat in the future beyond the clock tolerance', async () => {
    const verifier = hsVerifier();
    expect((await verifier.verify(await hs({ ...base, iat: NOW + 5, exp: NOW + 600 }))).ok).toBe(true);
    expect(failureOf(await verifier.verify(await hs({ ...base, iat: NOW + 6, exp: NOW + 600 })))).toEqual({ code: 'invalid_token', reason: 'not_yet_valid' });
    const yearAhead = NOW + 365 * 86_400;
    expect(failureOf(await verifier.verify(await hs({ ...base, iat: yearAhead, exp: yearAhead + 600 }))).reason).toBe('not_yet_valid');
  });

  it('checks requireExpiry and maxTokenLifetimeSeconds at construction', () => {
    for (const bad of [0, 0.5, -1, 365 * 86_400 + 1, Number.NaN, '3600']) {
      expect(() => hsVerifier({ maxTokenLifetimeSeconds: bad as never })).toThrow(/jwt.maxTokenLifetimeSeconds/);
    }
    expect(() => hsVerifier({ requireExpiry: 'yes' as never })).toThrow(/jwt.requireExpiry/);
    expect(() => hsVerifier({ maxTokenLifetimeSeconds: 365 * 86_400 })).not.toThrow();
  });

  it('enforces maxTokenAgeSeconds using iat', async () => {
    const verifier = hsVerifier({ maxTokenAgeSeconds: 60 });
    expect((await verifier.verify(await hs({ ...base, iat: NOW - 30 }))).ok).toBe(true);
    expect(failureOf(await verifier.verify(await hs({ ...base, iat: NOW - 120 }))).reason).toBe('expired');
    expect(failureOf(await verifier.verify(await hs({ ...base, iat: undefined }))).reason).toBe('claims');
  });

  it('refuses a token without a non-empty string sub: every principal has an owner', async () => {
    for (const sub of [undefined, '', 12 as unknown as string]) {
      expect(failureOf(await hsVerifier().verify(await hs({ ...base, sub }))).reason).toBe('claims');
    }
    expect(() => hsVerifier({ requireSubject: false } as never)).toThrow(/unknown option "jwt.requireSubject"/);
  });

  it('refuses unsecured alg:none tokens', async () => {
    const header = b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const token = `${header}.${b64url(JSON.stringify(base))}.`;
    expect(failureOf(await hsVerifier().verify(token)).code).toBe('invalid_token');
    const upper = `${b64url(JSON.stringify({ alg: 'NONE' }))}.${b64url(JSON.stringify(base))}.`;
    expect(failureOf(await hsVerifier().verify(upper)).code).toBe('invalid_token');
  });

  it('answers malformed for non-JWT input', async () => {
    for (const token of ['', 'eck_live_abc', 'a.b', 'a.b.c.d', 'abc.def.ghi', `${b64url('{"alg":"HS256"}')}.%%%.x`]) {
      expect(failureOf(await hsVerifier().verify(token))).toEqual({ code: 'invalid_token', reason: 'malformed' });
    }
  });
});

describe('asymmetric keys', () => {
  const algs = ['RS256', 'ES256', 'EdDSA'] as const;
  const keys = new Map<string, { privateKey: CryptoKey; publicKey: CryptoKey; pem: string; jwk: JWK }>();

  beforeAll(async () => {
    for (const alg of algs) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      keys.set(alg, { privateKey, publicKey, pem: await exportSPKI(publicKey), jwk: await exportJWK(publicKey) });
    }
  });
  const keyOf = (alg: string) => keys.get(alg)!;

  for (const alg of algs) {
    it(`${alg}: verifies with a PEM, a JWK, a KeyObject, a CryptoKey and a local JWKS`, async () => {
      const { privateKey, publicKey, pem, jwk } = keyOf(alg);
      const token = await sign(base, privateKey, { alg, kid: 'k1' });
      const sources: JwtVerifierOptions[] = [
        { publicKey: pem }, { publicKey: jwk }, { publicKey: createPublicKey(pem) }, { publicKey },
        { jwks: createLocalJWKSet({ keys: [{ ...jwk, kid: 'k1', alg }] }) },
      ];
      for (const source of sources) {
        const result = await createJwtVerifier({ ...source, algorithms: [alg], issuer: ISSUER }, clockAt()).verify(token);
        expect(result.ok && result.principal.ownerId).toBe('user_1');
      }
      const foreign = await sign(base, (await generateKeyPair(alg)).privateKey, { alg, kid: 'k1' });
      expect(failureOf(await createJwtVerifier({ publicKey: pem, algorithms: [alg] }, clockAt()).verify(foreign)).reason).toBe('signature');
    });
  }

  it('answers signature when no JWKS key matches the kid', async () => {
    const { privateKey, jwk } = keyOf('ES256');
    const verifier = createJwtVerifier({ jwks: createLocalJWKSet({ keys: [{ ...jwk, kid: 'k1' }] }), algorithms: ['ES256'] }, clockAt());
    const token = await sign(base, privateKey, { alg: 'ES256', kid: 'unknown' });
    expect(failureOf(await verifier.verify(token))).toEqual({ code: 'invalid_token', reason: 'signature' });
  });

  it('defeats HS/RS confusion: an HS256 token keyed with the public PEM is refused', async () => {
    const { pem } = keyOf('RS256');
    const forged = await hs(base, pem);
    for (const publicKey of [pem, keyOf('RS256').jwk]) {
      const verifier = createJwtVerifier({ publicKey, algorithms: ['RS256'] }, clockAt());
      expect(failureOf(await verifier.verify(forged))).toEqual({ code: 'invalid_token', reason: 'algorithm' });
    }
  });

  it('refuses an RS256 token presented to an HS256 verifier', async () => {
    const token = await sign(base, keyOf('RS256').privateKey, { alg: 'RS256' });
    expect(['algorithm', 'signature']).toContain(failureOf(await hsVerifier().verify(token)).reason);
  });
});

describe('remote JWKS', () => {
  let server: HttpScenarioServer;
  let requests = 0;
  let url: string;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const body = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    server = await listenOnLoopback(
      createServer((req, res) => {
        requests += 1;
        if (req.url === '/broken') res.writeHead(500).end('oops');
        else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      }),
    );
    url = server.url;
  });
  afterAll(() => server.close());

  it('fetches the key set once for many verifications', async () => {
    const verifier = createJwtVerifier({ jwksUrl: `${url}/jwks.json`, algorithms: ['RS256'] }, clockAt());
    const token = await sign(base, privateKey, { alg: 'RS256', kid: 'k1' });
    requests = 0;
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token)));
    for (let i = 0; i < 10; i += 1) concurrent.push(await verifier.verify(token));
    expect(concurrent.every((result) => result.ok)).toBe(true);
    expect(requests).toBe(1);
  });

  it('answers auth_unavailable when the JWKS endpoint fails', async () => {
    const verifier = createJwtVerifier({ jwksUrl: new URL(`${url}/broken`), algorithms: ['RS256'] }, clockAt());
    const token = await sign(base, privateKey, { alg: 'RS256', kid: 'k1' });
    expect(failureOf(await verifier.verify(token))).toEqual({ code: 'auth_unavailable', reason: 'jwks_unavailable', retryAfterSeconds: 5 });
  });

  it('answers auth_unavailable when the JWKS server is down', async () => {
    const closed = await listenOnLoopback(createServer());
    const { port } = new URL(closed.url);
    await closed.close();
    const verifier = createJwtVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, algorithms: ['RS256'] }, clockAt());
    const token = await sign(base, privateKey, { alg: 'RS256', kid: 'k1' });
    expect(failureOf(await verifier.verify(token))).toEqual({ code: 'auth_unavailable', reason: 'jwks_unavailable', retryAfterSeconds: 5 });
    // the instance's Retry-After applies to JWKS outages as to store outages
    const configured = createJwtVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, algorithms: ['RS256'] }, { ...clockAt(), retryAfterSeconds: 11 });
    expect(failureOf(await configured.verify(token))).toMatchObject({ code: 'auth_unavailable', retryAfterSeconds: 11 });
    // garbage never reaches the key source, so it stays a 401
    expect(failureOf(await verifier.verify('abc.def.')).code).toBe('invalid_token');
  });
});

describe('configuration errors', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown option', { secret: SECRET, secrett: 'x', foo: 1 }, /"jwt\.secrett" \(did you mean "jwt\.secret"\?\), "jwt\.foo"/],
    ['no key source', { issuer: ISSUER }, /exactly one key source/],
    ['two key sources', { secret: SECRET, publicKey: pem, algorithms: ['RS256'] }, /exactly one key source/],
    ['none', { secret: SECRET, algorithms: ['HS256', 'none'] }, /jwt\.algorithms must not contain "none"/],
    ['HS alg with a public key', { publicKey: pem, algorithms: ['HS256'] }, /"HS256".*jwt\.secret/],
    ['RS alg with a secret', { secret: SECRET, algorithms: ['RS256'] }, /"RS256".*jwt\.secret/],
    ['HS alg with a JWKS', { jwksUrl: 'https://a.example/jwks', algorithms: ['HS256'] }, /"HS256"/],
    ['missing algorithms for a public key', { publicKey: pem }, /jwt\.algorithms is required/],
    ['unsupported algorithm', { publicKey: pem, algorithms: ['RS1'] }, /unsupported "RS1"/],
    ['short secret', { secret: 'x'.repeat(31) }, /jwt\.secret must be at least 32 bytes/],
    ['secret too short for HS512', { secret: 'x'.repeat(40), algorithms: ['HS512'] }, /at least 64 bytes/],
    ['key that does not fit the algorithm', { publicKey: pem, algorithms: ['ES256'] }, /"ES256"/],
    ['private key PEM', { publicKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), algorithms: ['RS256'] }, /not a private key/],
    ['unparseable PEM', { publicKey: 'not a pem', algorithms: ['RS256'] }, /jwt\.publicKey must be/],
    ['symmetric JWK as public key', { publicKey: { kty: 'oct', k: 'AAAA' }, algorithms: ['RS256'] }, /jwt\.publicKey JWK/],
    ['plain http JWKS', { jwksUrl: 'http://auth.example.com/jwks', algorithms: ['RS256'] }, /jwt\.jwksUrl must use https/],
    ['jwks not a function', { jwks: { keys: [] }, algorithms: ['RS256'] }, /jwt\.jwks must be/],
    ['negative tolerance', { secret: SECRET, clockToleranceSeconds: -1 }, /jwt\.clockToleranceSeconds/],
    ['empty issuer', { secret: SECRET, issuer: [] }, /jwt\.issuer/],
  ];
  for (const [name, options, message] of cases) {
    it(`throws KeywardConfigError for ${name}`, () => {
      const attempt = () => createJwtVerifier(options as JwtVerifierOptions);
      expect(attempt).toThrow(KeywardConfigError);
      expect(attempt).toThrow(message);
    });
  }

  it('never puts the secret in a configuration error', () => {
    const secret = 'short-secret-value';
    try {
      createJwtVerifier({ secret, bogus: true } as JwtVerifierOptions);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
    }
    expect(() => createJwtVerifier({ secret })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
  });
});

describe('looksLikeJwt', () => {
  it.each([
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl', true],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.', true],
    ['a-_b.c_d-.e', true],
  ])('%s → %s', (value, expected) => expect(looksLikeJwt(value)).toBe(expected));
  it.each([
    '', 'eck_live_abcdef', 'a.b', 'a.b.c.d', '.b.c', 'a..c', 'a.b.c ', ' a.b.c', 'a+b.c.d', 'a/b.c.d', 'a.b.c=', 'a.b\n.c', 'a.b.c\n',
  ])('%j → false', (value) => expect(looksLikeJwt(value)).toBe(false));
});

describe('hygiene', () => {
  it('never puts the token or its signature in a failure', async () => {
    const good = await hs(base);
    const signature = good.split('.')[2]!;
    const tokens = [
      good.slice(0, -2) + 'AA',
      await hs({ ...base, exp: NOW - 3600 }),
      await hs({ ...base, iss: 'nope' }),
      await hs(base, 'a-completely-different-secret-of-length!'),
      `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(base))}.`,
      `${b64url('{"alg":"HS256"}')}.bm90IGpzb24.${signature}`,
    ];
    for (const token of tokens) {
      const result = await hsVerifier().verify(token);
      const text = JSON.stringify(result) + String(failureOf(result));
      expect(text).not.toContain(token);
      for (const part of token.split('.')) if (part.length > 3) expect(text).not.toContain(part);
    }
  });

  it('never throws: random input resolves to invalid_token', async () => {
    const verifier = hsVerifier();
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/);
    const input = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
      fc.tuple(fc.json(), fc.json(), segment).map(([h, p, s]) => `${b64url(h)}.${b64url(p)}.${s}`),
      fc.tuple(fc.constantFrom('HS256', 'none', 'RS256', 'ES256', 'HS512'), fc.json(), segment)
        .map(([alg, p, s]) => `${b64url(JSON.stringify({ alg }))}.${b64url(p)}.${s}`),
    );
    await fc.assert(
      fc.asyncProperty(input, async (token) => {
        const result = await verifier.verify(token);
        expect(result.ok).toBe(false);
        expect(failureOf(result).code).toBe('invalid_token');
      }),
      { numRuns: 500 },
    );
  });
});
