import type { ClickHouseClient } from '@clickhouse/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEnginePurge } from './engine-purge.js';

function fakeClient(answer: () => Promise<unknown>) {
  const queries: string[] = [];
  const client = {
    command: ({ query }: { query: string }) => {
      queries.push(query);
      return answer();
    },
  } as unknown as ClickHouseClient;
  return { client, queries };
}

describe('startEnginePurge', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('purges the engine once per interval, never two at a time, and waits for the one in flight when stopped', async () => {
    let finish: () => void = () => {};
    const { client, queries } = fakeClient(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    const stop = startEnginePurge(client, 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(queries).toEqual(['SYSTEM JEMALLOC PURGE']);
    // Still running: the next ticks start nothing.
    await vi.advanceTimersByTimeAsync(3000);
    expect(queries).toHaveLength(1);
    finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(queries).toHaveLength(2);

    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(5000);
    expect(queries).toHaveLength(2);
  });

  it('stops trying once the engine refuses the purge', async () => {
    const { client, queries } = fakeClient(() => Promise.reject(new Error('not built with jemalloc')));
    const stop = startEnginePurge(client, 1000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(queries).toHaveLength(1);
    await stop();
  });

  it('does nothing with an interval of 0', async () => {
    const { client, queries } = fakeClient(() => Promise.resolve());
    const stop = startEnginePurge(client, 0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(queries).toHaveLength(0);
    await stop();
  });
});
