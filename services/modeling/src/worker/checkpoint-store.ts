import { type ClickHouseClient, insertJsonEachRow, queryRows } from '@pulse/clickhouse';
import { PulseError } from '@pulse/common';

/** Per topic, per partition: the next offset to read (everything below is in the state). */
export type Offsets = Record<string, Record<string, string>>;

export interface Checkpoint {
  version: number;
  offsets: Offsets;
  /** Model name → snapshot. */
  state: Record<string, unknown>;
  events: number;
}

export class CheckpointUnreadableError extends PulseError {
  constructor(worker: string, version: number, cause: unknown) {
    super(
      'PULSE_CHECKPOINT_UNREADABLE',
      `checkpoint ${version} of ${worker} cannot be read (${cause instanceof Error ? cause.message : String(cause)}); delete it from model_checkpoints to fall back to the previous one`,
      { cause },
    );
  }
}

/**
 * Checkpoints in ClickHouse: one row holds the whole state and its offsets,
 * so a checkpoint is written atomically; the newest version wins.
 */
export class CheckpointStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly table: string,
    private readonly worker: string,
    private readonly keep = 3,
  ) {}

  async latest(): Promise<Checkpoint | undefined> {
    const [row] = await queryRows<{ version: string; offsets: string; state: string; events: string }>(
      this.client,
      `SELECT version, offsets, state, events FROM ${this.table} WHERE worker = {worker:String} ORDER BY version DESC LIMIT 1`,
      { worker: this.worker },
    );
    if (!row) return undefined;
    try {
      return {
        version: Number(row.version),
        offsets: JSON.parse(row.offsets) as Offsets,
        state: JSON.parse(row.state) as Record<string, unknown>,
        events: Number(row.events),
      };
    } catch (err) {
      throw new CheckpointUnreadableError(this.worker, Number(row.version), err);
    }
  }

  /** Deletes every version older than `version` (a deletion request: the older states still hold the person). */
  async purgeBefore(version: number): Promise<void> {
    await this.client.command({
      query: `DELETE FROM ${this.table} WHERE worker = {worker:String} AND version < {version:UInt64}`,
      query_params: { worker: this.worker, version },
    });
  }

  /**
   * The checkpoint as its table row, serialised once and synchronously (one consistent cut). The
   * state goes in as a JSON object, which ClickHouse keeps as its text
   * (input_format_json_read_objects_as_strings): encoding it as a string first would build it twice,
   * the second time escaped, and at a checkpoint every few seconds those copies were most of the
   * worker's garbage.
   */
  encode(version: number, offsets: Offsets, state: Record<string, unknown>, events: number): string {
    return JSON.stringify({ worker: this.worker, version, offsets: JSON.stringify(offsets), state, events });
  }

  /** Writes a row from `encode` as the next version, then drops old ones. */
  async write(version: number, row: string): Promise<void> {
    await insertJsonEachRow(this.client, this.table, row, { input_format_json_read_objects_as_strings: 1 });
    if (version > this.keep) {
      await this.client.command({
        query: `DELETE FROM ${this.table} WHERE worker = {worker:String} AND version <= {old:UInt64}`,
        query_params: { worker: this.worker, old: version - this.keep },
      });
    }
  }
}
