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
