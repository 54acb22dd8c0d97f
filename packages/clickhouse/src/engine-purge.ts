import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The embedded engine allocates through its own jemalloc, which keeps the pages a merge or an insert
 * freed as dirty pages for reuse; glibc's trim does not reach them. In one process that inserted
 * 3 million rows and merged them, the engine tracked 12 MB in use while RSS stood at 391 MB, and a
 * `SYSTEM JEMALLOC PURGE` brought RSS to 260 MB. Purging on a timer gives that memory back between
 * bursts, as the glibc trimmer does for the rest of the process.
 *
 * Returns a stop function that waits for a purge in flight. A purge that fails (an engine built
 * without jemalloc) ends the timer: there is nothing to purge.
 */
export function startEnginePurge(client: ClickHouseClient, intervalMs: number): () => Promise<void> {
  if (intervalMs <= 0) return async () => {};
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined = setInterval(() => {
    if (running) return;
    running = client
      .command({ query: 'SYSTEM JEMALLOC PURGE' })
      .then(
        () => undefined,
        () => {
          clearInterval(timer);
          timer = undefined;
        },
      )
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    timer = undefined;
    await running;
  };
}
