import { createKeyward, MemoryKeyStore } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { PEPPER, json, runCli } from './helpers.js';

const COMMANDS = [
  ['keys', 'create'], ['keys', 'list'], ['keys', 'show'], ['keys', 'update'], ['keys', 'revoke'], ['keys', 'rotate'],
  ['verify'], ['pepper', 'generate'], ['migrate'], ['regex'],
];

describe('keyward (no store needed)', () => {
  it('--help on every command: usage on stdout, exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of COMMANDS) expect(top.stdout).toContain(command.join(' '));
    expect(top.stdout).toContain('Exit codes:');
    const results = await Promise.all(COMMANDS.map((command) => runCli([...command, '--help'])));
    results.forEach((result, i) => {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: keyward ${COMMANDS[i]!.join(' ')}`));
      expect(result.stderr).toBe('');
    });
  });

  it('usage errors are one line on stderr with exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [[], ''],
      [['frobnicate'], 'keyward: unknown command (see keyward --help)\n'],
      [['keys', 'create', '--owner', 'u1'], 'keyward keys create: --nickname is required\n'],
      [['keys', 'revoke'], 'keyward keys revoke: missing argument (see keyward keys revoke --help)\n'],
      [['keys', 'list', '--owner', 'u1', '--colour'], 'keyward keys list: unknown option --colour (see keyward keys list --help)\n'],
      [['keys', 'rotate', 'key_1', '--grace-seconds', 'soon'], 'keyward keys rotate: --grace-seconds must be a whole number from 0 to 31622400\n'],
      [['keys', 'update', 'key_1'], 'keyward keys update: nothing to change (see keyward keys update --help)\n'],
      [['keys', 'update', 'key_1', '--expires-at', '2099-01-01T00:00:00Z', '--no-expiry'], 'keyward keys update: give --expires-at or --no-expiry, not both\n'],
      [['keys', 'update', 'key_1', '--metadata', '[1]'], 'keyward keys update: --metadata must be a JSON object\n'],
      [['pepper', 'generate', '--bytes', '16'], 'keyward pepper generate: --bytes must be a whole number from 32 to 1024\n'],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      if (stderr !== '') expect(result.stderr).toBe(stderr);
    }
  });

  it('never takes a key or a pepper from the command line, and never echoes one', async () => {
    const key = 'eck_live_0123456789abcdefghijABCDEFGHIJ000000';
    const asArgument = await runCli(['verify', key]);
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toBe('keyward verify: unexpected argument (see keyward verify --help)\n');
    const asOption = await runCli(['verify', `--${key}`]);
    expect(asOption.code).toBe(2);
    expect(asOption.stderr).not.toContain(key);
    const pepper = await runCli(['keys', 'list', '--owner', 'u1', `--pepper=${PEPPER}`]);
    expect(pepper.code).toBe(2);
    expect(pepper.stderr).toContain('set KEYWARD_PEPPER or use --pepper-file <path>');
    expect(pepper.stderr).not.toContain(PEPPER);
    const empty = await runCli(['verify'], { env: { KEYWARD_STORE: 'memory' } });
    expect(empty.code).toBe(2);
  });

  it('configuration errors are exit 3 and never print the store URL', async () => {
    const none = await runCli(['keys', 'list', '--owner', 'u1']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('no store: set KEYWARD_STORE or pass --store');
    const secretUrl = 'ftp://admin:hunter2@db.example/keys';
    const bad = await runCli(['keys', 'list', '--owner', 'u1', '--store', secretUrl]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe('keyward keys list: unsupported store scheme "ftp:": use postgres://…, redis://…, pglite:<dir> or memory\n');
    const shortPepper = await runCli(['keys', 'list', '--owner', 'u1'], { env: { KEYWARD_STORE: 'memory', KEYWARD_PEPPER: 'short' } });
    expect(shortPepper.code).toBe(3);
    expect(shortPepper.stderr).toBe('keyward keys list: pepper must be at least 32 bytes\n');
    const missingFile = await runCli(['keys', 'list', '--owner', 'u1', '--store', 'memory', '--pepper-file', '/nonexistent/pepper']);
    expect(missingFile.code).toBe(3);
    expect(missingFile.stderr).toBe('keyward keys list: cannot read --pepper-file (ENOENT)\n');
  });

  it('pepper generate prints 32 random bytes in base64url, different each time', async () => {
    const [a, b] = await Promise.all([runCli(['pepper', 'generate']), runCli(['pepper', 'generate', '--json'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const { pepper } = json<{ pepper: string }>(b);
    expect(Buffer.from(pepper, 'base64url')).toHaveLength(32);
    expect(pepper).not.toBe(a.stdout.trim());
    const long = await runCli(['pepper', 'generate', '--bytes', '64']);
    expect(Buffer.from(long.stdout.trim(), 'base64url')).toHaveLength(64);
  });

  it('a memory store works for one command (verify answers invalid_api_key: nothing persists)', async () => {
    const created = await runCli(['keys', 'create', '--owner', 'u1', '--nickname', 'ci', '--prefix', 'eck_test_'], { env: { KEYWARD_STORE: 'memory', KEYWARD_PEPPER: PEPPER } });
    expect(created.code, created.stderr).toBe(0);
    const key = /^key\s+(\S+)$/m.exec(created.stdout)![1]!;
    expect(key).toMatch(/^eck_test_[0-9A-Za-z]{36}$/);
    expect(created.stderr).toBe('Store this key now: it is shown only once and cannot be recovered.\n');
    const verified = await runCli(['verify'], { env: { KEYWARD_STORE: 'memory', KEYWARD_PEPPER: PEPPER }, stdin: key });
    expect(verified).toMatchObject({ code: 1, stdout: 'invalid_api_key: The API key is invalid.\n' });
  });

  it('without a pepper, commands that hash keys say so on stderr', async () => {
    const result = await runCli(['keys', 'create', '--owner', 'u1', '--nickname', 'ci', '--json'], { env: { KEYWARD_STORE: 'memory' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('no pepper (KEYWARD_PEPPER or --pepper-file)');
  });
});

describe('keyward regex', () => {
  it('matches generated keys exactly, in text, and nothing longer, shorter or of another prefix', async () => {
    const result = await runCli(['regex', '--prefix', 'eck_live_', '--prefix', 'agk_test_']);
    expect(result.code, result.stderr).toBe(0);
    const pattern = result.stdout.trim();
    expect(pattern).toBe('\\b(?:agk_test_|eck_live_)[0-9A-Za-z]{36}\\b');
    const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_', 'agk_test_', 'eck_test_'], pepper: PEPPER, logger: false });
    const mint = async (prefix: string, i: number) => (await keyward.keys.create({ ownerId: 'u', nickname: `k${prefix}${i}`, prefix })).key;
    const keys = await Promise.all(Array.from({ length: 50 }, (_, i) => mint(i % 2 === 0 ? 'eck_live_' : 'agk_test_', i)));
    for (const key of keys) {
      const text = `config:\n  token = "${key}"; other=${key}\n`;
      expect(text.match(new RegExp(pattern, 'g'))).toEqual([key, key]);
      expect(`x${key}`).not.toMatch(new RegExp(pattern));
      expect(`${key}A`).not.toMatch(new RegExp(pattern));
      expect(key.slice(0, -1)).not.toMatch(new RegExp(pattern));
      expect(`${key.slice(0, 9)}${key.slice(10)}`).not.toMatch(new RegExp(pattern));
    }
    const other = await mint('eck_test_', 0);
    expect(other).not.toMatch(new RegExp(pattern));
    await keyward.close();
  });

  it('reads KEYWARD_PREFIXES, defaults to eck_live_,eck_test_, refuses a bad prefix (exit 3)', async () => {
    expect((await runCli(['regex'])).stdout).toBe('\\b(?:eck_live_|eck_test_)[0-9A-Za-z]{36}\\b\n');
    expect(json(await runCli(['regex', '--json'], { env: { KEYWARD_PREFIXES: 'agk_live_, eck_live_' } }))).toEqual({
      pattern: '\\b(?:agk_live_|eck_live_)[0-9A-Za-z]{36}\\b',
      prefixes: ['agk_live_', 'eck_live_'],
    });
    const bad = await runCli(['regex', '--prefix', 'Eck-live']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('is not a key prefix');
  });
});
