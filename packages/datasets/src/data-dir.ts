import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetMissingError } from './errors.js';

/**
 * The shared data sits next to the repository (`<repo root>/../shared/data`), never inside it.
 * Resolved from this file's location so it does not depend on the working directory; this package
 * never reads the environment, callers pass `PULSE_DATA_DIR` in as `dataDir`.
 */
export function defaultDataDir(): string {
  return fileURLToPath(new URL('../../../../shared/data', import.meta.url));
}

/** Absolute path of `file` inside the data folder; throws DatasetMissingError when it is not a file. */
export async function resolveDataFile(file: string, dataDir: string | undefined): Promise<string> {
  const path = join(dataDir ?? defaultDataDir(), file);
  const found = await stat(path).catch(() => null);
  if (!found?.isFile()) throw new DatasetMissingError(file, path);
  return path;
}
