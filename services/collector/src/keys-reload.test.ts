import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, sleep } from '@pulse/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeysFile } from './keys-file.js';
import { type KeysFileWatch, watchKeysFile } from './keys-reload.js';
import { sha256Hex, WriteKeyStore } from './write-keys.js';

let dir: string;
let path: string;
let lines: string[];
let watch: KeysFileWatch | undefined;

const logger = () =>
  createLogger({ service: 'collector', level: 'info' }, { write: (l: string) => void lines.push(l) });

const fileOf = (entries: object[]) => `${JSON.stringify(entries)}\n`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-keys-reload-'));
  path = join(dir, 'keys.json');
  lines = [];
});

afterEach(() => {
  watch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function started(entries: object[], intervalMs = 60_000): WriteKeyStore {
  const text = fileOf(entries);
  writeFileSync(path, text);
  const store = new WriteKeyStore([], parseKeysFile(text));
  watch = watchKeysFile(path, store, { intervalMs, logger: logger(), loadedText: text });
  return store;
}

describe('watchKeysFile', () => {
  it('applies a revocation and a new key when the file changes', async () => {
    const store = started([{ sourceId: 'web', sha256: sha256Hex('key-web') }]);
    expect(store.resolve('key-web')).toBe('web');
    writeFileSync(
      path,
      fileOf([
        { sourceId: 'web', sha256: sha256Hex('key-web'), revoked: true },
        { sourceId: 'ios', sha256: sha256Hex('key-ios') },
      ]),
    );
    await watch!.check();
    expect(store.lookup('key-web')).toEqual({ status: 'revoked', sourceId: 'web' });
    expect(store.resolve('key-ios')).toBe('ios');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'write keys file reloaded', keys: 2, revoked: 1, sources: 2 }),
    ]);
  });

  it('keeps the last good keys when the file breaks or disappears, and says so once', async () => {
    const store = started([{ sourceId: 'web', sha256: sha256Hex('key-web') }]);
    writeFileSync(path, '[{"sourceId": "web", "sha');
    await watch!.check();
    await watch!.check();
    expect(store.resolve('key-web')).toBe('web');
    unlinkSync(path);
    await watch!.check();
    expect(store.resolve('key-web')).toBe('web');
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(errors.map((e) => e.level)).toEqual([50, 50]);
    expect(errors[0]!.msg).toContain('not valid JSON');
    expect(errors[1]!.msg).toContain('disappeared');
    // Fixed again: applied, and a later problem is reported anew.
    writeFileSync(path, fileOf([]));
    await watch!.check();
    expect(store.resolve('key-web')).toBeUndefined();
  });

  it('checks by itself every interval', async () => {
    const store = started([{ sourceId: 'web', sha256: sha256Hex('key-web') }], 50);
    writeFileSync(path, fileOf([{ sourceId: 'web', sha256: sha256Hex('key-web'), revoked: true }]));
    const deadline = Date.now() + 5000;
    while (store.resolve('key-web') !== undefined && Date.now() < deadline) await sleep(20);
    expect(store.lookup('key-web').status).toBe('revoked');
  });

  it('never logs digests', async () => {
    started([]);
    const digest = sha256Hex('key-web');
    writeFileSync(path, fileOf([{ sourceId: 'web', sha256: digest }]));
    await watch!.check();
    expect(lines).toHaveLength(1);
    expect(lines.join('')).not.toContain(digest);
  });
});
