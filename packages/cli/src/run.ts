import { KeyManagerError, KeywardConfigError, KeywardError } from '@keyward/core';
import { parseCommand } from './args.js';
import type { Command } from './command.js';
import { KEY_COMMANDS } from './commands/keys.js';
import { TOOL_COMMANDS } from './commands/tools.js';
import { verifyCommand } from './commands/verify.js';
import { CliError, EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

const COMMANDS: readonly Command[] = [...KEY_COMMANDS, verifyCommand, ...TOOL_COMMANDS];

const EXIT_HELP = `Exit codes:
  0  done (verify: the key is valid)
  1  refused: verify rejected the key, or the request was refused (not found, nickname taken, invalid value)
  2  usage: unknown command or option, missing argument
  3  configuration: no or bad store, missing driver package, bad pepper or prefix
  4  the store is unreachable or failed`;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: keyward <command> [options]

Manage keyward API keys from a terminal or a script.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run keyward <command> --help for a command's options.

Environment:
  KEYWARD_STORE          postgres://…, redis://…, pglite:<dir> or memory
  KEYWARD_PEPPER         the pepper keys are hashed with (or --pepper-file <path>)
  KEYWARD_PREFIXES       accepted key prefixes, comma-separated (default eck_live_,eck_test_)

${EXIT_HELP}
`;
}

const helpOf = (c: Command) => `Usage: keyward ${c.name}${c.usage === '' ? '' : ` ${c.usage}`}\n\n${c.help}\n`;

/** Find the command named by the first one or two words. */
function lookup(argv: readonly string[]): { command: Command; rest: readonly string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command !== undefined) return { command, rest: argv.slice(words) };
  }
  return null;
}

/** One line for stderr, and the exit code, of an error. Messages never carry key material. */
function describe(error: unknown): { line: string; code: ExitCode } {
  if (error instanceof CliError) return { line: error.message, code: error.exitCode };
  if (error instanceof KeyManagerError) {
    if (error.code === 'store_unavailable') return { line: `${error.message}${causeHint(error)} [store_unavailable]`, code: EXIT.unavailable };
    return { line: `${error.message} [${error.code}]`, code: EXIT.refused };
  }
  if (error instanceof KeywardConfigError) return { line: error.message, code: EXIT.config };
  if (error instanceof KeywardError) return { line: `the store failed${causeHint(error)} [${error.code}]`, code: EXIT.unavailable };
  return { line: `unexpected error${error instanceof Error ? ` (${error.name})` : ''}`, code: EXIT.refused };
}

/** What the driver said, reduced to an error code (a missing table gets the fix). */
function causeHint(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const { driverCode, reason } = e as { driverCode?: unknown; reason?: unknown };
    const code = driverCode ?? reason ?? (e instanceof KeywardError ? undefined : (e as { code?: unknown }).code);
    if (code === '42P01') return ' (the key table does not exist: run keyward migrate)';
    if (code === '3F000') return ' (the schema does not exist: run keyward migrate)';
    if (typeof code === 'string' && /^[0-9A-Za-z_]{1,40}$/.test(code)) return ` (${code})`;
  }
  return '';
}

/**
 * Run the `keyward` command line with `argv` (without `node` and the script) and return the exit
 * code. Output goes to `io` (default: the process's streams and environment).
 *
 * @example
 * ```ts
 * import { run } from '@keyward/cli';
 * process.exitCode = await run(['keys', 'list', '--owner', 'u1', '--json']);
 * ```
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout).write(overview());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const found = lookup(argv);
  if (found === null) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length > 0 && (argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h')) {
      const width = Math.max(...group.map((c) => c.name.length));
      const lines = group.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
      io.stdout.write(`Usage: keyward ${first} <${group.map((c) => c.name.split(' ')[1]).join('|')}> [options]\n\n${lines}\n`);
      return argv[1] === undefined ? EXIT.usage : EXIT.ok;
    }
    io.stderr.write(`keyward: unknown command (see keyward --help)\n`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  try {
    const parsed = parseCommand(command.name, rest, command.options, command.positionals);
    if (parsed.values.help === true) {
      io.stdout.write(helpOf(command));
      return EXIT.ok;
    }
    return await command.run(parsed, io);
  } catch (error) {
    const { line, code } = describe(error);
    io.stderr.write(`keyward ${command.name}: ${line.replace(new RegExp(`^${command.name}: `), '')}\n`);
    return code;
  }
}
