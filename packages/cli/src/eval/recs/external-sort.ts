import { type FileHandle, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordSorterOptions {
  /** Numbers per record. */
  width: number;
  /** Records ordered by columns 0, 1, ... keyColumns − 1, ascending. Equal keys keep input order. */
  keyColumns: number;
  /** Records held in memory at once; a full buffer is sorted and spilled to a temporary file. */
  chunkRecords?: number;
  /** Records read at a time from each spilled run during the merge. */
  readRecords?: number;
}

/**
 * An external sort of fixed-width numeric records (Float64): memory holds one chunk while reading
 * and one block per run while merging, however large the input. A file of 25 million ratings is 25
 * runs of a million records (48 MB each at width 6), merged with a heap. An input that fits in one
 * chunk never touches the disk.
 */
export class RecordSorter {
  private readonly width: number;
  private readonly keyColumns: number;
  private readonly chunkRecords: number;
  private readonly readRecords: number;
  private buffer: Float64Array;
  private used = 0;
  private dir: string | null = null;
  private readonly runs: string[] = [];
  private total = 0;

  constructor(options: RecordSorterOptions) {
    this.width = options.width;
    this.keyColumns = options.keyColumns;
    this.chunkRecords = options.chunkRecords ?? 1_000_000;
    this.readRecords = options.readRecords ?? 8192;
    this.buffer = new Float64Array(Math.min(this.chunkRecords, 65_536) * this.width);
  }

  /** Records pushed so far. */
  get size(): number {
    return this.total;
  }

  /** Spilled runs so far (0 while everything fits in memory). */
  get spilledRuns(): number {
    return this.runs.length;
  }

  async push(record: ArrayLike<number>): Promise<void> {
    if (this.used === this.chunkRecords) await this.spill();
    const at = this.used * this.width;
    if (at + this.width > this.buffer.length) {
      const next = new Float64Array(Math.min(this.buffer.length * 2, this.chunkRecords * this.width));
      next.set(this.buffer);
      this.buffer = next;
    }
    for (let c = 0; c < this.width; c++) this.buffer[at + c] = record[c]!;
    this.used += 1;
    this.total += 1;
  }

  /**
   * The records in order. The yielded array is reused for the next record: copy what you keep.
   * Temporary files are removed when the iteration ends, however it ends.
   */
  async *sorted(): AsyncGenerator<Float64Array> {
    try {
      if (this.runs.length === 0) {
        const order = this.sortChunk();
        const out = new Float64Array(this.width);
        for (const r of order) {
          out.set(this.buffer.subarray(r * this.width, (r + 1) * this.width));
          yield out;
        }
        return;
      }
      if (this.used > 0) await this.spill();
      this.buffer = new Float64Array(0);
      yield* this.merge();
    } finally {
      await this.cleanup();
    }
  }

  async cleanup(): Promise<void> {
    if (this.dir === null) return;
    const dir = this.dir;
    this.dir = null;
    await rm(dir, { recursive: true, force: true });
  }

  private sortChunk(): Uint32Array {
    const { buffer, width, keyColumns } = this;
    const order = new Uint32Array(this.used);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => {
      for (let c = 0; c < keyColumns; c++) {
        const d = buffer[a * width + c]! - buffer[b * width + c]!;
        if (d !== 0) return d;
      }
      return a - b;
    });
    return order;
  }

  private async spill(): Promise<void> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'pulse-eval-sort-'));
    const order = this.sortChunk();
    const out = new Float64Array(this.used * this.width);
    order.forEach((r, i) => {
      out.set(this.buffer.subarray(r * this.width, (r + 1) * this.width), i * this.width);
    });
    const path = join(this.dir, `run-${this.runs.length}.f64`);
    await writeFile(path, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    this.runs.push(path);
    this.used = 0;
  }

  private async *merge(): AsyncGenerator<Float64Array> {
    const readers = await Promise.all(
      this.runs.map((path, run) => RunReader.open(path, run, this.width, this.readRecords)),
    );
    try {
      // A min-heap of readers by their current record; runs are numbered in input order, so equal
      // keys come out in input order too.
      const heap: RunReader[] = [];
      for (const reader of readers) if (await reader.next()) heap.push(reader);
      const less = (a: RunReader, b: RunReader): boolean => {
        for (let c = 0; c < this.keyColumns; c++) {
          const d = a.current[c]! - b.current[c]!;
          if (d !== 0) return d < 0;
        }
        return a.run < b.run;
      };
      const siftDown = (start: number): void => {
        let i = start;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= heap.length) return;
          const r = l + 1;
          const m = r < heap.length && less(heap[r]!, heap[l]!) ? r : l;
          if (!less(heap[m]!, heap[i]!)) return;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      };
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
      const out = new Float64Array(this.width);
      while (heap.length > 0) {
        const top = heap[0]!;
        out.set(top.current);
        yield out;
        if (!(await top.next())) {
          const last = heap.pop()!;
          if (heap.length > 0) heap[0] = last;
        }
        siftDown(0);
      }
    } finally {
      await Promise.all(readers.map((r) => r.close()));
    }
  }
}

/** Reads one spilled run a block at a time. */
class RunReader {
  current: Float64Array;
  private block: Float64Array;
  private inBlock = 0;
  private at = 0;
  private position = 0;

  private constructor(
    private readonly handle: FileHandle,
    /** The run's number: runs hold the input in order, so it breaks ties between equal keys. */
    readonly run: number,
    private readonly width: number,
    records: number,
  ) {
    this.block = new Float64Array(records * width);
    this.current = this.block.subarray(0, width);
  }

  static async open(path: string, run: number, width: number, records: number): Promise<RunReader> {
    return new RunReader(await open(path, 'r'), run, width, records);
  }

  /** Moves to the next record; false at the end of the run. */
  async next(): Promise<boolean> {
    if (this.at >= this.inBlock) {
      const bytes = new Uint8Array(this.block.buffer);
      const recordBytes = 8 * this.width;
      let filled = 0;
      // Runs hold whole records; a short read is completed before the block is used.
      while (filled < bytes.length) {
        const { bytesRead } = await this.handle.read(
          bytes,
          filled,
          bytes.length - filled,
          this.position + filled,
        );
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      this.position += filled;
      this.inBlock = Math.floor(filled / recordBytes);
      this.at = 0;
      if (this.inBlock === 0) return false;
    }
    this.current = this.block.subarray(this.at * this.width, (this.at + 1) * this.width);
    this.at += 1;
    return true;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
