import { childPath, describe, type Problem } from './problems.js';

/** An object literal or JSON.parse result; class instances (Date, Map, Buffer) are not JSON. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Defines `key` as an own property. Plain assignment of '__proto__' would call the inherited setter and
 * replace the target's prototype instead of storing the client's data.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

interface Fault {
  /** Keys from the fault up to the root; collected while unwinding so success costs nothing. */
  keys: (string | number)[];
  code: 'type' | 'too_deep';
  reason: string;
}

/**
 * Checks that `root` holds only JSON values, with containers nested at most `maxDepth` deep (root is
 * level 1), and reports the first fault at `path`. The recursion stops at maxDepth, so cyclic or
 * hostile input cannot exhaust the stack. This walk is most of validation's cost: keep it lean.
 */
export function checkJsonTree(
  root: Record<string, unknown>,
  maxDepth: number,
  path: string,
  problems: Problem[],
): boolean {
  const fault = checkObject(root, 1, maxDepth);
  if (fault === null) return true;
  let faultPath = path;
  for (let i = fault.keys.length - 1; i >= 0; i--) faultPath = childPath(faultPath, fault.keys[i]!);
  problems.push({ path: faultPath, code: fault.code, reason: fault.reason });
  return false;
}

function checkObject(object: Record<string, unknown>, depth: number, maxDepth: number): Fault | null {
  // for-in rather than Object.keys: V8 reads `object[key]` through the enum cache, which halved the
  // cost of validation. Plain objects inherit no enumerable keys, and this only reads.
  for (const key in object) {
    const value = object[key];
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) continue;
    const fault = checkValue(value, depth, maxDepth);
    if (fault !== null) {
      fault.keys.push(key);
      return fault;
    }
  }
  return null;
}

function checkArray(array: unknown[], depth: number, maxDepth: number): Fault | null {
  for (let i = 0; i < array.length; i++) {
    const value = array[i];
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) continue;
    const fault = checkValue(value, depth, maxDepth);
    if (fault !== null) {
      fault.keys.push(i);
      return fault;
    }
  }
  return null;
}

/** `depth` is the level of the container holding `value`. */
function checkValue(value: unknown, depth: number, maxDepth: number): Fault | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : notJson(String(value));
  }
  if (typeof value !== 'object' || value === null) return notJson(describe(value));
  if (depth >= maxDepth) {
    return {
      keys: [],
      code: 'too_deep',
      reason: `must not nest objects or arrays deeper than ${maxDepth} levels`,
    };
  }
  if (Array.isArray(value)) return checkArray(value, depth + 1, maxDepth);
  if (isPlainObject(value)) return checkObject(value, depth + 1, maxDepth);
  return notJson('an instance of ' + (value.constructor?.name ?? 'a class'));
}

function notJson(got: string): Fault {
  return {
    keys: [],
    code: 'type',
    reason: `must be a JSON value (string, number, boolean, null, array, object), got ${got}`,
  };
}
