import { describe, expect, it } from 'vitest';
import { ContentModel } from './content-model.js';
import { HybridModel } from './hybrid-model.js';
import type { Interaction } from './interaction.js';
import { ItemKnnModel } from './item-knn-model.js';
import { TfIdfIndex } from './tfidf.js';
import { tokenize } from './tokenize.js';

/** Product descriptions as they appear in Online Retail (its first invoices), by stock code. */
const CATALOG = new Map([
  ['85123A', 'WHITE HANGING HEART T-LIGHT HOLDER'],
  ['85123B', 'RED HANGING HEART T-LIGHT HOLDER'],
  ['71053', 'WHITE METAL LANTERN'],
  ['84406B', 'CREAM CUPID HEARTS COAT HANGER'],
  ['84029G', 'KNITTED UNION FLAG HOT WATER BOTTLE'],
  ['84029E', 'RED WOOLLY HOTTIE WHITE HEART.'],
  ['22752', 'SET 7 BABUSHKA NESTING BOXES'],
  ['21730', 'GLASS STAR FROSTED T-LIGHT HOLDER'],
  ['22633', 'HAND WARMER UNION JACK'],
  ['22632', 'HAND WARMER RED POLKA DOT'],
  ['84879', 'ASSORTED COLOUR BIRD ORNAMENT'],
  ['22745', "POPPY'S PLAYHOUSE BEDROOM"],
  ['22748', "POPPY'S PLAYHOUSE KITCHEN"],
]);

describe('tokenize', () => {
  it('lower-cases, splits on punctuation, drops stop words and one-letter tokens, singularises', () => {
    expect(tokenize('WHITE HANGING HEART T-LIGHT HOLDER')).toEqual([
      'white',
      'hanging',
      'heart',
      'light',
      'holder',
    ]);
    expect(tokenize('CREAM CUPID HEARTS COAT HANGER')).toEqual(['cream', 'cupid', 'heart', 'coat', 'hanger']);
    expect(tokenize('SET OF 3 CAKE TINS PANTRY DESIGN, GLASS')).toEqual([
      'set',
      'cake',
      'tin',
      'pantry',
      'design',
      'glass',
    ]);
  });
});

describe('TfIdfIndex', () => {
  it('finds the most similar descriptions by cosine, symmetric and at most 1', () => {
    const index = new TfIdfIndex();
    for (const [item, text] of CATALOG) index.set(item, text);
    const top = index.neighbours('85123A', 3);
    expect(top[0]?.item).toBe('85123B');
    expect(top[1]?.item).toBe('21730');
    expect(top[0]!.score).toBeLessThanOrEqual(1);
    const back = index.neighbours('85123B', 20).find((n) => n.item === '85123A');
    expect(back?.score).toBeCloseTo(top[0]!.score, 12);
    expect(index.neighbours('22745', 5).map((n) => n.item)).toEqual(['22748']);
    expect(index.neighbours('unknown', 5)).toEqual([]);
  });
});

/** Behaviour: people buy the white heart holder with hand warmers (not similar by text). */
function shoppers(): Interaction[] {
  const out: Interaction[] = [];
  for (let p = 0; p < 30; p++) {
    for (const [i, item] of ['85123A', '22633', '22632'].entries()) {
      out.push({ session: `c${p}`, item, kind: 'purchase', ts: 1_300_000_000_000 + p * 3_600_000 + i });
    }
  }
  return out;
}

describe('content and hybrid models', () => {
  it('gives a product nobody has bought neighbours by its description (cold start)', () => {
    const knn = new ItemKnnModel();
    const hybrid = new HybridModel({}, CATALOG);
    for (const x of shoppers()) {
      knn.learn(x);
      hybrid.learn(x);
    }
    // 85123B (red heart holder) has no history: no collaborative neighbours at all.
    expect(knn.similarItems('85123B', 5)).toEqual([]);
    expect(hybrid.collaborativeShare('85123B')).toBe(0);
    expect(hybrid.similarItems('85123B', 3)[0]?.item).toBe('85123A');
    const forNew = hybrid.recommend(['85123B'], 3, new Set(['85123B']));
    expect(forNew[0]?.item).toBe('85123A');
    expect(forNew[0]!.score).toBeGreaterThan(0);
  });

  it('leans on behaviour for a well-known product', () => {
    const hybrid = new HybridModel({}, CATALOG);
    for (const x of shoppers()) hybrid.learn(x);
    expect(hybrid.collaborativeShare('85123A')).toBeGreaterThan(0.5);
    const top = hybrid.recommend(['85123A'], 2, new Set(['85123A'])).map((r) => r.item);
    expect(top.sort()).toEqual(['22632', '22633']);
    const restored = HybridModel.fromSnapshot(JSON.parse(JSON.stringify(hybrid.toSnapshot())));
    expect(restored.recommend(['85123B', '84029E'], 5)).toEqual(hybrid.recommend(['85123B', '84029E'], 5));
  });

  it('learns descriptions from the events when there is no catalogue', () => {
    const model = new ContentModel();
    [...CATALOG].forEach(([item, text], i) => {
      model.learn({ session: 's', item, kind: 'view', ts: i, text });
    });
    expect(model.similarItems('22633', 1)[0]?.item).toBe('22632');
    expect(model.recommend(['22748'], 1, new Set(['22748']))[0]?.item).toBe('22745');
  });
});
