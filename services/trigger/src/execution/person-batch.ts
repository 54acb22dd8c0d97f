import type { ChainableCommander } from 'ioredis';

/** A value read by a batch's pipeline, there once the batch has run. */
export interface Pending<T> {
  readonly value: T;
}

class Slot<T> implements Pending<T> {
  private set = false;
  private v: T | undefined;

  constructor(private readonly what: string) {}

  fill(v: T): void {
    this.v = v;
    this.set = true;
  }

  get value(): T {
    if (!this.set) throw new Error(`${this.what} read before its batch ran`);
    return this.v as T;
  }
}

/**
 * The person-state work of many events in one Redis pipeline: the
 * commands go in the order the events came, so each read sees exactly the
 * writes of the events before it, as if they had run one at a time, in
 * one round trip instead of one or two per event.
 */
export class PersonBatch {
  private readonly reads: Array<{ index: number; fill(raw: unknown): void }> = [];
  private size = 0;

  constructor(
    private readonly pipeline: ChainableCommander,
    private readonly key: (kind: string, person: string, extra?: string) => string,
  ) {}

  get length(): number {
    return this.size;
  }

  mergeTraits(person: string, traits: Record<string, unknown>): void {
    const entries = Object.entries(traits);
    if (entries.length === 0) return;
    this.pipeline.hset(
      this.key('traits', person),
      Object.fromEntries(entries.map(([k, v]) => [k, JSON.stringify(v)])),
    );
    this.size += 1;
  }

  /** Records one counted event; its 1-based rank among the person's events of that name, by time. */
  countEvent(event: string, person: string, messageId: string, at: number): Pending<number> {
    const key = this.key('count', person, event);
    this.pipeline.zadd(key, 'NX', at, messageId).zrank(key, messageId);
    this.size += 2;
    return this.read('rank', (raw) => Number(raw ?? 0) + 1);
  }

  /** How many of the person's events of that name happened at or before `at` (as the batch stands here). */
  countUpTo(event: string, person: string, at: number): Pending<number> {
    this.pipeline.zcount(this.key('count', person, event), '-inf', at);
    this.size += 1;
    return this.read('count', (raw) => Number(raw ?? 0));
  }

  private read<T>(what: string, convert: (raw: unknown) => T): Pending<T> {
    const slot = new Slot<T>(what);
    this.reads.push({ index: this.size - 1, fill: (raw) => slot.fill(convert(raw)) });
    return slot;
  }

  /** Runs the pipeline; a failed command fails the batch (its records are read again). */
  async exec(): Promise<void> {
    if (this.size === 0) return;
    const results = (await this.pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    for (const r of this.reads) r.fill(results[r.index]?.[1]);
  }
}
