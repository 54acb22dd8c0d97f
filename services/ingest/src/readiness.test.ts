import { describe, expect, it } from 'vitest';
import { type IngestReadinessDeps, ingestReadiness } from './readiness.js';

function deps(overrides: {
  degraded?: string;
  ping?: () => Promise<{ success: boolean; error?: Error }>;
  producerState?: 'ready' | 'broken';
  lagReasons?: string[];
}): IngestReadinessDeps {
  return {
    consumer: { degraded: { degraded: overrides.degraded !== undefined, reason: overrides.degraded ?? '' } },
    clickhouse: {
      ping: (overrides.ping ??
        (async () => ({ success: true }))) as IngestReadinessDeps['clickhouse']['ping'],
    },
    producer: {
      ready: (overrides.producerState ?? 'ready') === 'ready',
      status: { state: overrides.producerState ?? 'ready', lastError: '', pendingBytes: 0 },
    },
    lag: {
      health: () => ({
        keepingUp: (overrides.lagReasons ?? []).length === 0,
        reasons: overrides.lagReasons ?? [],
        lag: {},
      }),
    },
  };
}

describe('ingestReadiness', () => {
  it('is ready when ClickHouse answers, inserts succeed, the producer is up and the group keeps up', async () => {
    expect(await ingestReadiness(deps({}))).toEqual({ ready: true, reasons: [] });
  });

  it('gives every reason it is not ready', async () => {
    const readiness = await ingestReadiness(
      deps({
        degraded: 'ClickHouse insert failed: timeout',
        ping: async () => {
          throw new Error('ECONNREFUSED 127.0.0.1:8123');
        },
        producerState: 'broken',
        lagReasons: ['consumer group g is stuck on t: 10 records waiting and nothing committed for 60 s'],
      }),
    );
    expect(readiness).toEqual({
      ready: false,
      reasons: [
        'ClickHouse insert failed: timeout',
        'ClickHouse unreachable: ECONNREFUSED 127.0.0.1:8123',
        'Kafka producer broken',
        'consumer group g is stuck on t: 10 records waiting and nothing committed for 60 s',
      ],
    });
  });

  it('reports a ping that answers unsuccessfully', async () => {
    const readiness = await ingestReadiness(
      deps({ ping: async () => ({ success: false, error: new Error('Authentication failed') }) }),
    );
    expect(readiness.reasons).toEqual(['ClickHouse unreachable: Authentication failed']);
  });
});
