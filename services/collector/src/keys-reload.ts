import { errorMessage, type Logger } from '@pulse/common';
import { type KeysFileEntry, parseKeysFile, readKeysFileText } from './keys-file.js';
import type { WriteKeyStore } from './write-keys.js';

export interface KeysFileWatch {
  /** Reads the file now and applies it if it changed (the timer calls this). */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Applies the keys file to the store whenever its content changes, checking
 * every `intervalMs`: a key revoked in the file is refused within that time,
 * without a restart. A file that disappears or no longer parses leaves the
 * last good keys in place (a half-edited file must not lock every source
 * out), and says so in the logs once.
 */
export function watchKeysFile(
  path: string,
  store: WriteKeyStore,
  options: { intervalMs: number; logger: Logger; loadedText: string },
): KeysFileWatch {
  const { logger } = options;
  let applied = options.loadedText;
  let lastProblem: string | undefined;
  let running: Promise<void> | undefined;

  const apply = async () => {
    let text: string | undefined;
    try {
      text = await readKeysFileText(path);
    } catch (err) {
      return problem(errorMessage(err));
    }
    if (text === undefined) return problem(`${path} disappeared; keeping the keys last read from it`);
    if (text === applied) return;
    let entries: KeysFileEntry[];
    try {
      entries = parseKeysFile(text, path);
    } catch (err) {
      return problem(`${errorMessage(err)}\nkeeping the keys last read from it`);
    }
    store.replaceFileEntries(entries);
    applied = text;
    lastProblem = undefined;
    logger.info({ path, ...summary(entries) }, 'write keys file reloaded');
  };

  const problem = (message: string) => {
    if (message === lastProblem) return;
    lastProblem = message;
    logger.error({ path }, message);
  };

  const check = () => {
    // One read at a time: a slow disk must not pile reads up.
    running ??= apply().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

/** Counts for the logs; never the digests. */
export function summary(entries: readonly KeysFileEntry[]): {
  keys: number;
  revoked: number;
  sources: number;
} {
  return {
    keys: entries.length,
    revoked: entries.filter((e) => e.revoked === true).length,
    sources: new Set(entries.map((e) => e.sourceId)).size,
  };
}
