import { describe, expect, it } from 'vitest';
import {
  decodeRegulation,
  encodeRegulation,
  type RegulationRecord,
  type RegulationType,
} from './regulation.js';
import { RegulationState } from './regulation-state.js';

function record(type: RegulationType, subjectId: string, requestedAt: string): RegulationRecord {
  return {
    v: 1,
    regulationId: 'reg-1',
    regulationType: type,
    subjectType: 'USER_ID',
    subjectId,
    requestedAt,
  };
}

describe('RegulationState', () => {
  it('suppresses every event of a suppressed subject and nobody else', () => {
    const state = new RegulationState(10);
    expect(state.blocks('ada', '2024-01-01T00:00:00Z')).toBe(false);
    state.apply(record('Suppress', 'ada', '2024-05-01T00:00:00Z'));
    expect(state.blocks('ada', '2030-01-01T00:00:00Z')).toBe(true);
    expect(state.blocks('ada', '2020-01-01T00:00:00Z')).toBe(true);
    expect(state.blocks('bob', '2024-01-01T00:00:00Z')).toBe(false);
    expect(state.isSuppressed('ada')).toBe(true);
  });

  it('a deletion covers events received until it was asked, not later ones', () => {
    const state = new RegulationState(10);
    state.apply(record('Delete', 'ada', '2024-05-01T00:00:00.000Z'));
    expect(state.blocks('ada', '2024-04-30T23:59:59.999Z')).toBe(true);
    expect(state.blocks('ada', '2024-05-01T00:00:00.000Z')).toBe(true);
    expect(state.blocks('ada', Date.parse('2024-05-01T00:00:00.001Z'))).toBe(false);
    expect(state.blocks('ada', 'not a time')).toBe(true);
    expect(state.isSuppressed('ada')).toBe(false);
  });

  it('Suppress_With_Delete does both; Unsuppress lifts the suppression but keeps the deletion', () => {
    const state = new RegulationState(10);
    state.apply(record('Suppress_With_Delete', 'ada', '2024-05-01T00:00:00Z'));
    expect(state.blocks('ada', '2024-06-01T00:00:00Z')).toBe(true);
    state.apply(record('Unsuppress', 'ada', '2024-07-01T00:00:00Z'));
    expect(state.blocks('ada', '2024-06-01T00:00:00Z')).toBe(false);
    expect(state.blocks('ada', '2024-04-01T00:00:00Z')).toBe(true);
    expect(state.size).toBe(1);
  });

  it('an Unsuppress of a suppressed-only subject forgets them; of an unknown one does nothing', () => {
    const state = new RegulationState(10);
    state.apply(record('Suppress', 'ada', '2024-05-01T00:00:00Z'));
    state.apply(record('Unsuppress', 'ada', '2024-05-02T00:00:00Z'));
    expect(state.apply(record('Unsuppress', 'bob', '2024-05-02T00:00:00Z'))).toBe(true);
    expect(state.size).toBe(0);
    expect(state.blocks('ada', '2024-06-01T00:00:00Z')).toBe(false);
  });

  it('refuses a new subject once full, and still applies records of known ones', () => {
    const state = new RegulationState(2);
    expect(state.apply(record('Suppress', 'a', '2024-05-01T00:00:00Z'))).toBe(true);
    expect(state.apply(record('Delete', 'b', '2024-05-01T00:00:00Z'))).toBe(true);
    expect(state.apply(record('Suppress', 'c', '2024-05-01T00:00:00Z'))).toBe(false);
    expect(state.blocks('c', '2024-01-01T00:00:00Z')).toBe(false);
    expect(state.apply(record('Suppress', 'b', '2024-05-02T00:00:00Z'))).toBe(true);
    expect(state.isSuppressed('b')).toBe(true);
    expect(state.size).toBe(2);
  });
});

describe('decodeRegulation', () => {
  it('reads what encodeRegulation wrote', () => {
    const r = { ...record('Suppress_With_Delete', 'ada', '2024-05-01T00:00:00.000Z'), linkedTo: 'x' };
    expect(decodeRegulation(encodeRegulation(r))).toEqual({ ok: true, value: r });
  });

  it('names every bad field', () => {
    const decoded = decodeRegulation(
      JSON.stringify({
        v: 2,
        regulationId: '',
        regulationType: 'Erase',
        subjectType: 'EMAIL',
        subjectId: 'a',
      }),
    );
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.problems.map((p) => p.path).sort()).toEqual([
      'regulationId',
      'regulationType',
      'requestedAt',
      'subjectType',
      'v',
    ]);
    expect(decodeRegulation('{').ok).toBe(false);
  });
});
