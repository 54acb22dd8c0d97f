import { createLogger } from '@pulse/common';
import { createKafka, ensureTopics, topicCatalogue } from '@pulse/kafka';
import type { Command } from 'commander';

export function registerTopics(program: Command): void {
  program
    .command('topics')
    .description('create the Kafka topics with their partition counts (idempotent)')
    .action(async () => {
      const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
      const prefix = process.env['KAFKA_TOPIC_PREFIX'] ?? 'pulse';
      const kafka = createKafka(
        { brokers, clientId: 'pulse-cli' },
        createLogger({ service: 'cli', level: 'warn' }),
      );
      const specs = topicCatalogue(prefix);
      const { created } = await ensureTopics(kafka, specs, { grow: true });
      for (const s of specs) {
        process.stdout.write(
          `${s.name.padEnd(28)} ${String(s.partitions).padStart(2)} partitions  ${created.includes(s.name) ? 'created' : 'exists '}  ${s.carries}\n`,
        );
      }
    });
}
