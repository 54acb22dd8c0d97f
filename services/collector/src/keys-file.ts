import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PulseError } from '@pulse/common';
import { z } from 'zod';
import { sha256Hex } from './write-keys.js';

/**
 * The write keys file (COLLECTOR_WRITE_KEYS_FILE): a JSON array of
 * `{sourceId, sha256, revoked?, rateLimitPerSecond?}`. Only the SHA-256 of a
 * key is stored, so the file can be read by whoever runs the collector
 * without handing them the keys. Other fields (createdAt, a label) are kept
 * as they are.
 */
export interface KeysFileEntry {
  sourceId: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  revoked?: boolean;
  /** Events per second for this key's source, overriding COLLECTOR_RATE_LIMIT_PER_SOURCE; 0 = no limit. */
  rateLimitPerSecond?: number;
}

export class KeysFileError extends PulseError {
  constructor(message: string) {
    super('PULSE_WRITE_KEYS_FILE', message);
  }
}

export const SOURCE_ID = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s:,]+$/, 'must not contain spaces, ":" or ","');

const entrySchema = z.looseObject({
  sourceId: SOURCE_ID,
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the hex SHA-256 of the key (64 hex digits)')
    .transform((v) => v.toLowerCase()),
  revoked: z.boolean().optional(),
  rateLimitPerSecond: z.number().int().min(0).optional(),
});

const fileSchema = z.array(entrySchema);

/** Reads the file's text; every problem is reported with the entry index, and the file is refused whole. */
export function parseKeysFile(text: string, path = 'write keys file'): KeysFileEntry[] {
  if (text.trim().length === 0) throw new KeysFileError(`${path} is empty; write [] for no keys`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KeysFileError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const result = fileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  [${i.path.join('].')}: ${i.message}`).join('\n');
    throw new KeysFileError(
      `${path} must be a JSON array of {sourceId, sha256, revoked?, rateLimitPerSecond?}:\n${problems}`,
    );
  }
  return result.data.map((e) => ({
    sourceId: e.sourceId,
    sha256: e.sha256,
    ...(e.revoked === undefined ? {} : { revoked: e.revoked }),
    ...(e.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: e.rateLimitPerSecond }),
  }));
}

/** The file's text, or undefined when it does not exist. */
export async function readKeysFileText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeysFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** A new random key: 32 URL-safe characters (192 bits), never containing ':' (Basic auth would cut it). */
export function generateWriteKey(): string {
  return `pk_${randomBytes(24).toString('base64url')}`;
}

type RawEntry = Record<string, unknown>;

function rawEntries(text: string | undefined, path: string): RawEntry[] {
  if (text === undefined) return [];
  parseKeysFile(text, path); // refuses to build on a broken file
  return JSON.parse(text) as RawEntry[];
}

function render(entries: RawEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

export interface AddedKey {
  /** Shown once; only its digest is written. */
  key: string;
  sha256: string;
  text: string;
}

/** The file's new text with a fresh key for `sourceId` appended. */
export function addKey(
  text: string | undefined,
  sourceId: string,
  options: { rateLimitPerSecond?: number; now?: Date; path?: string } = {},
): AddedKey {
  const source = SOURCE_ID.safeParse(sourceId);
  if (!source.success) {
    throw new KeysFileError(`source id "${sourceId}" ${source.error.issues[0]?.message ?? 'is invalid'}`);
  }
  const entries = rawEntries(text, options.path ?? 'write keys file');
  const key = generateWriteKey();
  const sha256 = sha256Hex(key);
  entries.push({
    sourceId,
    sha256,
    createdAt: (options.now ?? new Date()).toISOString(),
    ...(options.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: options.rateLimitPerSecond }),
  });
  return { key, sha256, text: render(entries) };
}

export interface RevokedKeys {
  /** Digests newly revoked. */
  revoked: string[];
  text: string;
}

/**
 * The file's new text with the source's keys revoked: all of them, or only
 * those whose digest starts with `sha256Prefix` (to retire one key after
 * creating its replacement).
 */
export function revokeKeys(
  text: string | undefined,
  sourceId: string,
  options: { sha256Prefix?: string; now?: Date; path?: string } = {},
): RevokedKeys {
  const entries = rawEntries(text, options.path ?? 'write keys file');
  const prefix = options.sha256Prefix?.toLowerCase();
  const revoked: string[] = [];
  for (const e of entries) {
    const digest = String(e['sha256']).toLowerCase();
    if (e['sourceId'] !== sourceId || e['revoked'] === true) continue;
    if (prefix !== undefined && !digest.startsWith(prefix)) continue;
    e['revoked'] = true;
    e['revokedAt'] = (options.now ?? new Date()).toISOString();
    revoked.push(digest);
  }
  return { revoked, text: render(entries) };
}

/** Replaces the file in one rename, readable by its owner only, so the collector never reads half a file. */
export async function writeKeysFile(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, path);
}
