import { errorMessage, sleep } from '@pulse/common';
import { postCollector } from './http.js';

/** What one request got: an HTTP status, or why no answer came. */
export type Answer = number | string;

/** A batch of calls a client sent until the collector answered 200. */
export interface SentBatch {
  ids: string[];
  /** Every attempt's answer, in order. */
  answers: Answer[];
}

export interface SegmentClientsOptions {
  /** The collector's base URL (read for every request: a restarted collector may move). */
  url: () => string;
  calls: ReadonlyArray<{ messageId: string }>;
  /** Clients sending at the same time, each one batch after the other. */
  clients: number;
  batchSize: number;
  /** A batch's JSON stays under this (the collector refuses bodies over 500 KB). */
  maxBatchBytes?: number;
  /** Pause between a client's batches, so that the stream lasts while a fault is injected. */
  pauseMs: number;
  /** A request with no answer within this time counts as unanswered and is sent again. */
  timeoutMs: number;
}

/**
 * HTTP clients behaving like Segment's SDKs: each sends its batches to /v1/batch one after the other
 * and sends a batch again, with the same messageIds, until it gets a 200 (after a 5xx, a 429, a
 * refused connection or no answer). A 400 is final: the batch is recorded and not sent again.
 */
export class SegmentClients {
  readonly batches: SentBatch[] = [];
  /** The bodies of 400 answers, which say why. */
  readonly refusals: unknown[] = [];
  /** Resolves when every call was acknowledged (or refused with a 400), or stop() was called. */
  readonly done: Promise<void>;
  private next = 0;
  private stopped = false;
  private readonly queue: Array<Array<{ messageId: string }>>;

  constructor(private readonly o: SegmentClientsOptions) {
    this.queue = batchesOf(o.calls, o.batchSize, o.maxBatchBytes ?? 300_000);
    this.done = Promise.all(Array.from({ length: o.clients }, () => this.client())).then(() => undefined);
  }

  /** Events acknowledged with 200. */
  get acknowledged(): number {
    return this.batches.reduce((n, b) => n + (b.answers.at(-1) === 200 ? b.ids.length : 0), 0);
  }

  acknowledgedIds(): string[] {
    return this.batches.filter((b) => b.answers.at(-1) === 200).flatMap((b) => b.ids);
  }

  /** Batches that needed more than one attempt. */
  resent(): SentBatch[] {
    return this.batches.filter((b) => b.answers.length > 1);
  }

  /** Every answer any attempt got, with how often: `{ 200: 310, 503: 12, 'no answer: …': 3 }`. */
  answerCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const b of this.batches) for (const a of b.answers) counts[String(a)] = (counts[String(a)] ?? 0) + 1;
    return counts;
  }

  get total(): number {
    return this.o.calls.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async client(): Promise<void> {
    while (!this.stopped && this.next < this.queue.length) {
      const batch = this.queue[this.next++]!;
      const sent: SentBatch = { ids: batch.map((c) => c.messageId), answers: [] };
      this.batches.push(sent);
      for (let attempt = 0; !this.stopped; attempt++) {
        const answer = await this.send(batch);
        sent.answers.push(answer);
        if (answer === 200 || answer === 400) break;
        await sleep(Math.min(1000, 100 * 2 ** attempt));
      }
      await sleep(this.o.pauseMs);
    }
  }

  private async send(batch: ReadonlyArray<{ messageId: string }>): Promise<Answer> {
    try {
      const res = await postCollector(this.o.url(), '/v1/batch', { batch }, { timeoutMs: this.o.timeoutMs });
      if (res.status === 400) this.refusals.push(res.body);
      return res.status;
    } catch (err) {
      return `no answer: ${errorMessage(err)}`;
    }
  }
}

function batchesOf<T>(calls: ReadonlyArray<T>, size: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const call of calls) {
    const length = Buffer.byteLength(JSON.stringify(call));
    if (current.length > 0 && (current.length >= size || bytes + length > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(call);
    bytes += length;
  }
  if (current.length > 0) out.push(current);
  return out;
}
