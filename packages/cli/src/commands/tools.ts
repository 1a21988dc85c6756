import { randomBytes } from 'node:crypto';
import { COMMON_HELP, STORE_HELP } from '../command.js';
import type { Command } from '../command.js';
import { STORE, integerOf, listOf } from '../args.js';
import { EXIT, configError } from '../exit-codes.js';
import { keyPattern } from '../key-pattern.js';
import { printJson } from '../output.js';
import { configuredPrefixes, normalizePrefixesForPattern } from '../prefixes.js';
import { storeFrom } from '../session.js';

const pepperGenerate: Command = {
  name: 'pepper generate',
  usage: '[--bytes <n>]',
  summary: 'print a new random pepper',
  positionals: 0,
  options: { bytes: { type: 'string' } },
  help: `Print a new pepper: random bytes from the system CSPRNG, base64url-encoded, for KEYWARD_PEPPER or
a --pepper-file. Keep it in your secret manager; changing it invalidates every key minted with it
unless the old pepper stays configured as a previous one.

Options:
  --bytes <n>            how many random bytes, 32 to 1024 (default 32)
${COMMON_HELP}`,
  async run(parsed, io) {
    const bytes = integerOf('pepper generate', parsed.values, 'bytes', 32, 1024) ?? 32;
    const pepper = randomBytes(bytes).toString('base64url');
    if (parsed.values.json === true) printJson(io, { pepper });
    else io.stdout.write(`${pepper}\n`);
    return EXIT.ok;
  },
};

const migrate: Command = {
  name: 'migrate',
  usage: '',
  summary: 'create the PostgreSQL table and indexes (idempotent)',
  positionals: 0,
  options: { ...STORE },
  help: `Create the key table, its schema and indexes in PostgreSQL or PGlite if missing. Idempotent, and
safe to run from several places at once. Redis and memory stores need no migration.

Options:
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    const opened = await storeFrom(parsed.values, io.env);
    try {
      if (opened.migrate === undefined) throw configError(`migrate: a ${opened.kind} store has no schema to migrate`);
      await opened.migrate();
      if (parsed.values.json === true) printJson(io, { migrated: true, store: opened.kind, where: opened.where });
      else io.stdout.write(`migrated ${opened.kind} ${opened.where}\n`);
      return EXIT.ok;
    } finally {
      await opened.close().catch(() => undefined);
    }
  },
};

const regex: Command = {
  name: 'regex',
  usage: '[--prefix <prefix>]...',
  summary: 'print the secret-scanner pattern of the key prefixes',
  positionals: 0,
  options: { prefix: { type: 'string', multiple: true } },
  help: `Print the regular expression that matches keys of the configured prefixes (prefix + 30 base62
characters + 6 base62 characters of CRC32 checksum), for secret scanners: GitHub custom
patterns, gitleaks, trufflehog. It works in JavaScript, PCRE, RE2 and Go.

Options:
  --prefix <prefix>      a key prefix; repeat for several (default: KEYWARD_PREFIXES, else eck_live_,eck_test_)
${COMMON_HELP}`,
  async run(parsed, io) {
    const prefixes = normalizePrefixesForPattern(configuredPrefixes(listOf(parsed.values, 'prefix'), io.env.KEYWARD_PREFIXES));
    const pattern = keyPattern(prefixes);
    if (parsed.values.json === true) printJson(io, { pattern, prefixes });
    else io.stdout.write(`${pattern}\n`);
    return EXIT.ok;
  },
};

/** `pepper generate`, `migrate` and `regex`. */
export const TOOL_COMMANDS: readonly Command[] = [pepperGenerate, migrate, regex];
