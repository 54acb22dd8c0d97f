import { popTop, type ScoreSink } from './top-k.js';

/**
 * The hybrid model's answer: the collaborative and the content side's votes summed per candidate,
 * each side apart, and read as (collaborative sum) + (content sum). Candidates are named by a dense
 * slot (an item index, a document number past them) and numbered 0, 1, 2... in order of their first
 * vote since the last `clear`, collaborative votes first: that number breaks ties between equal
 * scores, so the same state gives the same answer whatever was asked before.
 *
 * One board instead of a board per side merged into a third through an index of the answer's
 * candidates: the merge was a third of a personal answer's time. Reused between answers; clearing
 * touches only what was written.
 */
export class BlendBoard {
  private first = new Float64Array(1024);
  private second = new Float64Array(1024);
  /** Per slot: the candidate's number + 1 in this answer, 0 for none yet. */
  private number = new Int32Array(1024);
  /** Per candidate number: its slot. */
  private slots = new Int32Array(1024);
  private count = 0;
  private heapItems = new Int32Array(1024);
  private heapScores = new Float64Array(1024);

  /** The collaborative side's votes, by slot. */
  readonly collaborative: ScoreSink = { add: (slot, score) => this.vote(true, slot, score) };
  /** The content side's votes, by slot. */
  readonly content: ScoreSink = { add: (slot, score) => this.vote(false, slot, score) };

  get size(): number {
    return this.count;
  }

  /**
   * The best `k` candidates with a positive score whose slot `skip` does not exclude, best first
   * (ties: the candidate voted for first).
   */
  top(k: number, skip: (slot: number) => boolean): Array<{ slot: number; score: number }> {
    if (this.heapItems.length < this.count) {
      this.heapItems = new Int32Array(this.slots.length);
      this.heapScores = new Float64Array(this.slots.length);
    }
    const items = this.heapItems;
    const scores = this.heapScores;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = this.slots[i]!;
      // The sides' sums added once, as two boards merged would: the same bits, the same ties.
      const score = this.first[slot]! + this.second[slot]!;
      if (score <= 0) continue;
      items[n] = i;
      scores[n] = score;
      n++;
    }
    return popTop(items, scores, n, k, (i) => skip(this.slots[i]!)).map((r) => ({
      slot: this.slots[r.item]!,
      score: r.score,
    }));
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) {
      const slot = this.slots[i]!;
      this.first[slot] = 0;
      this.second[slot] = 0;
      this.number[slot] = 0;
    }
    this.count = 0;
  }

  private vote(collaborative: boolean, slot: number, score: number): void {
    if (slot >= this.number.length) this.growSlots(slot + 1);
    if (this.number[slot] === 0) {
      if (score === 0) return;
      if (this.count === this.slots.length) {
        const next = new Int32Array(this.slots.length * 2);
        next.set(this.slots);
        this.slots = next;
      }
      this.slots[this.count] = slot;
      this.count += 1;
      this.number[slot] = this.count;
    }
    if (collaborative) this.first[slot]! += score;
    else this.second[slot]! += score;
  }

  private growSlots(length: number): void {
    let capacity = this.number.length;
    while (capacity < length) capacity *= 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(a);
      return next;
    };
    this.first = grow(this.first, (n) => new Float64Array(n));
    this.second = grow(this.second, (n) => new Float64Array(n));
    this.number = grow(this.number, (n) => new Int32Array(n));
  }
}
