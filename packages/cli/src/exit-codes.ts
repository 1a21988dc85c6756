/**
 * Exit codes of the `keyward` binary, stable for scripts.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | done (`verify`: the key is valid) |
 * | 1 | refused: `verify` rejected the key, or the key manager refused the request (not found, nickname taken, invalid value) |
 * | 2 | usage: unknown command or option, missing or malformed argument |
 * | 3 | configuration: no or bad store, missing driver package, bad pepper or prefix |
 * | 4 | the store is unreachable or failed (`verify`: `auth_unavailable`) |
 *
 * @example
 * ```ts
 * import { EXIT } from '@keyward/cli';
 * if (code === EXIT.unavailable) retryLater();
 * ```
 */
export const EXIT = Object.freeze({ ok: 0, refused: 1, usage: 2, config: 3, unavailable: 4 } as const);

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports on one line of stderr and turns into an exit code. Never carries key material. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A usage error (exit 2). */
export const usageError = (message: string) => new CliError(EXIT.usage, message);
/** A configuration error (exit 3). */
export const configError = (message: string, cause?: unknown) => new CliError(EXIT.config, message, { cause });
