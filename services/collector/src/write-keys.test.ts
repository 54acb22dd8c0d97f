import { describe, expect, it } from 'vitest';
import { sha256Hex, WriteKeyStore, writeKeyFromAuthorization } from './write-keys.js';

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

describe('WriteKeyStore with a keys file', () => {
  const store = () =>
    new WriteKeyStore(
      [{ key: 'env-key', sourceId: 'env' }],
      [
        { sourceId: 'web', sha256: sha256Hex('file-key') },
        { sourceId: 'ios', sha256: sha256Hex('slow-key'), rateLimitPerSecond: 50 },
        { sourceId: 'old', sha256: sha256Hex('old-key'), revoked: true },
      ],
    );

  it('resolves keys from both, with the rate a key sets', () => {
    const s = store();
    expect(s.lookup('env-key')).toEqual({ status: 'ok', sourceId: 'env' });
    expect(s.lookup('file-key')).toEqual({ status: 'ok', sourceId: 'web' });
    expect(s.lookup('slow-key')).toEqual({ status: 'ok', sourceId: 'ios', rateLimitPerSecond: 50 });
    expect(s.lookup('nope')).toEqual({ status: 'unknown' });
  });

  it('tells a revoked key from an unknown one, and resolve() refuses both', () => {
    const s = store();
    expect(s.lookup('old-key')).toEqual({ status: 'revoked', sourceId: 'old' });
    expect(s.resolve('old-key')).toBeUndefined();
  });

  it('revokes a PULSE_WRITE_KEYS key the file lists as revoked', () => {
    const s = store();
    s.replaceFileEntries([{ sourceId: 'env', sha256: sha256Hex('env-key'), revoked: true }]);
    expect(s.lookup('env-key').status).toBe('revoked');
  });

  it('lets a revocation win over another line for the same key, in either order', () => {
    const digest = sha256Hex('twice');
    for (const entries of [
      [
        { sourceId: 'web', sha256: digest, revoked: true },
        { sourceId: 'web', sha256: digest },
      ],
      [
        { sourceId: 'web', sha256: digest },
        { sourceId: 'web', sha256: digest, revoked: true },
      ],
    ]) {
      expect(new WriteKeyStore([], entries).lookup('twice').status).toBe('revoked');
    }
  });

  it('replaces the file keys whole, keeping the PULSE_WRITE_KEYS ones', () => {
    const s = store();
    s.replaceFileEntries([{ sourceId: 'android', sha256: sha256Hex('new-key') }]);
    expect(s.resolve('file-key')).toBeUndefined();
    expect(s.lookup('old-key').status).toBe('unknown');
    expect(s.resolve('new-key')).toBe('android');
    expect(s.resolve('env-key')).toBe('env');
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
