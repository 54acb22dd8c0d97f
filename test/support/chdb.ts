import { randomBytes } from 'node:crypto';
import { type ClickHouseClient, queryRows } from '@pulse/clickhouse';

/**
 * A fresh database name per test. chdb is one engine per process bound to
 * one data directory, so a test file opens one path and isolates its tests
 * by database instead.
 */
export function testDatabase(): string {
  return `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** The single row of an aggregate query. */
export async function queryOne<T>(
  client: ClickHouseClient,
  query: string,
  params?: Record<string, unknown>,
): Promise<T> {
  const [row] = await queryRows<T>(client, query, params);
  if (row === undefined) throw new Error(`no row from: ${query}`);
  return row;
}

/** The message_id of every row of a database's events table after FINAL (one row per id once folded). */
export async function storedMessageIds(client: ClickHouseClient, database: string): Promise<string[]> {
  const rows = await queryRows<{ message_id: string }>(
    client,
    `SELECT message_id FROM ${database}.events FINAL`,
  );
  return rows.map((r) => r.message_id);
}
