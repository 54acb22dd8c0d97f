import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  addKey,
  KeysFileError,
  parseKeysFile,
  readKeysFileText,
  revokeKeys,
  writeKeysFile,
} from '@pulse/collector';
import { type Command, InvalidArgumentError } from 'commander';

const DEFAULT_FILE = '.pulse/write-keys.json';

const fileOf = (o: { file?: string }) => o.file ?? process.env['COLLECTOR_WRITE_KEYS_FILE'] ?? DEFAULT_FILE;

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('a whole number of events per second, 0 for no limit');
  return n;
}

/**
 * `pulse keys`: the collector's hashed write keys file (COLLECTOR_WRITE_KEYS_FILE).
 * A running collector picks changes up within COLLECTOR_WRITE_KEYS_RELOAD_MS.
 */
export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description(
      'manage write keys in the hashed keys file the collector reloads (COLLECTOR_WRITE_KEYS_FILE)',
    );

  keys
    .command('create')
    .description('create a write key for a source: prints the key once and stores only its SHA-256')
    .requiredOption('--source <id>', 'the source the key identifies')
    .option('--file <path>', `keys file (default $COLLECTOR_WRITE_KEYS_FILE or ${DEFAULT_FILE})`)
    .option(
      '--rate-limit <events/s>',
      'events per second for this source, overriding the default (0 = none)',
      wholeNumber,
    )
    .action(async (o: { source: string; file?: string; rateLimit?: number }) => {
      const file = fileOf(o);
      const added = addKey(await readKeysFileText(file), o.source, {
        path: file,
        ...(o.rateLimit === undefined ? {} : { rateLimitPerSecond: o.rateLimit }),
      });
      mkdirSync(dirname(file), { recursive: true });
      await writeKeysFile(file, added.text);
      process.stderr.write(
        `write key for source "${o.source}" added to ${file} (sha256 ${added.sha256.slice(0, 12)}…); it is not shown again:\n`,
      );
      process.stdout.write(`${added.key}\n`);
    });

  keys
    .command('revoke')
    .description("revoke a source's write keys (all of them, or the one whose sha256 starts with --sha256)")
    .requiredOption('--source <id>', 'the source whose keys to revoke')
    .option('--sha256 <prefix>', 'only the key whose digest starts with this (see pulse keys list)')
    .option('--file <path>', `keys file (default $COLLECTOR_WRITE_KEYS_FILE or ${DEFAULT_FILE})`)
    .action(async (o: { source: string; sha256?: string; file?: string }) => {
      const file = fileOf(o);
      const text = await readKeysFileText(file);
      if (text === undefined) throw new KeysFileError(`${file} does not exist`);
      const result = revokeKeys(text, o.source, {
        path: file,
        ...(o.sha256 === undefined ? {} : { sha256Prefix: o.sha256 }),
      });
      if (result.revoked.length === 0) {
        throw new KeysFileError(
          `no active key of source "${o.source}"${o.sha256 ? ` with sha256 ${o.sha256}…` : ''} in ${file}`,
        );
      }
      await writeKeysFile(file, result.text);
      for (const digest of result.revoked)
        process.stdout.write(`revoked ${o.source} sha256 ${digest.slice(0, 12)}…\n`);
    });

  keys
    .command('list')
    .description('list the keys file: source, digest prefix, state, rate limit')
    .option('--file <path>', `keys file (default $COLLECTOR_WRITE_KEYS_FILE or ${DEFAULT_FILE})`)
    .action(async (o: { file?: string }) => {
      const file = fileOf(o);
      const text = await readKeysFileText(file);
      if (text === undefined) throw new KeysFileError(`${file} does not exist`);
      for (const e of parseKeysFile(text, file)) {
        const rate = e.rateLimitPerSecond === undefined ? 'default' : `${e.rateLimitPerSecond}/s`;
        process.stdout.write(
          `${e.sourceId.padEnd(24)} ${e.sha256.slice(0, 12)}  ${e.revoked ? 'revoked' : 'active '}  ${rate}\n`,
        );
      }
    });
}
