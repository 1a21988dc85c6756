import { expect } from 'vitest';
import { json, runCli } from './helpers.js';
import type { CliResult } from './helpers.js';


interface Minted {
  id: string;
  key: string;
  nickname: string;
  scopes: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The life of a key through the binary on one store: create, list, verify, revoke, verify again;
 * with `full`, also the table view, show, update and rotate (PGlite skips them: each run of the
 * binary boots its WebAssembly build, several seconds on a busy machine). `env` names the store
 * (KEYWARD_STORE and its options) and the pepper.
 */
export async function keyLifecycle(env: Record<string, string>, full = true): Promise<void> {
  const cli = (args: string[], stdin?: string) => runCli(args, { env, ...(stdin === undefined ? {} : { stdin }) });

  const created = await cli(['keys', 'create', '--owner', 'u1', '--org', 'acme', '--nickname', 'ci', '--scope', 'agents:read', '--scope', 'agents:run', '--json']);
  expect(created.code, created.stderr).toBe(0);
  const minted = json<Minted>(created);
  expect(Object.keys(minted).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'key', 'nickname', 'scopes', 'updatedAt']);
  expect(minted).toMatchObject({ nickname: 'ci', scopes: ['agents:read', 'agents:run'], expiresAt: null });
  expect(minted.key).toMatch(/^eck_live_[0-9A-Za-z]{36}$/);

  const listed = await cli(['keys', 'list', '--owner', 'u1', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  const { apiKeys } = json<{ apiKeys: Array<Record<string, unknown>> }>(listed);
  expect(apiKeys).toHaveLength(1);
  expect(Object.keys(apiKeys[0]!).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'nickname', 'scopes', 'start', 'updatedAt']);
  expect(apiKeys[0]).toMatchObject({ id: minted.id, start: minted.key.slice(0, 13) });
  expect(listed.stdout).not.toContain(minted.key);

  const verified = await cli(['verify', '--json'], `${minted.key}\n`);
  expect(verified.code, verified.stderr).toBe(0);
  expect(json(verified)).toMatchObject({ type: 'api_key', keyId: minted.id, ownerId: 'u1', orgId: 'acme', nickname: 'ci', environment: 'live' });

  const outputs = [listed, verified];
  let next: Minted | null = null;
  if (full) next = await showUpdateRotate(cli, minted, outputs);

  const ids = next === null ? [minted.id] : [next.id, minted.id];
  for (const id of ids) {
    const revoked = await cli(['keys', 'revoke', id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${id}`);
  }
  const again = await cli(['verify'], (next ?? minted).key);
  expect(again.code).toBe(1);
  expect(again.stdout).toMatch(/^revoked_api_key: /);
  outputs.push(again);
  if (full) {
    const againJson = await cli(['verify', '--json'], minted.key);
    expect(againJson.code).toBe(1);
    expect(json(againJson)).toMatchObject({ status: 401, code: 'revoked_api_key' });
    const twice = await cli(['keys', 'revoke', minted.id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe('keyward keys revoke: API key not found. [not_found]\n');
    expect(json(await cli(['keys', 'list', '--owner', 'u1', '--json']))).toEqual({ apiKeys: [] });
    outputs.push(againJson, twice);
  }

  // Nothing ever printed a key except create and rotate's stdout.
  for (const r of outputs) {
    expect(r.stdout + r.stderr).not.toContain(minted.key);
    if (next !== null) expect(r.stdout + r.stderr).not.toContain(next.key);
  }
}

type Cli = (args: string[], stdin?: string) => Promise<CliResult>;

async function showUpdateRotate(cli: Cli, minted: Minted, outputs: CliResult[]): Promise<Minted> {
  const table = await cli(['keys', 'list', '--owner', 'u1']);
  expect(table.stdout).toMatch(/^ID\s+NICKNAME\s+SCOPES/);
  expect(table.stdout).toContain(minted.id);

  const shown = await cli(['keys', 'show', minted.id]);
  expect(shown.code, shown.stderr).toBe(0);
  expect(shown.stdout).toMatch(/organization\s+acme/);
  expect(shown.stdout).not.toContain(minted.key);

  const updated = await cli(['keys', 'update', minted.id, '--expires-at', '2099-01-01T00:00:00Z', '--json']);
  expect(updated.code, updated.stderr).toBe(0);
  expect(json(updated)).toMatchObject({ id: minted.id, expiresAt: '2099-01-01T00:00:00.000Z' });
  const expiry = '2099-01-01T00:00:00.000Z';

  const rotated = await cli(['keys', 'rotate', minted.id, '--grace-seconds', '3600', '--json']);
  expect(rotated.code, rotated.stderr).toBe(0);
  const next = json<Minted>(rotated);
  expect(next).toMatchObject({ nickname: 'ci', scopes: ['agents:read', 'agents:run'], expiresAt: expiry });
  expect(next.key).not.toBe(minted.key);
  expect((await cli(['verify'], next.key)).code).toBe(0);
  expect((await cli(['verify'], minted.key)).code).toBe(0); // in its grace period

  outputs.push(table, shown, updated);
  return next;
}
