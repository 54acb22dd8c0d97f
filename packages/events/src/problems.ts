export type ProblemCode =
  | 'required'
  | 'type'
  | 'format'
  | 'out_of_range'
  | 'too_large'
  | 'too_deep'
  | 'unknown_type';

/**
 * One thing wrong with an input. `path` points into the event ('properties.products[2].price';
 * '' is the whole event); `reason` is a sentence for the client: what is wrong and what is expected.
 */
export interface Problem {
  path: string;
  code: ProblemCode;
  reason: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function invalid<T>(problems: Problem[]): Validated<T> {
  return { ok: false, problems };
}

/** Short description of a value for reasons: `string "12.5"`, `number 3`, `array`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return value.length <= 40 ? 'string ' + JSON.stringify(value) : `string of ${value.length} characters`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${value}`;
    case 'object':
      return 'object';
    default:
      return typeof value;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Path of a child key; only called when building a problem, so the regex is off the hot path. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : parent + '.' + key;
}

/**
 * A message value read as a JSON object of contract version 1, never throwing: the object and the
 * problems found so far (a wrong `v`), or the problem that it is no JSON object at all. The record
 * decoders (segment changes, regulations) check their own fields on top.
 */
export function readRecordObject(
  value: Buffer | string | null,
): { ok: true; record: Record<string, unknown>; problems: Problem[] } | { ok: false; problems: Problem[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : (value?.toString('utf8') ?? ''));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [{ path: '', code: 'format', reason: `must be JSON, reading it failed: ${message}` }],
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      problems: [{ path: '', code: 'type', reason: `must be an object, got ${describe(parsed)}` }],
    };
  }
  const record = parsed as Record<string, unknown>;
  const problems: Problem[] = [];
  if (record['v'] !== 1)
    problems.push({ path: 'v', code: 'format', reason: `must be 1, got ${describe(record['v'])}` });
  return { ok: true, record, problems };
}
