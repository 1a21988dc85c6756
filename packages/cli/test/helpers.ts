import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The built binary: the tests run exactly what `npx keyward` runs. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PEPPER = 'cli-test-pepper-0123456789-0123456789-abcdef';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `node dist/bin.js ...args` with `env` added to a clean environment and `stdin` piped in. */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm build (pnpm test does) before the cli tests`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Parse a command's JSON output, failing with its stderr when it is not JSON. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout} / ${result.stderr}`);
  }
}

/** Whether PostgreSQL at DATABASE_URL answers; says why it is skipped when not. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    console.warn(`@keyward/cli: PostgreSQL at DATABASE_URL (${DATABASE_URL}) is not reachable; skipping its CLI tests`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether Redis at REDIS_URL accepts a TCP connection; says why it is skipped when not. */
export function redisReachable(): Promise<boolean> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379), timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      if (!ok) console.warn(`@keyward/cli: Redis at REDIS_URL (${REDIS_URL}) is not reachable; skipping its CLI tests`);
      resolve(ok);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
  });
}
