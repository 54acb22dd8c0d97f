import type { Condition } from '../campaigns/schema.js';

/** The value at a dotted path of an object (a number steps into an array: items.0.id), undefined when a step is missing. */
export function valueAt(root: Record<string, unknown>, path: string): unknown {
  let node: unknown = root;
  for (const step of path.split('.')) {
    if (Array.isArray(node)) {
      node = /^\d+$/.test(step) ? node[Number(step)] : undefined;
      continue;
    }
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, step)) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

function compare(actual: unknown, c: Condition): boolean {
  const expected = c.value;
  switch (c.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && (expected as unknown[]).includes(actual as never);
    default: {
      // Numbers that arrive as strings ("120.50") still compare as numbers.
      const a = typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : actual;
      if (typeof a !== 'number' || Number.isNaN(a) || typeof expected !== 'number') return false;
      if (c.op === 'gt') return a > expected;
      if (c.op === 'gte') return a >= expected;
      if (c.op === 'lt') return a < expected;
      return a <= expected;
    }
  }
}

/** True when every condition holds on `subject` (an object with properties/traits/context). */
export function matchesAll(subject: Record<string, unknown>, conditions: readonly Condition[]): boolean {
  return conditions.every((c) => compare(valueAt(subject, c.field), c));
}
