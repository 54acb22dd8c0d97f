import { tokenize } from './tokenize.js';
import { selectTop } from './top-k.js';

interface Built {
  ids: string[];
  docOf: Map<string, number>;
  /** Per document: its term ids and L2-normalised weights. */
  terms: Int32Array[];
  weights: Float64Array[];
  /** Per term: the documents that have it and their weights. */
  postingDocs: Int32Array[];
  postingWeights: Float64Array[];
}

/**
 * TF-IDF vectors of item descriptions and their cosine similarities: tf = 1 + ln(count), idf =
 * ln((1 + N) / (1 + df)) + 1, vectors L2-normalised, an inverted index to find the documents that
 * share a term. Neighbours are computed on first request and kept until the catalogue changes;
 * a change marks the index for a rebuild at the next read (linear in the catalogue's text), so a
 * caller adding many items at once pays one rebuild.
 */
export class TfIdfIndex {
  private readonly texts = new Map<string, string>();
  private built: Built | null = null;
  private changes = 0;
  private readonly cache = new Map<number, { k: number; docs: Int32Array; scores: Float64Array }>();
  private accumulator = new Float64Array(0);
  private touched = new Int32Array(0);

  get size(): number {
    return this.texts.size;
  }

  has(item: string): boolean {
    return this.texts.has(item);
  }

  textOf(item: string): string | undefined {
    return this.texts.get(item);
  }

  /** Counts changes of the texts: document numbers hold until it moves. */
  get version(): number {
    return this.changes;
  }

  /** Sets an item's text; returns true when that changed anything. */
  set(item: string, text: string): boolean {
    if (this.texts.get(item) === text) return false;
    this.texts.set(item, text);
    this.changes += 1;
    this.built = null;
    this.cache.clear();
    return true;
  }

  entries(): IterableIterator<[string, string]> {
    return this.texts.entries();
  }

  /** The `k` items with the most similar text, best first, with their cosine; [] for an unknown item. */
  neighbours(item: string, k: number): Array<{ item: string; score: number }> {
    const built = this.build();
    const doc = built.docOf.get(item);
    if (doc === undefined) return [];
    const found = this.neighboursOf(doc, k);
    const order = Array.from(found.docs.keys()).sort(
      (a, b) => found.scores[b]! - found.scores[a]! || found.docs[a]! - found.docs[b]!,
    );
    return order.map((i) => ({ item: built.ids[found.docs[i]!]!, score: found.scores[i]! }));
  }

  /** Document number of an item, -1 when it has no text. */
  docOf(item: string): number {
    return this.build().docOf.get(item) ?? -1;
  }

  idOf(doc: number): string {
    return this.build().ids[doc]!;
  }

  /** The best `k` neighbours of document `doc`, best first (ties: smaller document), cached. */
  neighboursOf(doc: number, k: number): { docs: Int32Array; scores: Float64Array } {
    const cached = this.cache.get(doc);
    if (cached?.k === k) return cached;
    const built = this.build();
    const n = built.ids.length;
    if (this.accumulator.length < n) {
      this.accumulator = new Float64Array(n);
      this.touched = new Int32Array(n);
    }
    const acc = this.accumulator;
    let touchedCount = 0;
    const terms = built.terms[doc]!;
    const weights = built.weights[doc]!;
    for (let t = 0; t < terms.length; t++) {
      const docs = built.postingDocs[terms[t]!]!;
      const postingWeights = built.postingWeights[terms[t]!]!;
      const w = weights[t]!;
      for (let p = 0; p < docs.length; p++) {
        const other = docs[p]!;
        if (other === doc) continue;
        if (acc[other] === 0) this.touched[touchedCount++] = other;
        acc[other]! += w * postingWeights[p]!;
      }
    }
    const docs = new Int32Array(touchedCount);
    const scores = new Float64Array(touchedCount);
    for (let i = 0; i < touchedCount; i++) {
      const other = this.touched[i]!;
      docs[i] = other;
      scores[i] = acc[other]!;
      acc[other] = 0;
    }
    const m = selectTop(docs, scores, touchedCount, k);
    const order = Array.from({ length: m }, (_, i) => i).sort(
      (a, b) => scores[b]! - scores[a]! || docs[a]! - docs[b]!,
    );
    const result = {
      k,
      docs: Int32Array.from(order, (i) => docs[i]!),
      scores: Float64Array.from(order, (i) => scores[i]!),
    };
    this.cache.set(doc, result);
    return result;
  }

  private build(): Built {
    if (this.built) return this.built;
    const ids = [...this.texts.keys()];
    const docOf = new Map(ids.map((id, i) => [id, i]));
    const termOf = new Map<string, number>();
    const counts: Array<Map<number, number>> = [];
    const df: number[] = [];
    for (const id of ids) {
      const tf = new Map<number, number>();
      for (const token of tokenize(this.texts.get(id)!)) {
        let term = termOf.get(token);
        if (term === undefined) {
          term = termOf.size;
          termOf.set(token, term);
          df.push(0);
        }
        tf.set(term, (tf.get(term) ?? 0) + 1);
      }
      for (const term of tf.keys()) df[term]! += 1;
      counts.push(tf);
    }
    const n = ids.length;
    const idf = df.map((d) => Math.log((1 + n) / (1 + d)) + 1);
    const terms: Int32Array[] = [];
    const weights: Float64Array[] = [];
    const postingLists: Array<Array<[number, number]>> = df.map(() => []);
    counts.forEach((tf, doc) => {
      const docTerms = Int32Array.from(tf.keys());
      const docWeights = Float64Array.from(docTerms, (t) => (1 + Math.log(tf.get(t)!)) * idf[t]!);
      let norm = 0;
      for (const w of docWeights) norm += w * w;
      norm = Math.sqrt(norm);
      // A text of stop words only has no terms (norm 0): it stays without neighbours.
      for (let i = 0; i < docWeights.length; i++) {
        docWeights[i]! /= norm;
        postingLists[docTerms[i]!]!.push([doc, docWeights[i]!]);
      }
      terms.push(docTerms);
      weights.push(docWeights);
    });
    this.built = {
      ids,
      docOf,
      terms,
      weights,
      postingDocs: postingLists.map((list) => Int32Array.from(list, ([d]) => d)),
      postingWeights: postingLists.map((list) => Float64Array.from(list, ([, w]) => w)),
    };
    return this.built;
  }
}
