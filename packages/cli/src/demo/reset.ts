import { rmSync } from 'node:fs';
import { sleep } from '@pulse/common';
import { deletePrefixTopics } from '@pulse/kafka';
import type { Kafka } from 'kafkajs';

/**
 * The demo starts from nothing each run, so its figures describe that run:
 * its topics, consumer group and embedded data directory are removed first.
 */
export async function resetDemo(
  kafka: Kafka,
  opts: { topicPrefix: string; groupIds: string[]; chdbPath: string },
) {
  const deleted = await deletePrefixTopics(kafka, opts.topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    const stale = opts.groupIds.filter((g) => groups.includes(g));
    if (stale.length > 0) await admin.deleteGroups(stale);
    // Topic deletion is asynchronous in Kafka; wait until it is done before recreating.
    for (let i = 0; i < 100; i++) {
      const left = new Set(await admin.listTopics());
      if (!deleted.some((t) => left.has(t))) break;
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
  rmSync(opts.chdbPath, { recursive: true, force: true });
}
