import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addKey,
  generateWriteKey,
  KeysFileError,
  parseKeysFile,
  revokeKeys,
  writeKeysFile,
} from './keys-file.js';
import { sha256Hex } from './write-keys.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

function parseError(text: string): KeysFileError {
  try {
    parseKeysFile(text, 'keys.json');
  } catch (err) {
    expect(err).toBeInstanceOf(KeysFileError);
    return err as KeysFileError;
  }
  throw new Error('expected a KeysFileError');
}

describe('parseKeysFile', () => {
  it('reads entries, lower-cases digests and keeps only the fields the collector uses', () => {
    const text = JSON.stringify([
      { sourceId: 'web', sha256: A, createdAt: '2025-01-01T00:00:00Z', label: 'shop' },
      { sourceId: 'ios', sha256: B, revoked: true, rateLimitPerSecond: 500 },
      { sourceId: 'free', sha256: A, rateLimitPerSecond: 0, revoked: false },
    ]);
    expect(parseKeysFile(text)).toEqual([
      { sourceId: 'web', sha256: A },
      { sourceId: 'ios', sha256: 'b'.repeat(64), revoked: true, rateLimitPerSecond: 500 },
      { sourceId: 'free', sha256: A, rateLimitPerSecond: 0, revoked: false },
    ]);
    expect(parseKeysFile('[]')).toEqual([]);
  });

  it('refuses an empty file (half written) and one that is not JSON', () => {
    expect(parseError('  \n').message).toContain('keys.json is empty');
    expect(parseError('[{"sourceId": "web",').message).toContain('keys.json is not valid JSON');
  });

  it('names each bad entry and field', () => {
    const err = parseError(
      JSON.stringify([
        { sourceId: 'ok', sha256: A },
        { sourceId: 'web', sha256: 'the-key-itself' },
        { sha256: A, revoked: 'yes' },
        { sourceId: 'has:colon', sha256: A, rateLimitPerSecond: -1 },
      ]),
    );
    expect(err.code).toBe('PULSE_WRITE_KEYS_FILE');
    for (const part of [
      '[1].sha256',
      '[2].sourceId',
      '[2].revoked',
      '[3].sourceId',
      '[3].rateLimitPerSecond',
    ])
      expect(err.message).toContain(part);
    expect(err.message).not.toContain('[0]');
  });

  it('refuses a file that is not an array', () => {
    expect(parseError('{"web": "key"}').message).toContain('must be a JSON array');
  });
});

describe('generateWriteKey', () => {
  it('makes distinct keys that Basic auth can carry', () => {
    const keys = new Set(Array.from({ length: 100 }, generateWriteKey));
    expect(keys.size).toBe(100);
    for (const k of keys) expect(k).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
  });
});

describe('addKey and revokeKeys', () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it('appends the digest of a new key, never the key, and keeps what was there', () => {
    const before = JSON.stringify([{ sourceId: 'web', sha256: A, label: 'kept' }]);
    const added = addKey(before, 'ios', { now, rateLimitPerSecond: 100 });
    expect(added.sha256).toBe(sha256Hex(added.key));
    expect(added.text).not.toContain(added.key);
    expect(JSON.parse(added.text)).toEqual([
      { sourceId: 'web', sha256: A, label: 'kept' },
      { sourceId: 'ios', sha256: added.sha256, createdAt: now.toISOString(), rateLimitPerSecond: 100 },
    ]);
    expect(parseKeysFile(added.text)).toHaveLength(2);
  });

  it('starts a file that does not exist yet', () => {
    const added = addKey(undefined, 'web', { now });
    expect(parseKeysFile(added.text)).toEqual([{ sourceId: 'web', sha256: added.sha256 }]);
  });

  it('refuses a bad source id, and to build on a broken file', () => {
    expect(() => addKey('[]', 'web:prod')).toThrow(KeysFileError);
    expect(() => addKey('[]', '')).toThrow(KeysFileError);
    expect(() => addKey('[{"sourceId": 1}]', 'web')).toThrow(/sourceId/);
  });

  it("revokes all of a source's active keys, or the one a digest prefix names", () => {
    let text = addKey(undefined, 'web').text;
    const second = addKey(text, 'web');
    text = addKey(second.text, 'ios').text;
    const one = revokeKeys(text, 'web', { sha256Prefix: second.sha256.slice(0, 10).toUpperCase(), now });
    expect(one.revoked).toEqual([second.sha256]);
    const revokedEntry = JSON.parse(one.text)[1];
    expect(revokedEntry).toMatchObject({
      sha256: second.sha256,
      revoked: true,
      revokedAt: now.toISOString(),
    });
    const rest = revokeKeys(one.text, 'web');
    expect(rest.revoked).toHaveLength(1); // the other web key; the one already revoked is left as it was
    expect(parseKeysFile(rest.text).map((e) => [e.sourceId, e.revoked === true])).toEqual([
      ['web', true],
      ['web', true],
      ['ios', false],
    ]);
    expect(revokeKeys(rest.text, 'web').revoked).toEqual([]);
  });
});

describe('writeKeysFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file whole, readable by its owner only, leaving no temporary file', async () => {
    const path = join(dir, 'keys.json');
    writeFileSync(path, '[]');
    await writeKeysFile(path, '[{"sourceId":"web","sha256":"' + A + '"}]\n');
    expect(parseKeysFile(readFileSync(path, 'utf8'))).toEqual([{ sourceId: 'web', sha256: A }]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });
});
