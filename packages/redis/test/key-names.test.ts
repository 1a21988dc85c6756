import { describe, expect, it } from 'vitest';
import { keyNames } from '../src/key-names.js';

/** The part of `name` Redis Cluster hashes (its hash tag rule: first `{`, then the first `}` after it, non-empty). */
function hashedPart(name: string): string {
  const open = name.indexOf('{');
  const close = open === -1 ? -1 : name.indexOf('}', open + 1);
  return close > open + 1 ? name.slice(open + 1, close) : name;
}

describe('key names', () => {
  it('puts every key and the channel of a store under its hash tag, so they share one cluster slot', () => {
    const names = keyNames('keyward');
    const all = [
      names.byHash('ab'.repeat(32)), names.byId('key_123'), names.owner('user_1'),
      names.owner('}{evil}'), names.owner(''), names.byId('{other}'), names.channel,
    ];
    for (const name of all) {
      expect(name.startsWith('{keyward}:')).toBe(true);
      expect(hashedPart(name)).toBe('keyward');
    }
    expect(names.base).toBe('{keyward}:');
    // What the Lua scripts build from the base names the same keys as the JavaScript side.
    expect(`${names.base}h:${'ab'.repeat(32)}`).toBe(names.byHash('ab'.repeat(32)));
    expect(`${names.base}id:key_123`).toBe(names.byId('key_123'));
  });

  it('keeps stores with different prefixes apart', () => {
    expect(keyNames('a').byId('key_1')).not.toBe(keyNames('b').byId('key_1'));
    expect(hashedPart(keyNames('tenant:7').owner('x'))).toBe('tenant:7');
  });
});
