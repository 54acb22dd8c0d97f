import { describe, expect, it } from 'vitest';
import { CustomerProfiles } from '../profiles.js';
import { day, order, refund } from '../test-support.js';
import { quintileBreakpoints, scoreHigherBetter, scoreLowerBetter } from './quintiles.js';
import { RfmModel } from './rfm-model.js';
import { rfmInputOf, scoreRfm } from './rfm-score.js';
import { RFM_SEGMENTS, rfmSegmentOf } from './rfm-segments.js';

/** Five customers, one per quintile on every axis. */
function handMade(): CustomerProfiles {
  const profiles = new CustomerProfiles();
  const spec: Array<[string, number, number, number]> = [
    // key, day of last order, orders, pounds in total
    ['A', 99, 10, 5_000],
    ['B', 90, 5, 1_000],
    ['C', 70, 3, 300],
    ['D', 40, 2, 200],
    ['E', 0, 1, 50],
  ];
  for (const [key, last, orders, pounds] of spec) {
    for (let i = 0; i < orders; i += 1)
      profiles.apply(order(key, day(last - (orders - 1 - i)), pounds / orders));
  }
  return profiles;
}

function feed(model: RfmModel, profiles: CustomerProfiles, nowMs: number) {
  return model.refresh(profiles, nowMs);
}

describe('quintiles', () => {
  it('puts breakpoints at the 20/40/60/80 % nearest ranks and scores ties alike', () => {
    expect(quintileBreakpoints([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual([2, 4, 6, 8]);
    const b = quintileBreakpoints([1, 1, 1, 1, 2, 2, 3, 4, 5, 9]);
    expect(b).toEqual([1, 1, 2, 4]);
    expect([1, 2, 3, 4, 5, 9].map((v) => scoreHigherBetter(v, b))).toEqual([1, 3, 4, 4, 5, 5]);
    expect([0, 1, 2, 11, 31, 61].map((v) => scoreLowerBetter(v, [1, 10, 30, 60]))).toEqual([
      5, 5, 4, 3, 2, 1,
    ]);
  });

  it('names every one of the 25 R × FM cells, and uses all eleven names', () => {
    const used = new Set<string>();
    for (let r = 1; r <= 5; r += 1) {
      for (let f = 1; f <= 5; f += 1) {
        for (let m = 1; m <= 5; m += 1) used.add(rfmSegmentOf(r, f, m));
      }
    }
    expect([...used].sort()).toEqual(Object.keys(RFM_SEGMENTS).sort());
    expect(rfmSegmentOf(5, 5, 4)).toBe('champions');
    expect(rfmSegmentOf(1, 5, 5)).toBe('cant_lose_them');
    expect(rfmSegmentOf(5, 1, 1)).toBe('new');
    expect(rfmSegmentOf(1, 1, 2)).toBe('lost');
  });
});

describe('RFM on a hand-made set', () => {
  it('scores each customer by quintile and names the segment', () => {
    const profiles = handMade();
    const model = new RfmModel();
    const changes = feed(model, profiles, day(100));
    const scores = Object.fromEntries(['A', 'B', 'C', 'D', 'E'].map((k) => [k, model.scoreOf(k)]));
    expect(scores).toEqual({
      A: { r: 5, f: 5, m: 5, segment: 'champions' },
      B: { r: 4, f: 4, m: 4, segment: 'loyal' },
      C: { r: 3, f: 3, m: 3, segment: 'need_attention' },
      D: { r: 2, f: 2, m: 2, segment: 'hibernating' },
      E: { r: 1, f: 1, m: 1, segment: 'lost' },
    });
    expect(model.currentBreakpoints?.recencyDays).toEqual([1, 10, 30, 60]);
    expect(changes.map((c) => `${c.userKey} ${c.change} ${c.segment}`)).toEqual([
      'A entered rfm:champions',
      'B entered rfm:loyal',
      'C entered rfm:need_attention',
      'D entered rfm:hibernating',
      'E entered rfm:lost',
    ]);
  });

  it('lets recency decay as days pass without any event, rescoring only who crossed a breakpoint', () => {
    const profiles = handMade();
    const model = new RfmModel();
    feed(model, profiles, day(100));
    const changes = model.advanceTo(profiles, day(125));
    expect(changes.map((c) => `${c.userKey} ${c.change} ${c.segment}`)).toEqual([
      'A exited rfm:champions',
      'A entered rfm:loyal',
      'B exited rfm:loyal',
      'B entered rfm:at_risk',
      'C exited rfm:need_attention',
      'C entered rfm:at_risk',
      'D exited rfm:hibernating',
      'D entered rfm:lost',
    ]);
    // The same as scoring everyone from scratch against the same breakpoints at that time.
    for (const profile of profiles.values()) {
      expect(model.scoreOf(profile.key)).toEqual(
        scoreRfm(rfmInputOf(profile)!, model.currentBreakpoints!, day(125)),
      );
    }
    expect(changes.every((c) => c.atMs === day(125))).toBe(true);
  });

  it('takes refunds off the monetary score', () => {
    const profiles = handMade();
    const model = new RfmModel();
    feed(model, profiles, day(100));
    profiles.apply(refund('B', day(100), 900));
    const changes = model.update(profiles, 'B', day(100));
    expect(model.scoreOf('B')).toEqual({ r: 4, f: 4, m: 2, segment: 'potential_loyalist' });
    expect(changes.map((c) => c.segment)).toEqual(['rfm:loyal', 'rfm:potential_loyalist']);
  });

  it('survives a snapshot: restored, it goes on exactly as the original', () => {
    const profiles = handMade();
    const model = new RfmModel();
    feed(model, profiles, day(100));
    const copy = RfmModel.restore(JSON.parse(JSON.stringify(model.snapshot())), profiles);
    expect(copy.advanceTo(profiles, day(140))).toEqual(model.advanceTo(profiles, day(140)));
    expect(copy.version).toBe(model.version);
  });
});
