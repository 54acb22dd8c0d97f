import { sleep } from '@pulse/common';
import { waitForConsumer } from '@pulse/kafka';
import type { Trigger } from '@pulse/trigger';
import type { Kafka } from 'kafkajs';

/** Per campaign: actions by outcome (sent, held out, capped, suppressed, ...), read from the trigger's metrics. */
export type CampaignOutcomes = Record<string, Record<string, number>>;

/**
 * Waits until the trigger has read every event and its queues hold no work
 * due now (delayed jobs, such as quiet hours or cart reminders, may remain).
 */
export async function waitForTrigger(
  trigger: Trigger,
  kafka: Kafka,
  groupId: string,
  topic: string,
  timeoutMs: number,
): Promise<void> {
  await waitForConsumer(kafka, groupId, topic, { timeoutMs });
  const deadline = Date.now() + timeoutMs;
  const queues = [trigger.occasionQueue, ...trigger.deliveryQueues.values()];
  for (;;) {
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized')));
    const busy = counts.reduce(
      (sum, c) => sum + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0),
      0,
    );
    if (busy === 0 || Date.now() > deadline) return;
    await sleep(250);
  }
}

export async function campaignOutcomes(trigger: Trigger): Promise<CampaignOutcomes> {
  const metric = await trigger.registry.getSingleMetric('pulse_actions_total')?.get();
  const out: CampaignOutcomes = {};
  for (const v of metric?.values ?? []) {
    const campaign = String(v.labels['campaign'] ?? '');
    const outcome = String(v.labels['outcome'] ?? '');
    if (!campaign || v.value === 0) continue;
    out[campaign] ??= {};
    out[campaign]![outcome] = (out[campaign]![outcome] ?? 0) + v.value;
  }
  return out;
}
