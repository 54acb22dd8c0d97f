import {
  MAX_ID_LENGTH,
  REGULATION_TYPES,
  type RegulationRecord,
  type RegulationType,
  SUBJECT_TYPES,
  type SubjectType,
} from '@pulse/events';

/** Subjects per request, as Segment's API allows. */
export const MAX_SUBJECTS_PER_REQUEST = 5000;

export interface RegulationRequest {
  regulationType: RegulationType;
  subjectType: SubjectType;
  /** Distinct, in the order given. */
  subjectIds: string[];
}

export interface RegulationProblem {
  field: string;
  reason: string;
}

export type ValidatedRegulation =
  | { ok: true; value: RegulationRequest }
  | { ok: false; problems: RegulationProblem[] };

/**
 * Names Segment's Public API uses for the same regulations: a request written for Segment works
 * here as it is (case does not matter either).
 */
const TYPE_ALIASES: Record<string, RegulationType> = {
  suppress_only: 'Suppress',
  delete_only: 'Delete',
  delete_internal: 'Delete',
  suppress_with_delete_internal: 'Suppress_With_Delete',
};

const FIELDS = new Set(['regulationType', 'subjectType', 'subjectIds']);

/** Checks a POST /v1/regulations body; every problem names its field. Pure. */
export function validateRegulationRequest(body: unknown): ValidatedRegulation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      problems: [
        {
          field: '',
          reason:
            'must be a JSON object: {"regulationType": "Suppress_With_Delete", "subjectType": "USER_ID", "subjectIds": ["..."]}',
        },
      ],
    };
  }
  const b = body as Record<string, unknown>;
  const problems: RegulationProblem[] = [];
  for (const field of Object.keys(b)) {
    if (!FIELDS.has(field)) {
      problems.push({
        field,
        reason: 'is not a field of a regulation; send regulationType, subjectType and subjectIds',
      });
    }
  }
  const regulationType = oneOf(b['regulationType'], REGULATION_TYPES, TYPE_ALIASES);
  if (regulationType === undefined) {
    problems.push({
      field: 'regulationType',
      reason: `must be one of ${REGULATION_TYPES.join(', ')}, got ${shown(b['regulationType'])}`,
    });
  }
  const subjectType = oneOf(b['subjectType'], SUBJECT_TYPES, {});
  if (subjectType === undefined) {
    problems.push({
      field: 'subjectType',
      reason: `must be one of ${SUBJECT_TYPES.join(', ')}, got ${shown(b['subjectType'])}`,
    });
  }
  const ids = b['subjectIds'];
  const subjectIds: string[] = [];
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_SUBJECTS_PER_REQUEST) {
    problems.push({
      field: 'subjectIds',
      reason: `must be a list of 1 to ${MAX_SUBJECTS_PER_REQUEST} ids, got ${Array.isArray(ids) ? `${ids.length} ids` : shown(ids)}`,
    });
  } else {
    const seen = new Set<string>();
    ids.forEach((id: unknown, i) => {
      if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_ID_LENGTH) {
        problems.push({
          field: `subjectIds[${i}]`,
          reason: `must be a non-blank string of at most ${MAX_ID_LENGTH} characters, got ${shown(id)}`,
        });
      } else if (!seen.has(id)) {
        seen.add(id);
        subjectIds.push(id);
      }
    });
  }
  if (problems.length > 0 || regulationType === undefined || subjectType === undefined) {
    return { ok: false, problems };
  }
  return { ok: true, value: { regulationType, subjectType, subjectIds } };
}

/** One record per subject, as the regulations topic carries them. */
export function regulationRecords(
  request: RegulationRequest,
  regulationId: string,
  requestedAt: Date,
): RegulationRecord[] {
  return request.subjectIds.map((subjectId) => ({
    v: 1,
    regulationId,
    regulationType: request.regulationType,
    subjectType: request.subjectType,
    subjectId,
    requestedAt: requestedAt.toISOString(),
  }));
}

function oneOf<T extends string>(
  value: unknown,
  names: readonly T[],
  aliases: Record<string, T>,
): T | undefined {
  if (typeof value !== 'string') return undefined;
  const wanted = value.toLowerCase();
  return names.find((n) => n.toLowerCase() === wanted) ?? aliases[wanted];
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
