import { mapOnlineRetail, readOnlineRetail } from '@pulse/datasets';
import { toStoredEvent, validateEvent } from '@pulse/events';
import { activityFromStoredEvent, type CustomerActivity } from './activity.js';

export interface RetailActivities {
  activities: CustomerActivity[];
  /** Calls the collector would refuse (the 1,336 stock adjustments), by first problem code. */
  rejected: Record<string, number>;
  /** identify calls and rows not sent: nothing for segments. */
  skipped: number;
}

/**
 * Online Retail as the modeling worker would see it: every call through the collector's validator
 * and the stored-event contract, then read as activities. The offline evaluation and the tests use
 * this, so they run on exactly what the streaming path receives.
 */
export async function loadRetailActivities(dataDir?: string): Promise<RetailActivities> {
  const activities: CustomerActivity[] = [];
  const rejected: Record<string, number> = {};
  let skipped = 0;
  const lines = readOnlineRetail(dataDir === undefined ? {} : { dataDir });
  for await (const item of mapOnlineRetail(lines)) {
    if (item.kind !== 'call' || item.call.type !== 'track') {
      skipped += 1;
      continue;
    }
    const receivedAt = item.call.timestamp;
    const validated = validateEvent({ ...item.call, timestamp: receivedAt.toISOString() }, { receivedAt });
    if (!validated.ok) {
      const code = validated.problems[0]?.code ?? 'invalid';
      rejected[code] = (rejected[code] ?? 0) + 1;
      continue;
    }
    const result = activityFromStoredEvent(
      toStoredEvent(validated.value, { receivedAt, sourceId: 'online-retail' }),
    );
    if (result.kind === 'activity') activities.push(result.activity);
    else if (result.kind === 'invalid') rejected[result.reason] = (rejected[result.reason] ?? 0) + 1;
    else skipped += 1;
  }
  return { activities, rejected, skipped };
}
