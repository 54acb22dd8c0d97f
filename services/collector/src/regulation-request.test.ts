import { describe, expect, it } from 'vitest';
import {
  MAX_SUBJECTS_PER_REQUEST,
  regulationRecords,
  validateRegulationRequest,
} from './regulation-request.js';

describe('validateRegulationRequest', () => {
  it("accepts Segment's body, dropping repeated ids", () => {
    const result = validateRegulationRequest({
      regulationType: 'Suppress_With_Delete',
      subjectType: 'USER_ID',
      subjectIds: ['ada', 'bob', 'ada'],
    });
    expect(result).toEqual({
      ok: true,
      value: { regulationType: 'Suppress_With_Delete', subjectType: 'USER_ID', subjectIds: ['ada', 'bob'] },
    });
  });

  it("takes the names of Segment's Public API and any case", () => {
    const types = ['SUPPRESS_WITH_DELETE', 'suppress', 'SUPPRESS_ONLY', 'DELETE_ONLY', 'UNSUPPRESS'].map(
      (t) => {
        const r = validateRegulationRequest({ regulationType: t, subjectType: 'user_id', subjectIds: ['a'] });
        return r.ok ? r.value.regulationType : undefined;
      },
    );
    expect(types).toEqual(['Suppress_With_Delete', 'Suppress', 'Suppress', 'Delete', 'Unsuppress']);
  });

  it('names every bad field with its reason', () => {
    const result = validateRegulationRequest({
      regulationType: 'Erase',
      subjectType: 'EMAIL',
      subjectIds: ['ok', '', 7, 'x'.repeat(257)],
      subjectId: 'typo',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual([
      'subjectId',
      'regulationType',
      'subjectType',
      'subjectIds[1]',
      'subjectIds[2]',
      'subjectIds[3]',
    ]);
    expect(result.problems[1]!.reason).toContain('Suppress_With_Delete');
    expect(result.problems[1]!.reason).toContain('"Erase"');
  });

  it('refuses a missing, empty or too long list of ids and a body that is no object', () => {
    const fields = (body: unknown) => {
      const r = validateRegulationRequest(body);
      return r.ok ? [] : r.problems.map((p) => p.field);
    };
    expect(fields({ regulationType: 'Delete', subjectType: 'USER_ID' })).toEqual(['subjectIds']);
    expect(fields({ regulationType: 'Delete', subjectType: 'USER_ID', subjectIds: [] })).toEqual([
      'subjectIds',
    ]);
    const many = Array.from({ length: MAX_SUBJECTS_PER_REQUEST + 1 }, (_, i) => `u${i}`);
    expect(fields({ regulationType: 'Delete', subjectType: 'USER_ID', subjectIds: many })).toEqual([
      'subjectIds',
    ]);
    expect(fields(['Delete'])).toEqual(['']);
    expect(fields(null)).toEqual(['']);
  });
});

describe('regulationRecords', () => {
  it('makes one record per subject with the request time', () => {
    const at = new Date('2024-05-01T10:00:00.000Z');
    const records = regulationRecords(
      { regulationType: 'Suppress', subjectType: 'ANONYMOUS_ID', subjectIds: ['a', 'b'] },
      'reg-1',
      at,
    );
    expect(records).toEqual([
      {
        v: 1,
        regulationId: 'reg-1',
        regulationType: 'Suppress',
        subjectType: 'ANONYMOUS_ID',
        subjectId: 'a',
        requestedAt: '2024-05-01T10:00:00.000Z',
      },
      {
        v: 1,
        regulationId: 'reg-1',
        regulationType: 'Suppress',
        subjectType: 'ANONYMOUS_ID',
        subjectId: 'b',
        requestedAt: '2024-05-01T10:00:00.000Z',
      },
    ]);
  });
});
