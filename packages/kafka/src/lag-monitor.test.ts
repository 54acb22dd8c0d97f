import { describe, expect, it } from 'vitest';
import { partitionLags } from './lag-monitor.js';

describe('partitionLags', () => {
  it('measures from the committed offset, or from the low watermark when the group committed nothing', () => {
    expect(
      partitionLags(
        'pulse.events',
        [
          { partition: 0, low: '0', high: '120' },
          { partition: 1, low: '40', high: '90' },
          { partition: 2, low: '0', high: '10' },
        ],
        [
          { partition: 0, offset: '100' },
          { partition: 1, offset: '-1' },
        ],
      ),
    ).toEqual([
      { topic: 'pulse.events', partition: 0, lag: 20, committed: 100 },
      { topic: 'pulse.events', partition: 1, lag: 50, committed: 40 },
      { topic: 'pulse.events', partition: 2, lag: 10, committed: 0 },
    ]);
  });

  it('never reports a negative lag (a commit can run ahead of stale watermarks)', () => {
    expect(
      partitionLags('t', [{ partition: 0, low: '0', high: '5' }], [{ partition: 0, offset: '7' }]),
    ).toEqual([{ topic: 't', partition: 0, lag: 0, committed: 7 }]);
  });
});
