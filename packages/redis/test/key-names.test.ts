import { describe, expect, it } from 'vitest';
import { keyNames, liveMember, parseLiveMember } from '../src/key-names.js';

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
      names.byHash('ab'.repeat(32)), names.byId('key_123'), names.nicknames('user_1'), names.active('user_1'), names.live('user_1'),
      names.live('}{evil}'), names.orgLive('org_1'), names.orgLive('}{evil}'), names.nicknames(''), names.byId('{other}'), names.channel,
    ];
    for (const name of all) {
      expect(name.startsWith('{keyward}:')).toBe(true);
      expect(hashedPart(name)).toBe('keyward');
    }
    expect(names.base).toBe('{keyward}:');
    // What the Lua scripts build from the base names the same keys as the JavaScript side.
    expect(`${names.base}h:${'ab'.repeat(32)}`).toBe(names.byHash('ab'.repeat(32)));
    expect(`${names.base}id:key_123`).toBe(names.byId('key_123'));
    expect([`${names.base}nick:u`, `${names.base}active:u`, `${names.base}live:u`]).toEqual([names.nicknames('u'), names.active('u'), names.live('u')]);
    expect(`${names.base}org:o`).toBe(names.orgLive('o'));
  });

  it('keeps stores with different prefixes apart', () => {
    expect(keyNames('a').byId('key_1')).not.toBe(keyNames('b').byId('key_1'));
    expect(hashedPart(keyNames('tenant:7').live('x'))).toBe('tenant:7');
  });

  it('names live-set members so that lex order is (createdAt, id) order, and reads them back', () => {
    const members = [liveMember(9, 'key_b'), liveMember(10, 'key_a'), liveMember(9, 'key_a'), liveMember(1_893_466_445_678, 'key_0')];
    expect([...members].sort()).toEqual([liveMember(9, 'key_a'), liveMember(9, 'key_b'), liveMember(10, 'key_a'), liveMember(1_893_466_445_678, 'key_0')]);
    expect(parseLiveMember(liveMember(1_893_466_445_678, 'key_x:y'))).toEqual({ createdAt: new Date(1_893_466_445_678), id: 'key_x:y' });
    expect(parseLiveMember('nonsense')).toBeNull();
  });
});
