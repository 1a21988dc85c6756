import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { KeyManagerError } from '../errors.js';
import { managementErrorResponse } from '../management/responses.js';

const owner = { ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: [] };

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  const error = await promise.then(
    () => expect.unreachable('expected a KeyManagerError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyManagerError);
  return { code: (error as KeyManagerError).code, field: (error as KeyManagerError).field };
}

describe('nicknames', () => {
  it('are stored in NFC, so composed and decomposed spellings are one nickname', async () => {
    const { keyward } = setup();
    const { record } = await keyward.keys.create({ ...owner, nickname: 'cafe\u0301' });
    expect(record.nickname).toBe('caf\u00e9');
    expect(await codeOf(keyward.keys.create({ ...owner, nickname: 'caf\u00e9' }))).toEqual({ code: 'nickname_conflict', field: 'nickname' });
  });

  it('refuse control, bidi-control, zero-width and unpaired-surrogate characters with invalid_input (422)', async () => {
    const { keyward } = setup();
    const refused = [
      'a\u0000b', 'a\tb', 'a\u0085b', 'a\u2028b', // controls and line breaks
      'a\u202ab', 'a\u202eb', 'a\u2066b', 'a\u2069b', 'a\u200eb', 'a\u200fb', 'a\u061cb', // bidi
      'a\u200bb', 'a\u200cb', 'a\u200db', 'a\u2060b', '\ufeffab', // zero-width
      'a\ud800b', 'a\udc00b', 'ab\ud83d', '\ude00ab', // lone surrogates
    ];
    for (const nickname of refused) {
      const error = await keyward.keys.create({ ...owner, nickname }).then(() => null, (e: unknown) => e);
      expect(error, JSON.stringify(nickname)).toMatchObject({ code: 'invalid_input', field: 'nickname' });
      expect(managementErrorResponse(error).status).toBe(422);
    }
    // Paired surrogates (emoji) and other scripts are fine.
    for (const nickname of ['deploy 🚀', 'ключ', 'مفتاح', '鍵']) {
      expect((await keyward.keys.create({ ...owner, nickname })).record.nickname).toBe(nickname);
    }
  });

  it('count their length after normalisation and keep refusing surrounding spaces', async () => {
    const { keyward } = setup();
    expect(await codeOf(keyward.keys.create({ ...owner, nickname: ' ci' }))).toEqual({ code: 'invalid_input', field: 'nickname' });
    expect(await codeOf(keyward.keys.create({ ...owner, nickname: 'x'.repeat(101) }))).toEqual({ code: 'invalid_input', field: 'nickname' });
    // 100 decomposed é (200 code units) compose to 100 characters.
    expect((await keyward.keys.create({ ...owner, nickname: 'e\u0301'.repeat(100) })).record.nickname).toHaveLength(100);
  });
});
