import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PEPPER, runCli } from './helpers.js';
import { keyLifecycle } from './lifecycle.js';

const dir = mkdtempSync(join(tmpdir(), 'keyward-cli-'));
const env = { KEYWARD_STORE: `pglite:${join(dir, 'db')}`, KEYWARD_PEPPER: PEPPER };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every run of the binary boots PGlite's WebAssembly build: seconds each on a busy machine.
describe('keyward on PGlite', { timeout: 300_000 }, () => {
  it('migrate is idempotent', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await runCli(['migrate'], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('migrated pglite table "keyward_api_keys"\n');
    }
  });

  it('create, list, verify, revoke, verify again', async () => {
    await keyLifecycle(env, false);
  });
});
