import { parseRecsConfig, type SvdConfig, type SvdConfigInput, svdConfigSchema } from './config.js';
import { DecayClock } from './decay.js';
import { RecsSnapshotError } from './errors.js';
import { fillWithPopular, recentDistinct } from './fill.js';
import { checkInteraction, type Interaction } from './interaction.js';
import { ItemIndex } from './item-index.js';
import { assertK, type ItemFilter, type RecModel, type Recommendation } from './model.js';
import { PopularityModel, type PopularitySnapshot } from './popularity.js';
import { randomizedSvd, seededRandom, sparseFromRows } from './randomized-svd.js';
import { selectTop } from './top-k.js';

export interface SvdSnapshot {
  version: 1;
  kind: 'svd';
  config: SvdConfig;
  anchorMs: number | null;
  watermarkMs: number | null;
  events: number;
  refits: number;
  items: string[];
  /** [user, [item, stored weight, ...] in touch order], least recently active first. */
  users: Array<[string, number[]]>;
  popularity: PopularitySnapshot;
  /** The item factors of the last refit: item indices and their k-vectors, row after row. */
  factors: { items: number[]; k: number; vectors: number[] } | null;
}

/**
 * PureSVD (Cremonesi, Koren and Turrin 2010) refitted periodically: the user-item matrix of decayed
 * interaction weights (the `maxUsers` most recently active people × the `maxItems` most popular
 * items) is factorised by a truncated SVD, A ≈ U·S·Vᵀ; a person with recent items h is scored as
 * r·V·Vᵀ, r being h's recency weights (folding in: nobody needs to be in the matrix to be
 * scored, so a new session is served at once). Between refits the factors stay as they were;
 * items outside the last refit get no score but popularity.
 *
 * Memory: `maxUsers` × `maxUserItems` weights and `maxItems` × `factors` floats.
 */
export class SvdModel implements RecModel {
  readonly name = 'svd';
  readonly config: SvdConfig;
  private items = new ItemIndex();
  /** user → item → stored weight; Map orders = least recently touched first. */
  private users = new Map<string, Map<number, number>>();
  private clock: DecayClock;
  private watermark: number | null = null;
  private learned = 0;
  private refits = 0;
  private popularity: PopularityModel;
  private factorItems: Int32Array = new Int32Array(0);
  /** item index → column in `vectors`, -1 when the item has no factors. */
  private columnOf: Int32Array = new Int32Array(0);
  private vectors: Float64Array = new Float64Array(0);
  private k = 0;
  private scores = new Float64Array(0);
  private candidates = new Int32Array(0);

  constructor(config: SvdConfigInput = {}) {
    this.config = parseRecsConfig(svdConfigSchema, config, 'SVD');
    this.clock = new DecayClock(this.config.halfLifeDays);
    this.popularity = new PopularityModel(this.config.popularity);
  }

  /** Refits so far. */
  get refitCount(): number {
    return this.refits;
  }

  learn(x: Interaction): void {
    checkInteraction(x);
    const item = this.items.intern(x.item);
    const newest = this.watermark === null || x.ts > this.watermark ? x.ts : this.watermark;
    const factor = this.clock.advance(newest);
    if (factor !== 1) for (const row of this.users.values()) for (const [i, w] of row) row.set(i, w * factor);
    this.watermark = newest;
    let row = this.users.get(x.session);
    if (row) {
      this.users.delete(x.session);
    } else {
      row = new Map();
      if (this.users.size >= this.config.maxUsers) this.users.delete(this.users.keys().next().value!);
    }
    this.users.set(x.session, row);
    const previous = row.get(item) ?? 0;
    row.delete(item);
    row.set(item, previous + this.config.weights[x.kind] * this.clock.weight(x.ts));
    if (row.size > this.config.maxUserItems) row.delete(row.keys().next().value!);
    this.popularity.learn(x);
    this.learned += 1;
    if (this.config.refitEvery !== null && this.learned % this.config.refitEvery === 0) this.refit();
  }

  /** Forgets a person's row of the matrix; item factors fitted with it stay until the next refit. */
  forgetSession(session: string): boolean {
    return this.users.delete(session);
  }

  /** Factorises the current matrix. Deterministic: the random projection is seeded per refit. */
  refit(): void {
    const { maxItems, factors, oversample, powerIterations, seed } = this.config;
    const columns = this.popularity.recommend([], maxItems).map((r) => this.items.lookup(r.item));
    const columnOf = new Int32Array(this.items.size).fill(-1);
    columns.forEach((item, col) => {
      columnOf[item] = col;
    });
    const rows: Array<Array<readonly [number, number]>> = [];
    let largest = 0;
    for (const user of this.users.values()) {
      const row: Array<readonly [number, number]> = [];
      for (const [item, weight] of user) {
        const col = columnOf[item] ?? -1;
        if (col < 0) continue;
        row.push([col, weight]);
        largest = Math.max(largest, weight);
      }
      if (row.length > 0) rows.push(row);
    }
    this.refits += 1;
    if (rows.length === 0 || largest === 0) return;
    // Stored weights carry the decay anchor's factor; one scale for all keeps V and makes S readable.
    for (const row of rows) for (let i = 0; i < row.length; i++) row[i] = [row[i]![0], row[i]![1] / largest];
    const svd = randomizedSvd(sparseFromRows(rows, columns.length), factors, {
      oversample,
      powerIterations,
      random: seededRandom(seed + this.refits),
    });
    const k = svd.v.columns;
    const vectors = new Float64Array(columns.length * k);
    for (let c = 0; c < columns.length; c++) for (let j = 0; j < k; j++) vectors[c * k + j] = svd.v.get(c, j);
    this.setFactors(Int32Array.from(columns), k, vectors);
  }

  recommend(history: readonly string[], k: number, exclude?: ItemFilter): Recommendation[] {
    assertK(k);
    const n = this.factorItems.length;
    const dims = this.k;
    const profile = new Float64Array(dims);
    let weight = 1;
    let any = false;
    for (const item of recentDistinct(history, this.config.historyLength)) {
      const idx = this.items.lookup(item);
      const col = idx >= 0 && idx < this.columnOf.length ? this.columnOf[idx]! : -1;
      if (col >= 0) {
        for (let j = 0; j < dims; j++) profile[j]! += weight * this.vectors[col * dims + j]!;
        any = true;
      }
      weight *= this.config.recencyWeight;
    }
    const answer: Recommendation[] = [];
    if (any) {
      if (this.scores.length < n) {
        this.scores = new Float64Array(n);
        this.candidates = new Int32Array(n);
      }
      for (let c = 0; c < n; c++) {
        let score = 0;
        for (let j = 0; j < dims; j++) score += profile[j]! * this.vectors[c * dims + j]!;
        this.scores[c] = score;
        this.candidates[c] = c;
      }
      // The best k plus room for excluded items; more room only when exclusions ate it.
      for (let room = k + 16; answer.length < k; room *= 4) {
        answer.length = 0;
        const m = selectTop(this.candidates, this.scores, n, room);
        const order = Array.from({ length: m }, (_, i) => i).sort(
          (a, b) => this.scores[b]! - this.scores[a]! || this.candidates[a]! - this.candidates[b]!,
        );
        for (const i of order) {
          if (this.scores[i]! <= 0) break;
          const item = this.items.id(this.factorItems[this.candidates[i]!]!);
          if (exclude?.has(item)) continue;
          answer.push({ item, score: this.scores[i]! });
          if (answer.length === k) break;
        }
        if (m >= n) break;
      }
    }
    return fillWithPopular(answer, k, this.popularity, exclude);
  }

  toSnapshot(): SvdSnapshot {
    const users: SvdSnapshot['users'] = [];
    for (const [user, row] of this.users) users.push([user, [...row].flat()]);
    return {
      version: 1,
      kind: 'svd',
      config: this.config,
      anchorMs: this.clock.anchorMs,
      watermarkMs: this.watermark,
      events: this.learned,
      refits: this.refits,
      items: this.items.toArray(),
      users,
      popularity: this.popularity.toSnapshot(),
      factors:
        this.k === 0
          ? null
          : { items: Array.from(this.factorItems), k: this.k, vectors: Array.from(this.vectors) },
    };
  }

  static fromSnapshot(snapshot: SvdSnapshot): SvdModel {
    if (snapshot?.kind !== 'svd' || snapshot.version !== 1) {
      throw new RecsSnapshotError(
        `expected an svd snapshot of version 1, got ${String(snapshot?.kind)} v${String(snapshot?.version)}`,
      );
    }
    const model = new SvdModel(snapshot.config);
    model.items = ItemIndex.from(snapshot.items);
    const n = model.items.size;
    if (n !== snapshot.items.length) throw new RecsSnapshotError('svd: duplicate item ids');
    const isItem = (i: unknown): i is number =>
      Number.isInteger(i) && (i as number) >= 0 && (i as number) < n;
    for (const entry of snapshot.users) {
      const [user, flat] = Array.isArray(entry) ? entry : [];
      if (typeof user !== 'string' || !Array.isArray(flat) || flat.length % 2 !== 0) {
        throw new RecsSnapshotError('svd: damaged user row');
      }
      const row = new Map<number, number>();
      for (let i = 0; i < flat.length; i += 2) {
        if (!isItem(flat[i]) || !Number.isFinite(flat[i + 1]))
          throw new RecsSnapshotError(`svd: damaged row of ${user}`);
        row.set(flat[i]!, flat[i + 1]!);
      }
      model.users.set(user, row);
    }
    model.clock = new DecayClock(model.config.halfLifeDays, snapshot.anchorMs);
    model.watermark = snapshot.watermarkMs;
    model.learned = snapshot.events;
    model.refits = snapshot.refits;
    model.popularity = PopularityModel.fromSnapshot(snapshot.popularity);
    const f = snapshot.factors;
    if (f !== null) {
      if (
        !f.items.every(isItem) ||
        f.vectors.length !== f.items.length * f.k ||
        !f.vectors.every(Number.isFinite)
      ) {
        throw new RecsSnapshotError('svd: damaged factors');
      }
      model.setFactors(Int32Array.from(f.items), f.k, Float64Array.from(f.vectors));
    }
    return model;
  }

  private setFactors(items: Int32Array, k: number, vectors: Float64Array): void {
    this.factorItems = items;
    this.k = k;
    this.vectors = vectors;
    this.columnOf = new Int32Array(this.items.size).fill(-1);
    items.forEach((item, col) => {
      this.columnOf[item] = col;
    });
  }
}
