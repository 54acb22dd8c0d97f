import { describe, expect, it } from 'vitest';
import { RecentItemsModel } from '../service/recent-items.js';
import { RecsIncrementalModel } from './incremental.js';
import type { Interaction } from './interaction.js';
import { createModel } from './models.js';
import { SvdModel } from './svd-model.js';

const T = Date.UTC(2024, 0, 1);

/** Three people browsing and buying four products within one session each. */
function interactions(): Interaction[] {
  const out: Interaction[] = [];
  const people = ['ada', 'bob', 'cy'];
  people.forEach((session, p) => {
    ['p1', 'p2', 'p3', 'p4'].forEach((item, i) => {
      out.push({ session, item, kind: i === 3 ? 'purchase' : 'view', ts: T + p * 1000 + i * 60_000 });
    });
  });
  return out.sort((a, b) => a.ts - b.ts);
}

describe('forgetting a person in the recommendation models', () => {
  it('drops their open basket from item-kNN and hybrid; the counts over everyone stay', () => {
    for (const name of ['item-cosine', 'item-llr', 'hybrid']) {
      const model = createModel(name);
      for (const x of interactions()) model.learn(x);
      const before = model.recommend(['p1'], 3);
      expect(JSON.stringify(model.toSnapshot())).toContain('"ada"');

      expect(model.forgetSession?.('ada')).toBe(true);
      expect(JSON.stringify(model.toSnapshot())).not.toContain('"ada"');
      expect(JSON.stringify(model.toSnapshot())).toContain('"bob"');
      expect(model.recommend(['p1'], 3)).toEqual(before);
      expect(model.forgetSession?.('ada')).toBe(false);
    }
  });

  it('drops their row from SVD, and the incremental wrapper forgets through the live model', () => {
    const svd = new SvdModel();
    for (const x of interactions()) svd.learn(x);
    expect(JSON.stringify(svd.toSnapshot())).toContain('"bob"');
    expect(svd.forgetSession('bob')).toBe(true);
    expect(JSON.stringify(svd.toSnapshot())).not.toContain('"bob"');
    expect(svd.forgetSession('bob')).toBe(false);

    const wrapper = new RecsIncrementalModel('item-cosine');
    for (const x of interactions()) wrapper.model.learn(x);
    expect(wrapper.forget('cy')).toBe(true);
    expect(JSON.stringify(wrapper.snapshot())).not.toContain('"cy"');
    expect(new RecsIncrementalModel('popularity').forget('cy')).toBe(false);
  });

  it("forgets a person's recent and purchased items", () => {
    const people = new RecentItemsModel({ perPerson: 5, purchasedPerPerson: 5, people: 10 });
    people.restore({
      v: 1,
      people: [
        ['ada', { recent: ['p1'], purchased: ['p1'] }],
        ['bob', { recent: ['p2'], purchased: [] }],
      ],
    });
    expect(people.forget('ada')).toBe(true);
    expect(people.of('ada')).toBeUndefined();
    expect(people.of('bob')).toEqual({ recent: ['p2'], purchased: [] });
    expect(JSON.stringify(people.snapshot())).not.toContain('"ada"');
  });
});
