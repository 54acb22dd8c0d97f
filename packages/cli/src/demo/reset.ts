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
    // A group still has members for a session timeout after a process that did not leave it
    // (killed, say): Kafka refuses to delete it until then.
    for (let attempt = 0; stale.length > 0; attempt++) {
      try {
        await admin.deleteGroups(stale);
        break;
      } catch (err) {
        // A group that went away meanwhile (emptied and expired) is as good as deleted.
        const failed = (err as { groups?: Array<{ error?: { type?: string } }> }).groups ?? [];
        if (failed.length > 0 && failed.every((g) => g.error?.type === 'GROUP_ID_NOT_FOUND')) break;
        if (attempt >= 60) throw err;
        await sleep(1000);
      }
    }
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
