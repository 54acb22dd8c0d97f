import type { SegmentCall } from '@pulse/datasets';
import { Analytics } from '@segment/analytics-node';

export interface ReplayOptions {
  url: string;
  writeKey: string;
  /**
   * Time compression: event time runs this many times faster than the
   * replay's wall clock. 0 sends as fast as the client can.
   */
  speed: number;
  /** Events per HTTP batch. */
  batchSize?: number;
  onProgress?: (sent: number) => void;
}

export interface ReplayResult {
  /** Calls handed to the Segment client. */
  sent: number;
  /** Calls the client reported as not delivered, by its message (e.g. too large, or the collector's 400). */
  failed: Map<string, number>;
  seconds: number;
}

/**
 * Sends calls through the real @segment/analytics-node client, paced by
 * their timestamps: a gap of one day between two events becomes
 * `86400 / speed` seconds of waiting.
 */
export async function replayCalls(
  calls: Iterable<SegmentCall> | AsyncIterable<SegmentCall>,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const analytics = new Analytics({
    writeKey: options.writeKey,
    host: options.url,
    path: '/v1/batch',
    maxEventsInBatch: options.batchSize ?? 100,
    flushInterval: 50,
    maxRetries: 10,
    httpRequestTimeout: 30_000,
  });
  const failed = new Map<string, number>();
  const started = performance.now();
  let sent = 0;
  let firstEventMs: number | undefined;
  const delivered: Array<Promise<void>> = [];
  let inFlight = 0;
  for await (const call of calls) {
    const eventMs = call.timestamp.getTime();
    firstEventMs ??= eventMs;
    if (options.speed > 0) {
      const dueAt = started + (eventMs - firstEventMs) / options.speed;
      const wait = dueAt - performance.now();
      if (wait > 5) await new Promise((r) => setTimeout(r, wait));
    }
    // Bounded: the client queues everything it is given, so wait when a
    // few batches are outstanding.
    while (inFlight > 5_000) await new Promise((r) => setTimeout(r, 5));
    inFlight++;
    delivered.push(
      new Promise<void>((resolve) => {
        const callback = (err?: unknown) => {
          inFlight--;
          if (err) {
            const message =
              err instanceof Error ? err.message : String((err as { message?: unknown }).message ?? err);
            failed.set(message, (failed.get(message) ?? 0) + 1);
          }
          resolve();
        };
        if (call.type === 'identify') analytics.identify(call, callback);
        else analytics.track(call, callback);
      }),
    );
    sent++;
    options.onProgress?.(sent);
  }
  await Promise.all(delivered);
  await analytics.closeAndFlush({ timeout: 60_000 });
  return { sent, failed, seconds: (performance.now() - started) / 1000 };
}
