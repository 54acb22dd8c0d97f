import type { WebhookReceiver } from '@pulse/trigger';
import { occasionJobId } from '@pulse/trigger';
import type { Queue } from 'bullmq';
import { percentile } from './trigger-latency.js';
import { BIG_ORDER_CAMPAIGN } from './trigger-setup.js';

interface Stage {
  p50: number;
  p99: number;
}

function stage(values: number[]): Stage {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { p50: Number.NaN, p99: Number.NaN };
  return { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)) };
}

/**
 * Where the time of the marked orders went, from the occasion jobs the
 * trigger kept: collector receive → its answer (the Kafka acknowledgement
 * of a busy collector), → occasion job created (the trigger's event
 * consumer), → occasion decided (queue wait and decision), → webhook
 * verified (delivery queue and HTTP).
 */
export async function triggerStages(
  occasions: Queue,
  receiver: WebhookReceiver,
  acknowledged: ReadonlyMap<string, number>,
): Promise<{ accept: Stage; consume: Stage; decide: Stage; deliver: Stage }> {
  const accept: number[] = [];
  const consume: number[] = [];
  const decide: number[] = [];
  const deliver: number[] = [];
  for (const r of receiver.received) {
    const person = String(r.payload['person'] ?? '');
    const occasion = String(r.payload['occasion'] ?? '');
    const receivedAt = Date.parse(
      (r.payload['message'] as { receivedAt?: string } | undefined)?.receivedAt ?? '',
    );
    const job = await occasions.getJob(occasionJobId(BIG_ORDER_CAMPAIGN, person, occasion));
    const ackAt = acknowledged.get(String((r.payload['event'] as { message_id?: string })?.message_id));
    if (!job?.finishedOn || ackAt === undefined) continue;
    accept.push(ackAt - receivedAt);
    consume.push(job.timestamp - ackAt);
    decide.push(job.finishedOn - job.timestamp);
    deliver.push(r.receivedAt - job.finishedOn);
  }
  return { accept: stage(accept), consume: stage(consume), decide: stage(decide), deliver: stage(deliver) };
}
