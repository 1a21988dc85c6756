import type { CliIo } from './io.js';
import { usageError } from './exit-codes.js';

const MAX_INPUT = 8_192;

/**
 * Read one secret (a key) from stdin: the whole piped input, or one line typed at a terminal with
 * the echo off. Surrounding whitespace is dropped. Never echoes what it read.
 */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  if (stdin.isTTY === true && typeof stdin.setRawMode === 'function') return readHidden(io, prompt);
  let text = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.length > MAX_INPUT) throw usageError('stdin holds more than a key');
  }
  const value = text.trim();
  if (/[\r\n]/.test(value)) throw usageError('stdin must hold exactly one key (one line)');
  return value;
}

function readHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(prompt);
  stdin.setRawMode!(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error: Error | null) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error === null) resolve(value.trim());
      else reject(error);
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done(null);
        if (char === '\u0003') return done(usageError('cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
        if (value.length > MAX_INPUT) return done(usageError('input longer than any key'));
      }
    };
    stdin.on('data', onData);
  });
}
