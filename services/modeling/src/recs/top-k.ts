/**
 * Selection of the best-scored items without sorting everything. Order is total and deterministic:
 * higher score first, then the smaller item index, so equal inputs give equal outputs everywhere.
 */

function before(scoreA: number, itemA: number, scoreB: number, itemB: number): boolean {
  return scoreA > scoreB || (scoreA === scoreB && itemA < itemB);
}

/**
 * Rearranges the first `n` entries of the parallel arrays so that the best `k` come first (in no
 * particular order) and returns min(k, n). Quickselect: linear on average.
 */
export function selectTop(items: Int32Array, scores: Float64Array, n: number, k: number): number {
  if (k >= n) return n;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const pivotScore = scores[mid]!;
    const pivotItem = items[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(scores[i]!, items[i]!, pivotScore, pivotItem)) i++;
      while (before(pivotScore, pivotItem, scores[j]!, items[j]!)) j--;
      if (i <= j) {
        swap(items, scores, i, j);
        i++;
        j--;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else break;
  }
  return k;
}

function swap(items: Int32Array, scores: Float64Array, i: number, j: number): void {
  const item = items[i]!;
  items[i] = items[j]!;
  items[j] = item;
  const score = scores[i]!;
  scores[i] = scores[j]!;
  scores[j] = score;
}

/** Where a model's scoring of a history adds its votes: a ScoreBoard, or one side of a BlendBoard. */
export interface ScoreSink {
  add(item: number, score: number): void;
}

/**
 * The best `k` of the first `n` entries of the parallel arrays (which it rearranges) for which
 * `skip` is false, best first: a heap built in linear time and popped only as far as needed, so
 * that excluded items cost one pop each.
 */
export function popTop(
  items: Int32Array,
  scores: Float64Array,
  n: number,
  k: number,
  skip: (item: number) => boolean,
): Array<{ item: number; score: number }> {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(items, scores, i, n);
  const out: Array<{ item: number; score: number }> = [];
  let left = n;
  while (left > 0 && out.length < k) {
    const item = items[0]!;
    const score = scores[0]!;
    left--;
    swap(items, scores, 0, left);
    siftDown(items, scores, 0, left);
    if (!skip(item)) out.push({ item, score });
  }
  return out;
}

/**
 * Scores summed per item across several contributions (the neighbours of each history item), then
 * read best first. Reused between requests: clearing touches only what was written.
 */
export class ScoreBoard implements ScoreSink {
  private scores = new Float64Array(1024);
  private touched = new Int32Array(1024);
  private count = 0;
  private heapItems = new Int32Array(1024);
  private heapScores = new Float64Array(1024);

  get size(): number {
    return this.count;
  }

  add(item: number, score: number): void {
    if (item >= this.scores.length) this.growScores(item + 1);
    const current = this.scores[item]!;
    if (current === 0) {
      if (score === 0) return;
      if (this.count === this.touched.length) {
        const next = new Int32Array(this.touched.length * 2);
        next.set(this.touched);
        this.touched = next;
      }
      this.touched[this.count++] = item;
    }
    // A sum that cancels to exactly 0 stays in `touched`; reading skips zero scores.
    this.scores[item] = current + score;
  }

  score(item: number): number {
    return item < this.scores.length ? this.scores[item]! : 0;
  }

  /** The best `k` items with a positive score for which `skip` is false, best first (see popTop). */
  top(k: number, skip: (item: number) => boolean): Array<{ item: number; score: number }> {
    let n = 0;
    if (this.heapItems.length < this.count) {
      this.heapItems = new Int32Array(this.touched.length);
      this.heapScores = new Float64Array(this.touched.length);
    }
    const items = this.heapItems;
    const scores = this.heapScores;
    for (let i = 0; i < this.count; i++) {
      const item = this.touched[i]!;
      const score = this.scores[item]!;
      if (score <= 0) continue;
      items[n] = item;
      scores[n] = score;
      n++;
    }
    return popTop(items, scores, n, k, skip);
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.scores[this.touched[i]!] = 0;
    this.count = 0;
  }

  /** Calls `fn` for each item with a non-zero score, in the order they were first added. */
  forEach(fn: (item: number, score: number) => void): void {
    for (let i = 0; i < this.count; i++) {
      const item = this.touched[i]!;
      const score = this.scores[item]!;
      if (score !== 0) fn(item, score);
    }
  }

  private growScores(length: number): void {
    let capacity = this.scores.length;
    while (capacity < length) capacity *= 2;
    const next = new Float64Array(capacity);
    next.set(this.scores);
    this.scores = next;
  }
}

function siftDown(items: Int32Array, scores: Float64Array, start: number, n: number): void {
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) return;
    let best = left;
    const right = left + 1;
    if (right < n && before(scores[right]!, items[right]!, scores[left]!, items[left]!)) best = right;
    if (!before(scores[best]!, items[best]!, scores[i]!, items[i]!)) return;
    swap(items, scores, i, best);
    i = best;
  }
}

/**
 * Ranks (0 = best) of scored items, in the same total order as everywhere (score descending, then
 * smaller item). A comparator sort of 200 entries costs ~150 µs in V8, a native sort of the scores
 * ~13 µs: so the scores are sorted natively and each entry's rank found by binary search, ties (rare)
 * settled by counting.
 */
export class Ranker {
  private keys = new Float64Array(256);
  private ranks = new Int32Array(256);

  /** ranks[i] for the first `n` entries (valid until the next call). */
  rank(items: Int32Array, scores: Float64Array, n: number): Int32Array {
    if (this.keys.length < n) {
      this.keys = new Float64Array(n * 2);
      this.ranks = new Int32Array(n * 2);
    }
    const keys = this.keys.subarray(0, n);
    for (let i = 0; i < n; i++) keys[i] = -scores[i]!;
    keys.sort();
    for (let i = 0; i < n; i++) {
      const key = -scores[i]!;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! < key) lo = mid + 1;
        else hi = mid;
      }
      let rank = lo;
      if (lo + 1 < n && keys[lo + 1] === key) {
        for (let j = 0; j < n; j++) if (scores[j] === scores[i] && items[j]! < items[i]!) rank++;
      }
      this.ranks[i] = rank;
    }
    return this.ranks;
  }
}
