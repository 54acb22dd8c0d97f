import { z } from 'zod';
import { type RuleProblem, SegmentRuleError } from '../errors.js';
import { DURATION_PATTERN, durationMs } from './duration.js';

/** Longest window a rule may look back: a summed window holds a bucket per day of it (see EventWindow). */
export const MAX_WINDOW_DAYS = 400;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const comparison = {
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  eq: z.number().optional(),
};
const OPS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
export type ComparisonOp = (typeof OPS)[number];

const duration = z
  .string()
  .regex(DURATION_PATTERN, { message: "must be a number and a unit s, m, h, d or w, e.g. '7d'" })
  .refine(
    (text) =>
      !DURATION_PATTERN.test(text) ||
      (durationMs(text) > 0 && durationMs(text) <= MAX_WINDOW_DAYS * 86_400_000),
    {
      message: `must be more than 0 and at most ${MAX_WINDOW_DAYS}d`,
    },
  );

/**
 * "Did X": events named `performed` (optionally only those whose properties equal `where`) within the
 * last `within` (all time when absent), counted, or summed on the property `sum`, compared with
 * exactly one of gt / gte / lt / lte / eq.
 */
const performedSchema = z.strictObject({
  performed: z.string().min(1, { message: 'must name an event, e.g. "Order Completed"' }),
  within: duration.optional(),
  where: z.record(z.string(), scalar).optional(),
  sum: z.string().min(1).optional(),
  ...comparison,
});

/** A trait of the customer (computed: rfm_segment, cluster, clv_90d, buy_probability_90d, ...). */
const traitSchema = z.strictObject({
  trait: z.string().min(1),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  eq: scalar.optional(),
});

export type PerformedLeaf = {
  type: 'performed';
  event: string;
  withinMs: number | null;
  where: Record<string, string | number | boolean> | null;
  sum: string | null;
  op: ComparisonOp;
  value: number;
};
export type TraitLeaf = { type: 'trait'; trait: string; op: ComparisonOp; value: string | number | boolean };
export type Condition =
  | { type: 'all'; of: Condition[] }
  | { type: 'any'; of: Condition[] }
  | { type: 'not'; of: Condition }
  | PerformedLeaf
  | TraitLeaf;

export interface SegmentRule {
  id: string;
  name: string;
  description: string;
  /** The definition as given, for versions and snapshots. */
  source: unknown;
  condition: Condition;
}

const headerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
    message: 'must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit',
  }),
  name: z.string().min(1).max(200),
  description: z.string().max(2_000).optional(),
  rule: z.unknown().optional(),
});

/**
 * Parses rule segment definitions (e.g. read from a JSON file). Every problem is reported with the
 * path of the field, all at once: `segments[0].rule.all[1].within: must be ... e.g. '7d'`.
 */
export function parseSegmentRules(input: unknown): SegmentRule[] {
  const problems: RuleProblem[] = [];
  if (!Array.isArray(input)) throw new SegmentRuleError([{ path: 'segments', reason: 'must be an array' }]);
  const rules: SegmentRule[] = [];
  const seen = new Set<string>();
  input.forEach((definition, i) => {
    const path = `segments[${i}]`;
    const header = headerSchema.safeParse(definition);
    if (!header.success) problems.push(...zodProblems(path, header.error));
    if (header.success && seen.has(header.data.id)) {
      problems.push({ path: `${path}.id`, reason: `duplicate id '${header.data.id}'` });
    }
    if (header.success) seen.add(header.data.id);
    const rule =
      typeof definition === 'object' && definition !== null && 'rule' in definition
        ? (definition as { rule: unknown }).rule
        : undefined;
    // The rule is checked even when the header is bad: every problem is reported in one go.
    if (rule === undefined) problems.push({ path: `${path}.rule`, reason: 'is required (a condition)' });
    const condition = rule === undefined ? null : parseCondition(rule, `${path}.rule`, problems, 0);
    if (!header.success || condition === null) return;
    rules.push({
      id: header.data.id,
      name: header.data.name,
      description: header.data.description ?? '',
      source: definition,
      condition,
    });
  });
  if (problems.length > 0) throw new SegmentRuleError(problems);
  return rules;
}

const MAX_DEPTH = 8;
const NODE_KEYS = ['all', 'any', 'not', 'performed', 'trait'] as const;

function parseCondition(
  node: unknown,
  path: string,
  problems: RuleProblem[],
  depth: number,
): Condition | null {
  if (depth > MAX_DEPTH) {
    problems.push({ path, reason: `nested deeper than ${MAX_DEPTH} levels` });
    return null;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    problems.push({ path, reason: `must be an object with one of ${NODE_KEYS.join(', ')}` });
    return null;
  }
  const kinds = NODE_KEYS.filter((key) => key in node);
  if (kinds.length !== 1) {
    problems.push({
      path,
      reason:
        kinds.length === 0
          ? `must have one of ${NODE_KEYS.join(', ')}`
          : `has ${kinds.join(' and ')}: a condition is exactly one of ${NODE_KEYS.join(', ')}`,
    });
    return null;
  }
  const record = node as Record<string, unknown>;
  const kind = kinds[0]!;
  if (kind === 'all' || kind === 'any') return parseGroup(kind, record, path, problems, depth);
  if (kind === 'not') {
    const extra = Object.keys(record).filter((key) => key !== 'not');
    if (extra.length > 0) problems.push({ path: `${path}.${extra[0]}`, reason: 'unknown field beside not' });
    const of = parseCondition(record['not'], `${path}.not`, problems, depth + 1);
    return of === null || extra.length > 0 ? null : { type: 'not', of };
  }
  return kind === 'performed' ? parsePerformed(record, path, problems) : parseTrait(record, path, problems);
}

function parseGroup(
  kind: 'all' | 'any',
  record: Record<string, unknown>,
  path: string,
  problems: RuleProblem[],
  depth: number,
): Condition | null {
  const list = record[kind];
  const extra = Object.keys(record).filter((key) => key !== kind);
  if (extra.length > 0)
    problems.push({ path: `${path}.${extra[0]}`, reason: `unknown field beside ${kind}` });
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ path: `${path}.${kind}`, reason: 'must be a non-empty array of conditions' });
    return null;
  }
  const of = list.map((child, i) => parseCondition(child, `${path}.${kind}[${i}]`, problems, depth + 1));
  if (extra.length > 0 || of.some((c) => c === null)) return null;
  return { type: kind, of: of as Condition[] };
}

function oneComparison(
  data: Partial<Record<ComparisonOp, unknown>>,
  path: string,
  problems: RuleProblem[],
): ComparisonOp | null {
  const ops = OPS.filter((op) => data[op] !== undefined);
  if (ops.length === 1) return ops[0]!;
  problems.push({
    path,
    reason:
      ops.length === 0
        ? 'needs a comparison: one of gt, gte, lt, lte, eq'
        : `has ${ops.join(' and ')}: exactly one comparison per condition`,
  });
  return null;
}

function parsePerformed(
  record: Record<string, unknown>,
  path: string,
  problems: RuleProblem[],
): PerformedLeaf | null {
  const parsed = performedSchema.safeParse(record);
  if (!parsed.success) {
    problems.push(...zodProblems(path, parsed.error));
    return null;
  }
  const op = oneComparison(parsed.data, path, problems);
  if (op === null) return null;
  return {
    type: 'performed',
    event: parsed.data.performed,
    withinMs: parsed.data.within === undefined ? null : durationMs(parsed.data.within),
    where: parsed.data.where ?? null,
    sum: parsed.data.sum ?? null,
    op,
    value: parsed.data[op]!,
  };
}

function parseTrait(
  record: Record<string, unknown>,
  path: string,
  problems: RuleProblem[],
): TraitLeaf | null {
  const parsed = traitSchema.safeParse(record);
  if (!parsed.success) {
    problems.push(...zodProblems(path, parsed.error));
    return null;
  }
  const op = oneComparison(parsed.data, path, problems);
  if (op === null) return null;
  return { type: 'trait', trait: parsed.data.trait, op, value: parsed.data[op]! };
}

function zodProblems(path: string, error: z.ZodError): RuleProblem[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const at = [...issue.path, ...keys.slice(0, 1)]
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('');
    const reason =
      issue.code === 'unrecognized_keys'
        ? 'unknown field'
        : issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
          ? `is required (${issue.expected})`
          : issue.message;
    return { path: `${path}${at}`, reason };
  });
}
