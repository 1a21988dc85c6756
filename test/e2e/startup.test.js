// Start-up failures of a reference app: one line naming the problem, no stack, no secret, exit 1.
import { describe, expect, it } from 'vitest';
import { exampleDir } from './support/apps.js';
import { startExampleProcess } from './support/process.js';

const express = exampleDir('express');

/** @param {string} store */
async function failedStart(store) {
  return startExampleProcess(express, { KEYWARD_STORE: store }, { timeoutMs: 20_000 }).then(
    () => {
      throw new Error('the app should not have started');
    },
    (/** @type {Error} */ error) => error.message,
  );
}

describe('start-up failures', () => {
  it.each([
    ['redis://:hunter2@127.0.0.1:1', /could not start: could not connect to Redis: connect ECONNREFUSED 127\.0\.0\.1:1\n$/],
    ['postgres://postgres:hunter2@127.0.0.1:1/test', /could not start: .*ECONNREFUSED.*\n$/],
    ['pglite:/proc/keyward-cannot-create-this', /could not start: .*ENOENT.*\n$/],
  ])('%s: one line, no stack trace, no password', async (store, line) => {
    const output = await failedStart(store);
    expect(output).toMatch(line);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('hunter2');
  });
});
