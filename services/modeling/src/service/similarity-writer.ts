import { type ClickHouseClient, insertJsonEachRow, queryRows } from '@pulse/clickhouse';
import { errorMessage, type Logger } from '@pulse/common';
import type { ServingModel } from './recommender.js';

export interface SimilarityWriterOptions {
  clickhouse: ClickHouseClient;
  database: string;
  model: () => ServingModel;
  /** Neighbours written per item. */
  k: number;
  /** Versions kept (older partitions are dropped). */
  keep?: number;
  logger: Logger;
}

export interface WrittenVersion {
  version: number;
  items: number;
  pairs: number;
}

/** Items answered per slice before yielding to the event loop (events and API requests wait meanwhile). */
const SLICE = 200;

/**
 * Writes every item's top-K neighbours to `item_similarity` as a new version: the rows first, then
 * the version's row in `item_similarity_versions`, which is what makes it visible (readers take the
 * newest version listed there). Older versions are dropped by partition afterwards.
 */
export class SimilarityWriter {
  private next = 0;
  private running: Promise<WrittenVersion | undefined> | undefined;

  constructor(private readonly o: SimilarityWriterOptions) {}

  /** Resumes numbering after the newest version on record. */
  async init(): Promise<void> {
    const [row] = await queryRows<{ v: string }>(
      this.o.clickhouse,
      `SELECT max(version) AS v FROM ${this.o.database}.item_similarity_versions`,
    );
    this.next = Number(row?.v ?? 0) + 1;
  }

  /** Writes a version unless one is being written; undefined when the model knows no items. */
  write(events: number): Promise<WrittenVersion | undefined> {
    this.running ??= this.writeVersion(events).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async writeVersion(events: number): Promise<WrittenVersion | undefined> {
    const model = this.o.model();
    const items = model.knownItems();
    if (items.length === 0) return undefined;
    const version = this.next++;
    const { database, clickhouse } = this.o;
    let pairs = 0;
    for (let i = 0; i < items.length; i += SLICE) {
      const lines: string[] = [];
      for (const item of items.slice(i, i + SLICE)) {
        const neighbours = this.o.model().similarItems(item, this.o.k);
        neighbours.forEach((n, rank) => {
          lines.push(
            JSON.stringify({ version, item, rank, neighbour: n.item, score: n.score, source: model.name }),
          );
        });
        pairs += neighbours.length;
      }
      if (lines.length > 0)
        await insertJsonEachRow(clickhouse, `${database}.item_similarity`, lines.join('\n'), {});
      await new Promise((resolve) => setImmediate(resolve));
    }
    await insertJsonEachRow(
      clickhouse,
      `${database}.item_similarity_versions`,
      JSON.stringify({ version, model: model.name, items: items.length, pairs, events }),
      {},
    );
    await this.dropOld(version).catch((err: unknown) =>
      this.o.logger.warn(
        { err: errorMessage(err) },
        'dropping old similarity versions failed; retried next time',
      ),
    );
    return { version, items: items.length, pairs };
  }

  private async dropOld(version: number): Promise<void> {
    const keep = this.o.keep ?? 2;
    const partitions = await queryRows<{ partition: string }>(
      this.o.clickhouse,
      `SELECT DISTINCT partition FROM system.parts WHERE database = {db:String} AND table = 'item_similarity' AND active`,
      { db: this.o.database },
    );
    for (const { partition } of partitions) {
      if (Number(partition) <= version - keep) {
        await this.o.clickhouse.command({
          query: `ALTER TABLE ${this.o.database}.item_similarity DROP PARTITION ${Number(partition)}`,
        });
      }
    }
    await this.o.clickhouse.command({
      query: `DELETE FROM ${this.o.database}.item_similarity_versions WHERE version <= {old:UInt64}`,
      query_params: { old: Math.max(0, version - keep) },
    });
  }
}
