import type { ClickHouseClient } from '@clickhouse/client';
import { PulseError, sleep } from '@pulse/common';
import { insertJsonEachRow, queryRows } from './client.js';

/** One part of Pulse having done its share of one regulation for one subject (the `regulations` table). */
export interface RegulationPartDone {
  regulationId: string;
  regulationType: string;
  subjectType: string;
  subjectId: string;
  linkedTo?: string | undefined;
  /** ISO 8601. */
  requestedAt: string;
  part: 'ingest' | 'modeling' | 'trigger';
  /** What the part removed (rows per table, checkpoints purged, jobs removed, ...). */
  detail: Record<string, unknown>;
}

/** Writes the audit row of a part done; doing the part again replaces it (ReplacingMergeTree). */
export async function recordRegulationPart(
  client: ClickHouseClient,
  database: string,
  done: RegulationPartDone,
  now = new Date(),
): Promise<void> {
  const row = {
    regulation_id: done.regulationId,
    regulation_type: done.regulationType,
    subject_type: done.subjectType,
    subject_id: done.subjectId,
    linked_to: done.linkedTo ?? '',
    requested_at: done.requestedAt,
    part: done.part,
    done_at: now.toISOString(),
    detail: JSON.stringify(done.detail),
  };
  await insertJsonEachRow(client, `${database}.regulations`, JSON.stringify(row), {
    date_time_input_format: 'best_effort',
  });
}

export class RowsRemainError extends PulseError {
  constructor(table: string, remaining: number) {
    super(
      'PULSE_DELETION_INCOMPLETE',
      `${remaining} rows of the subject are still in ${table} after deleting them; the deletion is retried`,
      { retriable: true },
    );
  }
}

/**
 * Deletes the rows of `table` whose `column` is one of `keys` (a lightweight DELETE, applied
 * before it returns) and checks that none remain. A batch being inserted while the delete ran
 * lands after it, so a remaining row is deleted again (up to `rounds` times, then RowsRemainError,
 * which the caller retries); with `settleMs` the table is looked at once more after that long,
 * for batches still on their way from another process. Returns how many rows were deleted.
 */
export async function deleteRowsOf(
  client: ClickHouseClient,
  table: string,
  column: string,
  keys: readonly string[],
  options: { rounds?: number; pauseMs?: number; settleMs?: number } = {},
): Promise<number> {
  if (keys.length === 0) return 0;
  const where = `${column} IN {keys:Array(String)}`;
  const count = async () =>
    Number(
      (
        await queryRows<{ n: string }>(client, `SELECT count() AS n FROM ${table} WHERE ${where}`, { keys })
      )[0]?.n ?? 0,
    );
  const rounds = options.rounds ?? 5;
  let deleted = 0;
  let settled = !options.settleMs;
  let remaining = await count();
  for (let round = 0; ; ) {
    if (remaining > 0) {
      if (round >= rounds) throw new RowsRemainError(table, remaining);
      if (round > 0) await sleep(options.pauseMs ?? 200);
      round += 1;
      deleted += remaining;
      await client.command({ query: `DELETE FROM ${table} WHERE ${where}`, query_params: { keys } });
      remaining = await count();
      deleted -= remaining;
      continue;
    }
    if (settled) return deleted;
    await sleep(options.settleMs ?? 0);
    settled = true;
    remaining = await count();
  }
}
