// Start-up failures of a reference app: one line naming the problem, no stack, no secret, exit 1.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runUntilExit, startExampleProcess } from './support/process.js';
import { FRAMEWORKS, exampleDir } from './support/apps.js';

const express = exampleDir('express');

/** @param {string} store */
async function failedStart(store) {
  return startExampleProcess(express, { KEYWARD_STORE: store }, { timeoutMs: 20_000 }).then(
    () => {
      throw new Error('the app should not have started');
    },
    (/** @type {Error} */ error) => error.message,
  );
}

describe('start-up failures', () => {
  it.each([
    ['redis://:hunter2@127.0.0.1:1', /could not start: could not connect to Redis: connect ECONNREFUSED 127\.0\.0\.1:1\n$/],
    ['postgres://postgres:hunter2@127.0.0.1:1/test', /could not start: .*ECONNREFUSED.*\n$/],
    ['pglite:/proc/keyward-cannot-create-this', /could not start: .*ENOENT.*\n$/],
  ])('%s: one line, no stack trace, no password', async (store, line) => {
    const output = await failedStart(store);
    expect(output).toMatch(line);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('hunter2');
  });
});

describe('a port already taken', () => {
  it.each(FRAMEWORKS)('%s: one line naming the address, exit status 1', async (framework) => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = /** @type {import('node:net').AddressInfo} */ (taken.address());
    try {
      const { code, stderr } = await runUntilExit(exampleDir(framework), { PORT: String(port), KEYWARD_PEPPER: 'p'.repeat(43) });
      expect(code).toBe(1);
      expect(stderr).toBe(`keyward reference app (${framework}) could not start: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
    } finally {
      taken.close();
    }
  });
});

describe('NODE_ENV=production', () => {
  const secrets = { KEYWARD_JWT_SECRET: 's'.repeat(43), KEYWARD_PEPPER: 'p'.repeat(43) };
  it.each([
    ['KEYWARD_PEPPER', { KEYWARD_JWT_SECRET: secrets.KEYWARD_JWT_SECRET }],
    ['KEYWARD_JWT_SECRET', { KEYWARD_PEPPER: secrets.KEYWARD_PEPPER }],
    ['KEYWARD_PEPPER and KEYWARD_JWT_SECRET', {}],
  ])('without %s: refuses to start, one line on stderr, nothing printed, exit status 1', async (missing, env) => {
    const { code, stdout, stderr } = await runUntilExit(express, { NODE_ENV: 'production', ...env });
    expect(code).toBe(1);
    expect(stderr).toBe(`keyward reference app (express) could not start: NODE_ENV=production needs ${missing}: the demo pepper and the generated admin token are for development only\n`);
    expect(stdout).toBe('');
  });

  it.each(FRAMEWORKS)('%s refuses too; with both set it starts, and without NODE_ENV=production the demo stays', async (framework) => {
    expect((await runUntilExit(exampleDir(framework), { NODE_ENV: 'production' })).code).toBe(1);
    const production = await startExampleProcess(exampleDir(framework), { NODE_ENV: 'production', ...secrets });
    const demo = await startExampleProcess(exampleDir(framework), { NODE_ENV: 'development' });
    for (const app of [production, demo]) expect((await app.stop()).code).toBe(0);
    expect(production.output()).not.toMatch(/TOKEN=|KEYWARD_PEPPER is not set/);
    expect(demo.output()).toMatch(/KEYWARD_PEPPER is not set/);
    expect(demo.output()).toMatch(/export KW=http:\/\/127\.0\.0\.1:\d+ TOKEN=ey/);
  });
});
