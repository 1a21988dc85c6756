import type { ApiKeyInfo, UpdateKeyInput } from '@keyward/core';
import { COMMON_HELP, STORE_HELP } from '../command.js';
import type { Command } from '../command.js';
import { STORE, integerOf, listOf, stringOf } from '../args.js';
import type { Parsed } from '../args.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { keyFields, listedKey, mintedKey, printFields, printJson, printTable } from '../output.js';
import { configuredPrefixes } from '../prefixes.js';
import { withKeyward } from '../session.js';

const prefixesOf = (io: CliIo) => configuredPrefixes(undefined, io.env.KEYWARD_PREFIXES);

/** Print a new key: its fields, then the key itself, once. */
function printMinted(io: CliIo, parsed: Parsed, key: string, record: ApiKeyInfo): void {
  if (parsed.values.json === true) return printJson(io, mintedKey(key, record));
  printFields(io, [['id', record.id], ['nickname', record.nickname], ['scopes', record.scopes], ['expires', record.expiresAt], ['created', record.createdAt]]);
  io.stdout.write(`key       ${key}\n`);
  io.stderr.write('Store this key now: it is shown only once and cannot be recovered.\n');
}

function printKey(io: CliIo, parsed: Parsed, record: ApiKeyInfo): void {
  if (parsed.values.json === true) printJson(io, listedKey(record));
  else printFields(io, keyFields(record));
}

function readMetadata(raw: string | undefined, command: string): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw usageError(`${command}: --metadata must be a JSON object`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usageError(`${command}: --metadata must be a JSON object`);
  return value as Record<string, unknown>;
}

const create: Command = {
  name: 'keys create',
  usage: '--owner <id> --nickname <name> [--org <id>] [--scope <scope>]... [--expires-at <ISO>] [--prefix <prefix>] [--metadata <json>]',
  summary: 'mint a key; prints it once',
  positionals: 0,
  options: {
    ...STORE,
    owner: { type: 'string' }, org: { type: 'string' }, nickname: { type: 'string' }, scope: { type: 'string', multiple: true },
    'expires-at': { type: 'string' }, prefix: { type: 'string' }, metadata: { type: 'string' },
  },
  help: `Mint a key for an owner. The key is printed once (stdout) and never stored: only its hash is.

Options:
  --owner <id>           owning account (required)
  --nickname <name>      1-100 characters, unique among the owner's live keys (required)
  --org <id>             owning organization
  --scope <scope>        a granted scope; repeat for several
  --expires-at <ISO>     expiry, an ISO-8601 date-time in the future (default: never)
  --prefix <prefix>      prefix to mint with (default: the first of KEYWARD_PREFIXES)
  --metadata <json>      a JSON object stored with the key
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    const v = parsed.values;
    const owner = stringOf(v, 'owner');
    const nickname = stringOf(v, 'nickname');
    if (owner === undefined) throw usageError('keys create: --owner is required');
    if (nickname === undefined) throw usageError('keys create: --nickname is required');
    const mintPrefix = stringOf(v, 'prefix');
    const prefixes = prefixesOf(io);
    if (mintPrefix !== undefined && !prefixes.includes(mintPrefix)) prefixes.push(mintPrefix);
    const metadata = readMetadata(stringOf(v, 'metadata'), 'keys create');
    return withKeyward(v, io, prefixes, true, async (keyward) => {
      const { key, record } = await keyward.keys.create({
        ownerId: owner, orgId: stringOf(v, 'org') ?? null, nickname, scopes: listOf(v, 'scope'),
        expiresAt: stringOf(v, 'expires-at') ?? null,
        ...(metadata === undefined ? {} : { metadata }),
        ...(mintPrefix === undefined ? {} : { prefix: mintPrefix }),
      });
      printMinted(io, parsed, key, record);
      return EXIT.ok;
    });
  },
};

const list: Command = {
  name: 'keys list',
  usage: '--owner <id>',
  summary: "list an owner's live keys",
  positionals: 0,
  options: { ...STORE, owner: { type: 'string' } },
  help: `List an owner's live keys (not revoked, not expired), oldest first. Never shows a key or its hash.

Options:
  --owner <id>           the owning account (required)
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    const owner = stringOf(parsed.values, 'owner');
    if (owner === undefined) throw usageError('keys list: --owner is required');
    return withKeyward(parsed.values, io, prefixesOf(io), false, async (keyward) => {
      const keys = await keyward.keys.list(owner);
      if (parsed.values.json === true) printJson(io, { apiKeys: keys.map(listedKey) });
      else if (keys.length === 0) io.stderr.write('no live keys\n');
      else printTable(io, ['ID', 'NICKNAME', 'SCOPES', 'START', 'EXPIRES', 'LAST USED', 'CREATED'],
        keys.map((k) => [k.id, k.nickname, k.scopes, k.start, k.expiresAt, k.lastUsedAt, k.createdAt]));
      return EXIT.ok;
    });
  },
};

const show: Command = {
  name: 'keys show',
  usage: '<id>',
  summary: "one key's metadata",
  positionals: 1,
  options: { ...STORE },
  help: `Show one key's metadata, revoked and expired keys included. Never shows the key or its hash.

Options:
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    return withKeyward(parsed.values, io, prefixesOf(io), false, async (keyward) => {
      const record = await keyward.keys.get(parsed.positionals[0]!);
      if (record === null) {
        io.stderr.write('keyward keys show: API key not found. [not_found]\n');
        return EXIT.refused;
      }
      printKey(io, parsed, record);
      return EXIT.ok;
    });
  },
};

const update: Command = {
  name: 'keys update',
  usage: '<id> [--nickname <name>] [--scope <scope>]... [--no-scopes] [--expires-at <ISO> | --no-expiry] [--metadata <json>]',
  summary: "change a live key's nickname, scopes, expiry or metadata",
  positionals: 1,
  options: {
    ...STORE,
    nickname: { type: 'string' }, scope: { type: 'string', multiple: true }, 'no-scopes': { type: 'boolean' },
    'expires-at': { type: 'string' }, 'no-expiry': { type: 'boolean' }, metadata: { type: 'string' },
  },
  help: `Change a live key: only the fields given. The key itself stays the same. Running applications
drop their cached copy at once when the store has an invalidation channel (PostgreSQL, Redis),
else within their cache TTL.

Options:
  --nickname <name>      new nickname, unique among the owner's live keys
  --scope <scope>        the new scopes (replacing the old ones); repeat for several
  --no-scopes            remove every scope
  --expires-at <ISO>     new expiry, an ISO-8601 date-time in the future
  --no-expiry            the key never expires
  --metadata <json>      new metadata, a JSON object
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    const v = parsed.values;
    const expiresAt = stringOf(v, 'expires-at');
    if (expiresAt !== undefined && v['no-expiry'] === true) throw usageError('keys update: give --expires-at or --no-expiry, not both');
    if (v.scope !== undefined && v['no-scopes'] === true) throw usageError('keys update: give --scope or --no-scopes, not both');
    const nickname = stringOf(v, 'nickname');
    const metadata = readMetadata(stringOf(v, 'metadata'), 'keys update');
    const patch: Record<string, unknown> = {
      ...(nickname === undefined ? {} : { nickname }),
      ...(v.scope !== undefined ? { scopes: listOf(v, 'scope') } : v['no-scopes'] === true ? { scopes: [] } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : v['no-expiry'] === true ? { expiresAt: null } : {}),
      ...(metadata === undefined ? {} : { metadata }),
    };
    if (Object.keys(patch).length === 0) throw usageError('keys update: nothing to change (see keyward keys update --help)');
    return withKeyward(v, io, prefixesOf(io), false, async (keyward) => {
      printKey(io, parsed, await keyward.keys.update(parsed.positionals[0]!, patch as UpdateKeyInput));
      return EXIT.ok;
    });
  },
};

const revoke: Command = {
  name: 'keys revoke',
  usage: '<id>',
  summary: 'revoke a key at once',
  positionals: 1,
  options: { ...STORE },
  help: `Revoke a key: it answers revoked_api_key from now on. Running applications drop their cached
copy at once when the store has an invalidation channel (PostgreSQL, Redis), else within their
cache TTL.

Options:
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    return withKeyward(parsed.values, io, prefixesOf(io), false, async (keyward) => {
      const record = await keyward.keys.revoke(parsed.positionals[0]!);
      if (parsed.values.json === true) printJson(io, { message: 'API key deleted successfully' });
      else io.stdout.write(`revoked ${record.id} (${record.nickname})\n`);
      return EXIT.ok;
    });
  },
};

const rotate: Command = {
  name: 'keys rotate',
  usage: '<id> [--grace-seconds <n>]',
  summary: 'replace a key by a new one; prints it once',
  positionals: 1,
  options: { ...STORE, 'grace-seconds': { type: 'string' } },
  help: `Replace a key by a new one with the same nickname, scopes, organization and expiry. The new key
is printed once. The old key keeps working for the grace period, then answers expired_api_key.

Options:
  --grace-seconds <n>    how long the old key keeps working (default 0: it stops at once)
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    const grace = integerOf('keys rotate', parsed.values, 'grace-seconds', 0, 366 * 86_400);
    return withKeyward(parsed.values, io, prefixesOf(io), true, async (keyward) => {
      const { key, record } = await keyward.keys.rotate(parsed.positionals[0]!, grace === undefined ? {} : { gracePeriodSeconds: grace });
      printMinted(io, parsed, key, record);
      return EXIT.ok;
    });
  },
};

/** The `keyward keys …` commands. */
export const KEY_COMMANDS: readonly Command[] = [create, list, show, update, revoke, rotate];
