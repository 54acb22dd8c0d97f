import { describe, expect, it } from 'vitest';
import { WriteKeyStore, writeKeyFromAuthorization } from './write-keys.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('WriteKeyStore', () => {
  const store = new WriteKeyStore([
    { key: 'key-a', sourceId: 'web' },
    { key: 'key-b', sourceId: 'ios' },
  ]);

  it('resolves each key to its source', () => {
    expect(store.resolve('key-a')).toBe('web');
    expect(store.resolve('key-b')).toBe('ios');
  });

  it('does not resolve unknown, empty or near-miss keys', () => {
    for (const key of ['key-c', '', 'key-a ', 'KEY-A']) expect(store.resolve(key)).toBeUndefined();
  });

  it('keeps only digests of the keys', () => {
    const held = (store as unknown as { byDigest: Map<string, string> }).byDigest;
    expect([...held.keys()].join()).not.toContain('key-a');
    expect([...held.keys()].every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
  });
});

describe('writeKeyFromAuthorization', () => {
  it.each([
    ['user name with an empty password', basic('key-a:'), 'key-a'],
    ['user name with a password', basic('key-a:ignored'), 'key-a'],
    ['user name without a colon', basic('key-a'), 'key-a'],
    ['lower-case scheme', `basic ${Buffer.from('key-a:').toString('base64')}`, 'key-a'],
  ])('reads the key from a %s', (_name, header, key) => {
    expect(writeKeyFromAuthorization(header)).toBe(key);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Bearer key-a'],
    ['a scheme alone', 'Basic'],
    ['an empty user name', basic(':password')],
  ])('finds no key in %s', (_name, header) => {
    expect(writeKeyFromAuthorization(header)).toBeUndefined();
  });
});
