import { type ClickHouseClient, deleteRowsOf, queryRows, recordRegulationPart } from '@pulse/clickhouse';
import type { Logger } from '@pulse/common';
import { deletes, encodeRegulation, type RegulationRecord, type SubjectType } from '@pulse/events';
import type { Message } from 'kafkajs';

/** Ids linked to one user followed at most; a real person has a handful (devices, browsers). */
export const MAX_LINKED_IDS = 1000;

export interface IngestRegulationDeps {
  clickhouse: ClickHouseClient;
  database: string;
  /** Writes the linked subjects' records to the regulations topic. */
  producer: { send(topic: string, messages: Message[]): Promise<void> };
  regulationsTopic: string;
  /** Writes what this process has consumed and not yet inserted (IngestConsumer.flush). */
  flush(): Promise<void>;
  /** How long rows consumed by another ingest process before its filter knew may take to land. */
  settleMs: number;
  logger: Logger;
}

/**
 * Ingest's part of a regulation: for a deletion, the subject's rows leave `events` and
 * `order_items` (the subject is matched on user_key: their userId, or the anonymousId of events
 * sent before they identified). A user id's deletion first follows the ids their events were
 * linked with (the anonymousIds they browsed under before identifying, the previousIds they
 * aliased) and writes one regulation record per linked id, with `linkedTo`, so that every
 * service treats those the same way; records are written before any row is deleted, because the
 * links are read from the rows. Suppression needs nothing here beyond the filter on the input.
 * Every part ends with its audit row.
 */
export function ingestRegulationPart(
  deps: IngestRegulationDeps,
): (record: RegulationRecord) => Promise<void> {
  const db = deps.database;
  return async (record) => {
    const detail: Record<string, unknown> = {};
    if (deletes(record.regulationType)) {
      // The filter already drops the subject's events: what this process took before is written
      // now, so the links and the delete below see it; other processes' batches are waited for
      // (settleMs).
      await deps.flush();
      if (record.subjectType === 'USER_ID' && record.linkedTo === undefined) {
        const linked = await linkedIds(deps.clickhouse, db, record.subjectId);
        if (linked.length > 0) {
          await deps.producer.send(
            deps.regulationsTopic,
            linked.map(({ id, type }) => ({
              key: id,
              value: encodeRegulation({
                ...record,
                subjectType: type,
                subjectId: id,
                linkedTo: record.subjectId,
              }),
            })),
          );
        }
        detail['linkedIds'] = linked.length;
      }
      const keys = [record.subjectId];
      detail['events'] = await deleteRowsOf(deps.clickhouse, `${db}.events`, 'user_key', keys, {
        settleMs: deps.settleMs,
      });
      // Written with the events they come from (a materialized view): settled with them.
      detail['order_items'] = await deleteRowsOf(deps.clickhouse, `${db}.order_items`, 'user_key', keys);
    }
    await recordRegulationPart(deps.clickhouse, db, {
      regulationId: record.regulationId,
      regulationType: record.regulationType,
      subjectType: record.subjectType,
      subjectId: record.subjectId,
      linkedTo: record.linkedTo,
      requestedAt: record.requestedAt,
      part: 'ingest',
      detail,
    });
    deps.logger.info({ regulationId: record.regulationId, ...detail }, 'regulation applied to stored events');
  };
}

/** The anonymousIds and aliased previousIds of a user's events (their own id left out). */
async function linkedIds(
  clickhouse: ClickHouseClient,
  db: string,
  userId: string,
): Promise<Array<{ id: string; type: SubjectType }>> {
  const rows = await queryRows<{ id: string; type: SubjectType }>(
    clickhouse,
    `SELECT id, min(type) AS type FROM (
       SELECT anonymous_id AS id, 'ANONYMOUS_ID' AS type FROM ${db}.events WHERE user_key = {user:String}
       UNION ALL
       SELECT previous_id AS id, 'USER_ID' AS type FROM ${db}.events
         WHERE user_key = {user:String} AND type = 'alias'
     )
     WHERE id != '' AND id != {user:String}
     GROUP BY id ORDER BY id LIMIT ${MAX_LINKED_IDS}`,
    { user: userId },
  );
  return rows;
}
