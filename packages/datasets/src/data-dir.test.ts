import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from './data-dir.js';
import { DatasetMissingError } from './errors.js';
import { readMovieLensRatings } from './movielens.js';
import { readOttoSessions } from './otto.js';
import { readOnlineRetail } from './read-online-retail.js';

describe('the data folder', () => {
  it('defaults to shared/data next to the repository', () => {
    const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
    expect(existsSync(join(repoRoot, 'pnpm-workspace.yaml'))).toBe(true);
    expect(defaultDataDir()).toBe(resolve(repoRoot, '..', 'shared', 'data'));
  });

  it('throws DatasetMissingError naming the file, the place and PULSE_DATA_DIR', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'pulse-empty-'));
    const first = async (source: AsyncIterable<unknown>): Promise<unknown> => {
      for await (const item of source) return item;
      return undefined;
    };
    for (const source of [
      readOnlineRetail({ dataDir: empty }),
      readOttoSessions({ dataDir: empty }),
      readMovieLensRatings({ dataDir: empty }),
    ]) {
      const error = await first(source).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatasetMissingError);
      const missing = error as DatasetMissingError;
      expect(missing.code).toBe('PULSE_DATASET_MISSING');
      expect(missing.path.startsWith(empty)).toBe(true);
      expect(missing.message).toContain(missing.file);
      expect(missing.message).toContain(missing.path);
      expect(missing.message).toContain('PULSE_DATA_DIR');
    }
  });
});
