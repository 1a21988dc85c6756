import { parseArgs } from 'node:util';
import { usageError } from './exit-codes.js';

/** An option of one command, as `node:util` `parseArgs` takes it. */
export type OptionSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean; readonly short?: string }>>;

/** Options every command takes. */
export const COMMON: OptionSpec = { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } };

/** Options of the commands that open a store. */
export const STORE: OptionSpec = {
  store: { type: 'string' },
  'pepper-file': { type: 'string' },
  'pg-schema': { type: 'string' },
  'pg-table': { type: 'string' },
  'redis-prefix': { type: 'string' },
};

export type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** Parsed arguments of one command. */
export interface Parsed {
  readonly values: Values;
  readonly positionals: readonly string[];
}

// Flags that would put a secret in the shell history: refused with a pointer to the safe way.
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  '--pepper': 'the pepper is never read from a flag (it would stay in the shell history): set KEYWARD_PEPPER or use --pepper-file <path>',
  '--key': 'a key is never read from a flag (it would stay in the shell history): pipe it to stdin',
};

/**
 * Parse a command's arguments strictly. Errors never quote the offending value, which might be a
 * key pasted in the wrong place; they name the option at most.
 */
export function parseCommand(command: string, args: readonly string[], options: OptionSpec, positionals: number): Parsed {
  for (const arg of args) {
    if (arg === '--') break;
    const flag = arg.split('=', 1)[0]!;
    const refusal = SECRET_FLAGS[flag];
    if (refusal !== undefined) throw usageError(`${command}: ${refusal}`);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: { ...COMMON, ...options } as never, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${command}: ${describeParseError(error, args)} (see keyward ${command} --help)`);
  }
  if (parsed.values.help !== true && parsed.positionals.length !== positionals) {
    if (parsed.positionals.length > positionals) throw usageError(`${command}: unexpected argument (see keyward ${command} --help)`);
    throw usageError(`${command}: missing argument (see keyward ${command} --help)`);
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

function describeParseError(error: unknown, args: readonly string[]): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  const named = /'(-{1,2}[A-Za-z][A-Za-z0-9-]{0,40})/.exec(message)?.[1];
  const option = named !== undefined && args.some((a) => a.split('=', 1)[0] === named) ? named : null;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return option === null ? 'unknown option' : `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option === null ? 'an option is missing its value or takes none' : `option ${option} is missing its value or takes none`;
    default:
      return 'unexpected argument';
  }
}

/** A string option's value, `undefined` when absent. */
export const stringOf = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/** A repeatable string option's values (`[]` when absent). */
export const listOf = (values: Values, name: string): string[] => {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
};

/** A whole number option within bounds, or `undefined` when absent. */
export function integerOf(command: string, values: Values, name: string, min: number, max: number): number | undefined {
  const raw = stringOf(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw usageError(`${command}: --${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}
