import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyward } from '../keyward.js';
import { MemoryKeyStore } from '../store/memory-store.js';
import { KeywardConfigError } from '../errors.js';
import { createLeakReportApi } from './leak-reports.js';
import type { LeakedKey } from './leak-reports.js';
import type { KeywardEvent } from '../events/types.js';

const reporter = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const intruder = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PEM = reporter.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const signed = (body: string, privateKey = reporter.privateKey, id = 'key-1') => ({
  headers: { 'github-public-key-identifier': id, 'github-public-key-signature': sign('sha256', Buffer.from(body), privateKey).toString('base64') },
  body,
});
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function setup(action?: 'revoke' | 'report') {
  const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], pepper: 'p'.repeat(32), logger: false, usage: false });
  const leaks: LeakedKey[] = [];
  const api = createLeakReportApi(keyward, { publicKeys: [{ keyIdentifier: 'key-1', key: PEM }], onLeak: (l) => leaks.push(l), ...(action ? { action } : {}) });
  return { keyward, api, leaks };
}

describe('leak reports (secret-scanning partner format)', () => {
  it('a signed report revokes the live key in the same request and labels every token by hash', async () => {
    const { keyward, api, leaks } = setup();
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'leaked' });
    const body = JSON.stringify([
      { token: key, type: 'keyward_api_key', url: 'https://github.com/o/r/blob/x/.env', source: 'content' },
      { token: 'eck_live_notarealkey', type: 'keyward_api_key' },
    ]);
    const res = await api.handle(signed(body));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.json)).toEqual([
      { token_hash: sha256(key), token_type: 'keyward_api_key', label: 'true_positive' },
      { token_hash: sha256('eck_live_notarealkey'), token_type: 'keyward_api_key', label: 'false_positive' },
    ]);
    expect(res.json).not.toContain(key);
    const after = await keyward.authenticate({ 'x-api-key': key });
    expect(!after.ok && after.failure.code).toBe('revoked_api_key');
    expect(leaks).toEqual([{ keyId: record.id, outcome: 'revoked', url: 'https://github.com/o/r/blob/x/.env', source: 'content' }]);
    // Reported again: still a true positive (it is a real key), nothing left to revoke.
    expect(JSON.parse((await api.handle(signed(body))).json)[0].label).toBe('true_positive');
    expect(leaks.at(-1)).toMatchObject({ keyId: record.id, outcome: 'already_inactive' });
  });

  it('reports leak_reported events (actor system) and keeps them as audit records of the key\'s organization', async () => {
    const events: KeywardEvent[] = [];
    const store = new MemoryKeyStore();
    const keyward = createKeyward({ store, prefixes: ['eck_live_'], pepper: 'p'.repeat(32), logger: false, usage: false, onEvent: (e) => void events.push(e) });
    const api = createLeakReportApi(keyward, { publicKeys: [{ keyIdentifier: 'key-1', key: PEM }] });
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'leaked' });
    const body = JSON.stringify([{ token: key, type: 'keyward_api_key', url: 'https://example.com/x' }]);
    await api.handle(signed(body));
    await api.handle(signed(body));
    const leaked = events.filter((e) => e.type === 'leak_reported' || e.type === 'authn_token_revoked');
    expect(leaked.map((e) => [e.type, e.actor, e.orgId, e.keyId])).toEqual([
      ['authn_token_revoked', 'system', 'acme', record.id],
      ['leak_reported', 'system', 'acme', record.id],
      ['leak_reported', 'system', 'acme', record.id],
    ]);
    expect(leaked[1]).toMatchObject({ outcome: 'revoked', url: 'https://example.com/x', source: null });
    expect(leaked[2]).toMatchObject({ outcome: 'already_inactive' });
    const audit = await store.listAudit('acme', { limit: 10 });
    expect(audit.records.map((r) => r.type)).toEqual(['leak_reported', 'leak_reported', 'authn_token_revoked', 'authn_token_created']);
    expect(JSON.stringify(audit.records)).not.toContain(key);
  });

  it('a tampered body, a signature by another key, an unknown key id or no signature is 401 and changes nothing', async () => {
    const { keyward, api, leaks } = setup();
    const { key } = await keyward.keys.create({ ownerId: 'u1', nickname: 'safe' });
    const body = JSON.stringify([{ token: key, type: 'keyward_api_key' }]);
    const good = signed(body);
    const attempts = [
      { headers: good.headers, body: body.replace('keyward_api_key', 'keyward_api_kex') },
      signed(body, intruder.privateKey),
      signed(body, reporter.privateKey, 'key-2'),
      { headers: {}, body },
      { headers: { ...good.headers, 'github-public-key-signature': 'not base64 at all!' }, body },
    ];
    for (const attempt of attempts) {
      const res = await api.handle(attempt);
      expect(res.status).toBe(401);
      expect(res.json).not.toContain(key);
    }
    expect((await keyward.authenticate({ 'x-api-key': key })).ok).toBe(true);
    expect(leaks).toEqual([]);
  });

  it("action 'report' labels and reports without revoking", async () => {
    const { keyward, api, leaks } = setup('report');
    const { key } = await keyward.keys.create({ ownerId: 'u1', nickname: 'flagged' });
    const res = await api.handle(signed(JSON.stringify([{ token: key, type: 't' }])));
    expect(JSON.parse(res.json)[0].label).toBe('true_positive');
    expect((await keyward.authenticate({ 'x-api-key': key })).ok).toBe(true);
    expect(leaks[0]!.outcome).toBe('reported');
  });

  it('bad bodies get clear answers: not JSON 400, wrong shape 422, too large 413 (reading stops there)', async () => {
    const { api } = setup();
    expect((await api.handle(signed('{nope'))).status).toBe(400);
    expect((await api.handle(signed('{"token":"x"}'))).status).toBe(422);
    expect((await api.handle(signed('[{"token":5,"type":"t"}]'))).status).toBe(422);
    let chunksRead = 0;
    async function* huge() {
      for (let i = 0; i < 10_000; i++) {
        chunksRead++;
        yield new Uint8Array(64 * 1024);
      }
    }
    const res = await api.handle({ headers: signed('[]').headers, body: huge() });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(chunksRead).toBeLessThan(20);
  });

  describe('public keys fetched from the reporter, cached', () => {
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ public_keys: [{ key_identifier: 'key-1', key: PEM, is_current: true }] }));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('verifies with the fetched key, fetches once, and does not refetch for every unknown id', async () => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
      const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], logger: false, usage: false });
      const api = createLeakReportApi(keyward, { publicKeysUrl: url });
      expect((await api.handle(signed('[]'))).status).toBe(200);
      expect((await api.handle(signed('[]'))).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await api.handle(signed('[]', reporter.privateKey, `forged-${i}`))).status).toBe(401);
      expect(fetches).toBe(1);
    });
  });

  it('checks its options at start-up', () => {
    const { keyward } = setup();
    expect(() => createLeakReportApi(keyward, {})).toThrow(/exactly one of "publicKeys" and "publicKeysUrl"/);
    expect(() => createLeakReportApi(keyward, { publicKeys: [{ keyIdentifier: 'k', key: 'nope' }] })).toThrow(KeywardConfigError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(() => createLeakReportApi(keyward, { publicKeys: [{ keyIdentifier: 'k', key: rsa }] })).toThrow(/ECDSA P-256/);
    expect(() => createLeakReportApi(keyward, { publicKeysUrl: 'http://scanner.example.com/keys' })).toThrow(/https/);
    expect(() => createLeakReportApi(keyward, { publicKeys: [{ keyIdentifier: 'key-1', key: PEM }], acton: 'report' } as never)).toThrow(/did you mean "action"/);
  });
});
