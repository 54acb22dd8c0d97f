import { describe, expect, it } from 'vitest';
import { formatSegmentsEvalLine } from './eval-line.js';

describe('the last line of pulse eval segments', () => {
  it('is one line of JSON with the documented keys, in order, numbers rounded', () => {
    const line = formatSegmentsEvalLine({
      customers: 4_339,
      rfm_segments: { champions: 882, lost: 685 },
      k: 2,
      silhouette: 0.296_123_4,
      clv_mae: 525.547_26,
      clv_baseline_mae: 593.967_4,
      churn_auc: 0.740_488_06,
      churn_baseline_auc: 0.683_408,
    });
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^\{"customers":\d+,"rfm_segments":\{.*\},"k":\d+,"silhouette":[\d.]+,"clv_mae":[\d.]+,"clv_baseline_mae":[\d.]+,"churn_auc":[\d.]+,"churn_baseline_auc":[\d.]+\}$/,
    );
    expect(JSON.parse(line)).toEqual({
      customers: 4_339,
      rfm_segments: { champions: 882, lost: 685 },
      k: 2,
      silhouette: 0.2961,
      clv_mae: 525.55,
      clv_baseline_mae: 593.97,
      churn_auc: 0.7405,
      churn_baseline_auc: 0.6834,
    });
  });
});
