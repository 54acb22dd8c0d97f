import { createClickHouse, migrate } from '@pulse/clickhouse';
import { createLogger } from '@pulse/common';
import { encodeStoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import { ingestConfigFromEnv, start as startIngest } from '@pulse/ingest';
import {
  createIdempotentProducer,
  ensureTopics,
  topicCatalogue,
  topicNames,
  waitForConsumer,
} from '@pulse/kafka';
import { benchRun } from './bench-env.js';

/**
 * The ingest path (Kafka → decode, validate, dedupe → ClickHouse) against a
 * bare loop over the same payloads that only JSON.parses them and inserts
 * them with @clickhouse/client, in the same run and the same engine.
 */
export async function benchIngestRatio(base: Record<string, string | undefined>, events: number) {
  const run = benchRun('ingest', base);
  const clickhouse = createClickHouse({
    database: run.database,
    chdbPath: run.chdbPath,
    ...(base['CLICKHOUSE_URL'] ? { url: base['CLICKHOUSE_URL'] } : {}),
  });
  try {
    await migrate(clickhouse, run.database);
    const payloads = makePayloads(events, run.id);
    await ensureTopics(run.kafka, topicCatalogue(run.prefix));
    await produce(run.kafka, topicNames(run.prefix).events, payloads);

    await clickhouse.command({
      query: `CREATE TABLE ${run.database}.events_baseline AS ${run.database}.events`,
    });
    const baselineStarted = performance.now();
    for (let i = 0; i < payloads.length; i += 10_000) {
      const rows = payloads.slice(i, i + 10_000).map((p) => JSON.parse(p.value) as Record<string, unknown>);
      await clickhouse.insert({
        table: `${run.database}.events_baseline`,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: { input_format_skip_unknown_fields: 1, date_time_input_format: 'best_effort' },
      });
    }
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;

    const ingest = await startIngest(ingestConfigFromEnv(run.env), {
      clickhouse,
      opsServer: false,
      logger: createLogger({ service: 'ingest', level: 'error' }),
    });
    // The clock starts when the group is joined: joining is a fixed cost of
    // Kafka's group protocol, not of the path measured here.
    await ingest.consumer.whenJoined();
    const ingestStarted = performance.now();
    await waitForConsumer(run.kafka, run.groupId, topicNames(run.prefix).events, { timeoutMs: 300_000 });
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    await ingest.close();
    const baselineRate = events / baselineSeconds;
    const ingestRate = events / ingestSeconds;
    return {
      ingest_ratio: Math.round((ingestRate / baselineRate) * 100) / 100,
      ingest_rows_per_s: Math.round(ingestRate),
      ingest_baseline_rows_per_s: Math.round(baselineRate),
    };
  } finally {
    await clickhouse.close();
    await run.cleanup();
  }
}

function makePayloads(n: number, runId: string): Array<{ key: string; value: string }> {
  const receivedAt = new Date();
  const out: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < n; i++) {
    const result = validateEvent({
      type: 'track',
      event: i % 5 === 0 ? 'Order Completed' : 'Product Viewed',
      userId: `u-${i % 5000}`,
      messageId: `${runId}-${i}`,
      timestamp: new Date(Date.UTC(2026, 10, 1) + i * 13).toISOString(),
      properties:
        i % 5 === 0
          ? {
              order_id: `o-${i}`,
              revenue: 25.5,
              currency: 'GBP',
              products: [{ product_id: '85123A', price: 2.55, quantity: 10 }],
            }
          : { product_id: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER', price: 2.55 },
      context: { library: { name: 'bench', version: '1' }, userAgent: 'Mozilla/5.0' },
    });
    if (!result.ok) throw new Error(`bench event invalid: ${JSON.stringify(result.problems)}`);
    const stored = toStoredEvent(result.value, { receivedAt, sourceId: 'bench' });
    out.push({ key: stored.user_key, value: encodeStoredEvent(stored) });
  }
  return out;
}

async function produce(
  kafka: import('kafkajs').Kafka,
  topic: string,
  payloads: Array<{ key: string; value: string }>,
) {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  for (let i = 0; i < payloads.length; i += 5000) {
    await producer.send({ topic, acks: -1, messages: payloads.slice(i, i + 5000) });
  }
  await producer.disconnect();
}
