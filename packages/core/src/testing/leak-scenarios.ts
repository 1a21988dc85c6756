import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyStore, createKeyward } from '@keyward/core';
import type { Keyward } from '@keyward/core';
import type { LeakReportOptions } from '@keyward/core/adapter';
import type { HttpScenarioServer } from './http-scenarios.js';
import { listenOnLoopback } from './listen.js';

/**
 * How {@link runLeakReportScenarios} gets a server: the adapter's `apiKeyLeakReports(keyward, options)`
 * mounted at `POST /security/leaked-keys` of an app that also runs the keyward auth on its other
 * routes. Return a `node:http` server not listening yet, or one you started as `{ url, close }`.
 */
export interface LeakReportFixture {
  start(keyward: Keyward, options: LeakReportOptions): Promise<HttpScenarioServer | Server>;
}

/**
 * The leaked-key endpoint over HTTP, the same on every adapter: a report signed by the scanner's
 * key revokes the live key within the request and labels each token by hash; a tampered body or a
 * foreign signature is a 401 that revokes nothing; the token never comes back in an answer.
 *
 * @example
 * ```ts
 * runLeakReportScenarios('express', { start: async (keyward, options) => createServer(express().post('/security/leaked-keys', apiKeyLeakReports(keyward, options))) });
 * ```
 */
export function runLeakReportScenarios(name: string, fixture: LeakReportFixture): void {
  describe(`leak report scenarios: ${name}`, () => {
    const scanner = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], pepper: 'leak-scenarios-pepper-0123456789-0123', logger: false, usage: false });
    let server: HttpScenarioServer;

    beforeAll(async () => {
      const publicKeys = [{ keyIdentifier: 'scanner-1', key: scanner.publicKey.export({ type: 'spki', format: 'pem' }) as string }];
      const started = await fixture.start(keyward, { publicKeys });
      server = started instanceof Server ? await listenOnLoopback(started) : started;
    });
    afterAll(async () => {
      await server?.close();
      await keyward.close();
    });

    const post = (body: string, privateKey = scanner.privateKey) =>
      fetch(`${server.url}/security/leaked-keys`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'github-public-key-identifier': 'scanner-1',
          'github-public-key-signature': sign('sha256', Buffer.from(body), privateKey).toString('base64'),
        },
        body,
      });

    it('a signed report revokes the reported live key within the request', async () => {
      const { key } = await keyward.keys.create({ ownerId: 'u1', nickname: `leaked-${name}` });
      const body = JSON.stringify([{ token: key, type: 'keyward_api_key', url: 'https://github.com/o/r/blob/main/.env', source: 'content' }, { token: 'nope', type: 'keyward_api_key' }]);
      const res = await post(body);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).not.toContain(key);
      expect(JSON.parse(text)).toEqual([
        { token_hash: createHash('sha256').update(key).digest('hex'), token_type: 'keyward_api_key', label: 'true_positive' },
        { token_hash: createHash('sha256').update('nope').digest('hex'), token_type: 'keyward_api_key', label: 'false_positive' },
      ]);
      const after = await keyward.authenticate({ 'x-api-key': key });
      expect(!after.ok && after.failure.code).toBe('revoked_api_key');
    });

    it('a tampered body or a foreign signature is 401 and revokes nothing', async () => {
      const { key } = await keyward.keys.create({ ownerId: 'u2', nickname: `kept-${name}` });
      const body = JSON.stringify([{ token: key, type: 'keyward_api_key' }]);
      const signature = sign('sha256', Buffer.from(body), scanner.privateKey).toString('base64');
      const tampered = await fetch(`${server.url}/security/leaked-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'github-public-key-identifier': 'scanner-1', 'github-public-key-signature': signature },
        body: body.replace('keyward_api_key', 'keyward_api_kez'),
      });
      expect(tampered.status).toBe(401);
      expect(await tampered.text()).not.toContain(key);
      expect((await post(body, stranger.privateKey)).status).toBe(401);
      expect((await keyward.authenticate({ 'x-api-key': key })).ok).toBe(true);
    });
  });
}
