import { queryRows } from '@pulse/clickhouse';
import { topicNames } from '@pulse/kafka';
import { recordsBehind } from './bench-env.js';
import { loadAverage, queryStored, withLoadPipeline } from './bench-pipeline.js';
import { lastLine, spawnNode } from './child-service.js';
import type { Capacity } from './load-settings.js';
import { tallyOverload } from './overload-tally.js';

export interface OverloadOptions {
  /** The pipeline's measured capacity; clients offer twice as much. */
  capacity: Capacity;
  seconds: number;
}

const BATCH_SIZE = 100;
/** Connections the clients keep: enough that the collector, not the clients, decides the pace. */
const MAX_IN_FLIGHT = 256;

interface ClientResult {
  batchSize: number;
  batchesDue: number;
  batchesSent: number;
  sendSeconds: number;
  statuses: Record<string, number>;
  acknowledgedBatches: Array<[number, number]>;
}

/**
 * Overload: the full pipeline (collector, ingest, modeling, trigger, each in
 * its own process) while clients offer twice the measured capacity for
 * `seconds`, each batch sent once. The collector may refuse (429 when its
 * producer's buffer is full, 503 when Kafka does not acknowledge in time) but
 * every 200 must end in ClickHouse: after ingest drained, each acknowledged
 * messageId is looked for.
 */
export async function benchOverload(base: Record<string, string | undefined>, o: OverloadOptions) {
  const rate = Math.round(o.capacity.eventsPerS * 2);
  return withLoadPipeline('overload', base, async (p) => {
    const client = spawnNode(
      'packages/cli/src/bench/overload-client.ts',
      [
        p.collectorUrl,
        'bench-key',
        String(rate),
        String(o.seconds),
        String(BATCH_SIZE),
        String(MAX_IN_FLIGHT),
        p.run.id,
      ],
      {},
    );
    const res = JSON.parse(await lastLine(client)) as ClientResult;
    const lagAtEnd = await recordsBehind(p.run.kafka, p.groups.ingest, topicNames(p.run.prefix).events);
    const load = loadAverage();
    const drainStarted = performance.now();
    await p.drainAndStop(Math.max(600_000, o.seconds * 20_000));
    const drainSeconds = (performance.now() - drainStarted) / 1000;

    const idPrefix = `${p.run.id}-`;
    const rows = await queryStored(p.run, (client, table) =>
      queryRows<{ b: string; n: string }>(
        client,
        `SELECT intDiv(toUInt64(substring(message_id, ${idPrefix.length + 1})), ${res.batchSize}) AS b,
                uniqExact(message_id) AS n
         FROM ${table} WHERE startsWith(message_id, '${idPrefix}') GROUP BY b`,
      ),
    );
    const tally = tallyOverload(
      res.acknowledgedBatches,
      new Map(rows.map((r) => [Number(r.b), Number(r.n)])),
      res.batchSize,
    );
    const events = (status: string) => (res.statuses[status] ?? 0) * res.batchSize;
    return {
      overload_accepted_lost: tally.acceptedLost,
      overload_acknowledged: tally.acknowledged,
      overload_refused_503: events('503'),
      overload_refused_429: events('429'),
      overload_client_gave_up: events('0'),
      overload_stored: tally.stored,
      overload_stored_unacknowledged: tally.storedUnacknowledged,
      overload_http_statuses: res.statuses,
      overload_seconds: o.seconds,
      overload_target_events_per_s: rate,
      overload_capacity_from: o.capacity.from,
      overload_offered_events_per_s: Math.round((res.batchesSent * res.batchSize) / res.sendSeconds),
      overload_unsent: (res.batchesDue - res.batchesSent) * res.batchSize,
      overload_ingest_lag_at_end: lagAtEnd,
      overload_drain_seconds: Math.round(drainSeconds),
      overload_load_average: load,
    };
  });
}
