import type { OptionSpec, Parsed } from './args.js';
import type { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** One `keyward` command: its options, its help text and what it does. */
export interface Command {
  /** As typed: `keys create`, `verify`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The `--help` text after the usage line. */
  readonly help: string;
  /** `keyward <name> <usage>`. */
  readonly usage: string;
  readonly options: OptionSpec;
  /** How many positional arguments it takes. */
  readonly positionals: number;
  run(parsed: Parsed, io: CliIo): Promise<ExitCode>;
}

/** The store and pepper part shared by the help of every command that opens a store. */
export const STORE_HELP = `Store and pepper:
  --store <url>          postgres://…, redis://…, pglite:<dir> or memory (default: KEYWARD_STORE)
  --pg-schema <name>     PostgreSQL schema of the table (default: KEYWARD_PG_SCHEMA, else search_path)
  --pg-table <name>      PostgreSQL table (default: KEYWARD_PG_TABLE, else keyward_api_keys)
  --redis-prefix <name>  Redis key namespace (default: KEYWARD_REDIS_PREFIX, else keyward)
  --pepper-file <path>   file holding the pepper (default: the KEYWARD_PEPPER variable; never a flag value)
  KEYWARD_PREFIXES       accepted key prefixes, comma-separated (default eck_live_,eck_test_)`;

/** The options every command takes. */
export const COMMON_HELP = `  --json                 print JSON (the management API's objects) instead of a table
  -h, --help             show this help`;
