import { type ClickHouseClient, deleteRowsOf, recordRegulationPart } from '@pulse/clickhouse';
import type { Logger } from '@pulse/common';
import { deletes, type RegulationRecord } from '@pulse/events';
import type { CheckpointStore } from '../worker/checkpoint-store.js';
import type { ModelingConsumer } from '../worker/modeling-consumer.js';

export interface ModelingRegulationDeps {
  consumer: Pick<ModelingConsumer, 'forget'>;
  checkpoints: Pick<CheckpointStore, 'purgeBefore'>;
  clickhouse: ClickHouseClient;
  database: string;
  logger: Logger;
}

/**
 * The modeling service's part of a regulation: for a deletion, the person is forgotten in every
 * model (recent items, open baskets, profile, RFM, cluster, rules, predictions, unpublished segment
 * changes), a checkpoint without them is written and the older checkpoints, which still hold them,
 * are deleted; then their rows leave segment_changes (and so segment_membership), after the
 * checkpoint's own publication, so none lands after the delete. Item co-occurrence counts,
 * popularity, RFM breakpoints, cluster centroids and the prediction model are sums over everyone:
 * they name nobody and stay. Suppression needs nothing here beyond the filter on the input.
 */
export function modelingRegulationPart(
  deps: ModelingRegulationDeps,
): (record: RegulationRecord) => Promise<void> {
  return async (record) => {
    const detail: Record<string, unknown> = {};
    if (deletes(record.regulationType)) {
      const keys = [record.subjectId];
      const { version, forgotten } = await deps.consumer.forget(keys);
      await deps.checkpoints.purgeBefore(version);
      detail['forgotten'] = forgotten;
      detail['checkpoint'] = version;
      detail['segment_changes'] = await deleteRowsOf(
        deps.clickhouse,
        `${deps.database}.segment_changes`,
        'user_key',
        keys,
      );
    }
    await recordRegulationPart(deps.clickhouse, deps.database, {
      regulationId: record.regulationId,
      regulationType: record.regulationType,
      subjectType: record.subjectType,
      subjectId: record.subjectId,
      linkedTo: record.linkedTo,
      requestedAt: record.requestedAt,
      part: 'modeling',
      detail,
    });
    deps.logger.info({ regulationId: record.regulationId, ...detail }, 'regulation applied to the models');
  };
}
