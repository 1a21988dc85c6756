import { COMMON_HELP, STORE_HELP } from '../command.js';
import type { Command } from '../command.js';
import { STORE, listOf } from '../args.js';
import { EXIT, usageError } from '../exit-codes.js';
import { principalJson, printFields, printJson } from '../output.js';
import { configuredPrefixes } from '../prefixes.js';
import { readSecret } from '../read-secret.js';
import { withKeyward } from '../session.js';

/** `keyward verify`: the key comes on stdin, never as an argument (shell history, process list). */
export const verifyCommand: Command = {
  name: 'verify',
  usage: '< key-file',
  summary: 'check a key read from stdin; prints the principal or the failure code',
  positionals: 0,
  options: { ...STORE, prefix: { type: 'string', multiple: true } },
  help: `Check a key exactly as the middleware does (format, checksum, store, revocation, expiry) and
print who it authenticates, or the failure code (invalid_api_key, revoked_api_key,
expired_api_key, ...). The key is read from stdin, never from the command line; at a terminal it
is typed with the echo off.

  printf '%s' "$KEY" | keyward verify

Exit code 0 for a valid key, 1 for a rejected one, 4 when the store is unavailable.

Options:
  --prefix <prefix>      an accepted key prefix; repeat for several (default: KEYWARD_PREFIXES)
${COMMON_HELP}

${STORE_HELP}`,
  async run(parsed, io) {
    const prefixes = configuredPrefixes(listOf(parsed.values, 'prefix'), io.env.KEYWARD_PREFIXES);
    const key = await readSecret(io, 'API key (input hidden): ');
    if (key === '') throw usageError('verify: no key on stdin (printf \'%s\' "$KEY" | keyward verify)');
    return withKeyward(parsed.values, io, prefixes, true, async (keyward) => {
      const result = await keyward.authenticate({ 'x-api-key': key });
      if (result.ok) {
        const p = result.principal;
        if (parsed.values.json === true) printJson(io, principalJson(p));
        else printFields(io, [['valid', 'yes'], ['key id', p.keyId], ['owner', p.ownerId], ['organization', p.orgId], ['nickname', p.nickname],
          ['scopes', p.scopes], ['environment', p.environment], ['expires', p.expiresAt]]);
        return EXIT.ok;
      }
      const body = keyward.respond(result.failure).body;
      if (parsed.values.json === true) printJson(io, body);
      else io.stdout.write(`${body.code}: ${body.message}\n`);
      return result.failure.code === 'auth_unavailable' ? EXIT.unavailable : EXIT.refused;
    });
  },
};
