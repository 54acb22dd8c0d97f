import { describe, expect, it } from 'vitest';
import { benchSeconds, DEFAULT_CAPACITY_EVENTS_PER_S, pipelineCapacity } from './load-settings.js';

describe('pipelineCapacity', () => {
  it("prefers this run's e2e figure, then the file's, then the default", () => {
    expect(pipelineCapacity({ e2e_events_per_s: 15_000 }, { e2e_events_per_s: 9000 })).toEqual({
      eventsPerS: 15_000,
      from: 'this run',
    });
    expect(pipelineCapacity({}, { e2e_events_per_s: 9000 })).toEqual({
      eventsPerS: 9000,
      from: 'bench file',
    });
    expect(pipelineCapacity({}, { e2e_events_per_s: 'fast' })).toEqual({
      eventsPerS: DEFAULT_CAPACITY_EVENTS_PER_S,
      from: 'default',
    });
  });
});

describe('benchSeconds', () => {
  it('reads whole seconds, with a fallback when unset', () => {
    expect(benchSeconds({ S: '90' }, 'S', 600, 75)).toBe(90);
    expect(benchSeconds({}, 'S', 600, 75)).toBe(600);
  });

  it('names the variable when the value is unusable', () => {
    expect(() => benchSeconds({ S: '30' }, 'S', 600, 75)).toThrow(
      'S must be a whole number of seconds, at least 75',
    );
    expect(() => benchSeconds({ S: '1.5' }, 'S', 600, 1)).toThrow('(got "1.5")');
  });
});
