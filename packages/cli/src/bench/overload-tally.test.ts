import { describe, expect, it } from 'vitest';
import { tallyOverload } from './overload-tally.js';

describe('tallyOverload', () => {
  it('counts acknowledged events missing from storage, and stored ones never acknowledged', () => {
    // Batches 0-2 and 5 acknowledged; batch 1 lost 3 events; batch 4 (refused) was stored all the same.
    const stored = new Map([
      [0, 10],
      [1, 7],
      [2, 10],
      [4, 10],
      [5, 10],
    ]);
    expect(
      tallyOverload(
        [
          [0, 3],
          [5, 6],
        ],
        stored,
        10,
      ),
    ).toEqual({ acknowledged: 40, acceptedLost: 3, stored: 47, storedUnacknowledged: 10 });
  });

  it('counts a whole acknowledged batch with no stored row as lost', () => {
    expect(tallyOverload([[0, 2]], new Map([[0, 10]]), 10).acceptedLost).toBe(10);
  });
});
