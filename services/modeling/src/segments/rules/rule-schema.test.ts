import { describe, expect, it } from 'vitest';
import { SegmentRuleError } from '../errors.js';
import { EXAMPLE_SEGMENT_RULES } from './example-rules.js';
import { parseSegmentRules } from './rule-schema.js';

function problemsOf(input: unknown): Array<{ path: string; reason: string }> {
  try {
    parseSegmentRules(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SegmentRuleError);
    expect((error as SegmentRuleError).code).toBe('PULSE_SEGMENT_RULE_INVALID');
    return [...(error as SegmentRuleError).problems];
  }
  throw new Error('expected the rules to be refused');
}

describe('rule segment definitions', () => {
  it('accepts the examples and compiles windows to milliseconds', () => {
    const rules = parseSegmentRules(EXAMPLE_SEGMENT_RULES);
    expect(rules.map((r) => r.id)).toEqual([
      'viewed-not-bought',
      'big-spenders-90d',
      'serial-refunders-30d',
      'valuable-slipping-away',
    ]);
    expect(rules[1]!.condition).toEqual({
      type: 'performed',
      event: 'Order Completed',
      withinMs: 90 * 86_400_000,
      where: null,
      sum: 'total',
      op: 'gt',
      value: 1000,
    });
  });

  it('names every bad field, all at once', () => {
    const problems = problemsOf([
      {
        id: 'Bad Id',
        name: 'x',
        rule: { performed: 'Product Viewed', within: '7 days', gte: 3 },
      },
      {
        id: 'ok',
        name: 'two comparisons, an unknown field and a missing one',
        rule: {
          all: [
            { performed: 'Product Viewed', gte: 3, lt: 5 },
            { performed: 'Order Completed', within: '7d', colour: 'red', eq: 0 },
            { trait: 'rfm_segment' },
            { perfomed: 'typo' },
          ],
        },
      },
      { id: 'ok', name: 'duplicate', rule: { not: { performed: 'x', within: '500d', gte: 1 } } },
      { name: 'no id', rule: { any: [] } },
    ]);
    expect(problems).toEqual([
      { path: 'segments[0].id', reason: expect.stringContaining('lowercase letters') },
      { path: 'segments[0].rule.within', reason: "must be a number and a unit s, m, h, d or w, e.g. '7d'" },
      { path: 'segments[1].rule.all[0]', reason: 'has gte and lt: exactly one comparison per condition' },
      { path: 'segments[1].rule.all[1].colour', reason: 'unknown field' },
      { path: 'segments[1].rule.all[2]', reason: 'needs a comparison: one of gt, gte, lt, lte, eq' },
      { path: 'segments[1].rule.all[3]', reason: 'must have one of all, any, not, performed, trait' },
      { path: 'segments[2].id', reason: "duplicate id 'ok'" },
      { path: 'segments[2].rule.not.within', reason: 'must be more than 0 and at most 400d' },
      { path: 'segments[3].id', reason: 'is required (string)' },
      { path: 'segments[3].rule.any', reason: 'must be a non-empty array of conditions' },
    ]);
  });

  it('reports a bad window with its field and the expected format', () => {
    expect(
      problemsOf([{ id: 'a', name: 'a', rule: { performed: 'Product Viewed', within: '7 days', gte: 3 } }]),
    ).toEqual([
      { path: 'segments[0].rule.within', reason: "must be a number and a unit s, m, h, d or w, e.g. '7d'" },
    ]);
    expect(problemsOf({ id: 'a' })).toEqual([{ path: 'segments', reason: 'must be an array' }]);
    expect(problemsOf([{ id: 'a', name: 'no rule' }])).toEqual([
      { path: 'segments[0].rule', reason: 'is required (a condition)' },
    ]);
  });
});
