import { type ClickHouseClient, insertJsonEachRow } from '@pulse/clickhouse';
import { PulseError } from '@pulse/common';

/** Writes rows (one JSON object per string) into the events table. */
export interface EventInserter {
  insert(rows: string[]): Promise<void>;
}

/** ClickHouse refused the rows themselves; retrying the same rows cannot help. */
export class RowsRejectedError extends PulseError {
  constructor(message: string, cause: unknown) {
    super('PULSE_ROWS_REJECTED', message, { retriable: false, cause });
  }
}

/** ClickHouse could not be reached or failed for a reason unrelated to the rows; retry later. */
export class InsertUnavailableError extends PulseError {
  constructor(message: string, cause: unknown) {
    super('PULSE_CLICKHOUSE_UNAVAILABLE', message, { retriable: true, cause });
  }
}

/** ClickHouse error codes that mean "these rows are bad", not "the server is". */
const DATA_ERROR_CODES = new Set([
  '6',
  '26',
  '27',
  '32',
  '33',
  '38',
  '41',
  '53',
  '69',
  '70',
  '72',
  '117',
  '131',
  '190',
  '349',
  '387',
  '1001',
]);

const INSERT_SETTINGS = {
  input_format_skip_unknown_fields: 1,
  date_time_input_format: 'best_effort',
  input_format_json_read_objects_as_strings: 1,
  // A batch of events spanning more than 100 months (a backfill, old client
  // timestamps) would otherwise fail with TOO_MANY_PARTS (252), a code that
  // is retried as "unavailable": ingest would retry the same batch forever.
  max_partitions_per_insert_block: '0',
} as const;

/**
 * Hands the rows to ClickHouse as one JSONEachRow body built by joining the
 * Kafka payloads: no objects are built or serialised again, which keeps the
 * event loop free while large batches go in.
 */
export function clickhouseEventInserter(client: ClickHouseClient, table: string): EventInserter {
  return {
    async insert(rows) {
      if (rows.length === 0) return;
      try {
        await insertJsonEachRow(client, table, rows.join('\n'), INSERT_SETTINGS);
      } catch (err) {
        // Servers' errors carry the ClickHouse code in `code`; chdb's raw insert in `clickhouseCode`.
        const e = err as { code?: unknown; clickhouseCode?: unknown };
        const code = String(e.clickhouseCode ?? e.code ?? '');
        const message = err instanceof Error ? err.message : String(err);
        if (DATA_ERROR_CODES.has(code))
          throw new RowsRejectedError(`ClickHouse refused the rows: ${message}`, err);
        throw new InsertUnavailableError(`ClickHouse insert failed: ${message}`, err);
      }
    },
  };
}
