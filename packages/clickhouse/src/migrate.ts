import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { PulseError } from '@pulse/common';
import { queryRows } from './client.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export class MigrationError extends PulseError {
  constructor(migration: string, cause: unknown) {
    super(
      'PULSE_MIGRATION_FAILED',
      `ClickHouse migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}. Fix the cause and restart; applied migrations are not repeated.`,
      { cause },
    );
  }
}

/** Reads `NNNN_name.sql` files in version order, with `{db}` bound to the database. */
export function loadMigrations(database: string, dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8').replaceAll('{db}', database);
      const statements = sql
        .split(/;\s*(?:\n|$)/)
        .map((s) =>
          s
            .split('\n')
            .filter((line) => !line.trim().startsWith('--'))
            .join('\n')
            .trim(),
        )
        .filter((s) => s.length > 0);
      return { version: Number(file.slice(0, 4)), name: file.replace(/\.sql$/, ''), statements };
    });
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`. Statements
 * are idempotent (IF NOT EXISTS), so a crash between a statement and its
 * record only repeats harmless work.
 */
export async function migrate(client: ClickHouseClient, database: string): Promise<{ applied: string[] }> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = MergeTree ORDER BY version`,
  });
  const done = new Set(
    (await queryRows<{ version: number }>(client, `SELECT version FROM ${database}.schema_migrations`)).map(
      (r) => Number(r.version),
    ),
  );
  const applied: string[] = [];
  for (const m of loadMigrations(database)) {
    if (done.has(m.version)) continue;
    try {
      for (const statement of m.statements) await client.command({ query: statement });
      await client.insert({
        table: `${database}.schema_migrations`,
        values: [{ version: m.version, name: m.name }],
        format: 'JSONEachRow',
      });
    } catch (err) {
      throw new MigrationError(m.name, err);
    }
    applied.push(m.name);
  }
  return { applied };
}
