// Boot a reference app as a real child process (`node server.js`), the way a user runs it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} ExampleProcess
 * @property {string} url Base URL the server printed (`http://127.0.0.1:<port>`).
 * @property {() => string} output Everything the process wrote so far, stdout and stderr interleaved.
 * @property {() => Promise<{ code: number | null, signal: NodeJS.Signals | null }>} stop SIGTERM, then wait for the exit.
 * @property {import('node:child_process').ChildProcess} child
 */

/**
 * Start `node server.js` in an example folder with `PORT=0` (a free port) and the given
 * environment (inherited `KEYWARD_*` and `PORT` variables are dropped), and wait until it prints
 * its address. Rejects with the process output if it exits first or takes longer than `timeoutMs`.
 *
 * @example
 * const app = await startExampleProcess(exampleDir('express'), { KEYWARD_JWT_SECRET: secret });
 * await fetch(`${app.url}/health`);
 * await app.stop();
 *
 * @param {string | URL} dir The example folder (holding server.js).
 * @param {Record<string, string>} [env]
 * @param {{ timeoutMs?: number }} [options] Default 15 000 ms.
 * @returns {Promise<ExampleProcess>}
 */
export async function startExampleProcess(dir, env = {}, { timeoutMs = 15_000 } = {}) {
  const cwd = dir instanceof URL ? fileURLToPath(dir) : dir;
  /** @type {Record<string, string | undefined>} */
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_') && name !== 'PORT'));
  const child = spawn(process.execPath, ['server.js'], { cwd, env: { ...base, NODE_ENV: 'test', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  // 'close', not 'exit': it comes after stdout and stderr are drained, so the output is complete.
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal }));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`the example did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) done(null, match[1]);
    };
    const onExit = () => done(new Error(`the example exited before listening:\n${output}`));
    /** @param {Error | null} error @param {string} [value] */
    function done(error, value) {
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.off('close', onExit);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else resolve(value);
    }
    child.stdout.on('data', check);
    child.once('close', onExit);
  });

  return {
    url,
    output: () => output,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Run `node server.js` in an example folder that is expected to stop by itself (a refused
 * start-up), with stdout and stderr kept apart. Same environment rules as {@link startExampleProcess}.
 *
 * @example
 * const { code, stderr } = await runUntilExit(dir, { NODE_ENV: 'production' });
 *
 * @param {string | URL} dir
 * @param {Record<string, string>} env
 * @param {{ timeoutMs?: number }} [options] Default 15 000 ms, then the process is killed.
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export async function runUntilExit(dir, env, { timeoutMs = 15_000 } = {}) {
  const cwd = dir instanceof URL ? fileURLToPath(dir) : dir;
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_') && name !== 'PORT'));
  const child = spawn(process.execPath, ['server.js'], { cwd, env: { ...base, NODE_ENV: 'test', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'close');
  return { code, stdout, stderr };
}
