import { describe, expect, it } from 'vitest';
import { type TriggerReadinessDeps, triggerReadiness } from './readiness.js';

const healthy = (): TriggerReadinessDeps => ({
  consumer: { isRunning: true },
  redis: { status: 'ready', ping: async () => 'PONG' },
  clickhouse: { ping: async () => ({ success: true }) } as TriggerReadinessDeps['clickhouse'],
  decisions: { lastError: undefined },
  lag: { health: () => ({ keepingUp: true, reasons: [], lag: {} }) },
});

describe('triggerReadiness', () => {
  it('is ready when every dependency answers and the group keeps up', async () => {
    expect(await triggerReadiness(healthy())).toEqual({ ready: true, reasons: [] });
  });

  it('names each dependency that is not there, and a group falling behind', async () => {
    const deps: TriggerReadinessDeps = {
      consumer: { isRunning: false },
      redis: { status: 'reconnecting', ping: async () => 'PONG' },
      clickhouse: {
        ping: async () => ({ success: false, error: new Error('connect ECONNREFUSED') }),
      } as unknown as TriggerReadinessDeps['clickhouse'],
      decisions: { lastError: 'Code: 241. Memory limit exceeded' },
      lag: {
        health: () => ({
          keepingUp: false,
          reasons: [
            'consumer group g is falling behind on p.events: lag grew from 10 to 900 records in 60 s',
          ],
          lag: {},
        }),
      },
    };
    expect(await triggerReadiness(deps)).toEqual({
      ready: false,
      reasons: [
        'events consumer not running (not in its Kafka group)',
        'Redis reconnecting',
        'ClickHouse unreachable: connect ECONNREFUSED',
        'decisions not reaching ClickHouse: Code: 241. Memory limit exceeded',
        'consumer group g is falling behind on p.events: lag grew from 10 to 900 records in 60 s',
      ],
    });
  });

  it("names the state's Redis connection apart from the queues' when only it is down", async () => {
    const deps: TriggerReadinessDeps = {
      ...healthy(),
      state: { status: 'ready', ping: async () => Promise.reject(new Error('LOADING Redis is loading')) },
    };
    expect(await triggerReadiness(deps)).toEqual({
      ready: false,
      reasons: ['Redis (trigger state) unreachable: error: LOADING Redis is loading'],
    });
    expect(
      await triggerReadiness({ ...healthy(), state: { status: 'reconnecting', ping: async () => 'PONG' } }),
    ).toEqual({ ready: false, reasons: ['Redis (trigger state) reconnecting'] });
    expect(
      await triggerReadiness({ ...healthy(), state: { status: 'ready', ping: async () => 'PONG' } }),
    ).toEqual({ ready: true, reasons: [] });
  });

  it('names the segment-changes consumer and its group when they are not there', async () => {
    const deps: TriggerReadinessDeps = {
      ...healthy(),
      segmentConsumer: { isRunning: false },
      segmentLag: {
        health: () => ({
          keepingUp: false,
          reasons: ['consumer group s has not committed for 60 s'],
          lag: {},
        }),
      },
    };
    expect(await triggerReadiness(deps)).toEqual({
      ready: false,
      reasons: [
        'segment-changes consumer not running (not in its Kafka group)',
        'consumer group s has not committed for 60 s',
      ],
    });
    expect(await triggerReadiness({ ...healthy(), segmentConsumer: { isRunning: true } })).toEqual({
      ready: true,
      reasons: [],
    });
  });

  it('is not ready when a connected Redis does not answer', async () => {
    const deps = healthy();
    deps.redis = {
      status: 'ready',
      ping: async () => {
        throw new Error('Command timed out');
      },
    };
    expect(await triggerReadiness(deps)).toEqual({
      ready: false,
      reasons: ['Redis unreachable: error: Command timed out'],
    });
  });
});
