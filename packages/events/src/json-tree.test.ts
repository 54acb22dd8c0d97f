import { describe, expect, it } from 'vitest';
import { checkJsonTree, isPlainObject, setOwn } from './json-tree.js';
import type { Problem } from './problems.js';

describe('isPlainObject', () => {
  it('accepts object literals, JSON.parse results and null-prototype objects', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(JSON.parse('{"a":1}'))).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
  });

  it('rejects everything else', () => {
    for (const value of [null, undefined, [], 'x', 1, new Date(), new Map(), Buffer.from('x'), () => 1]) {
      expect(isPlainObject(value)).toBe(false);
    }
  });
});

describe('setOwn', () => {
  it('stores "__proto__" as an own property instead of changing the prototype', () => {
    const target: Record<string, unknown> = {};
    setOwn(target, '__proto__', { polluted: 1 });
    setOwn(target, 'constructor', 2);
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":1},"constructor":2}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('checkJsonTree', () => {
  function check(root: Record<string, unknown>, maxDepth = 3): Problem[] {
    const problems: Problem[] = [];
    checkJsonTree(root, maxDepth, 'root', problems);
    return problems;
  }

  it('counts the root as level 1', () => {
    expect(check({ a: { b: { c: 1 } } })).toEqual([]);
    expect(check({ a: { b: { c: {} } } })).toEqual([
      {
        path: 'root.a.b.c',
        code: 'too_deep',
        reason: 'must not nest objects or arrays deeper than 3 levels',
      },
    ]);
    expect(check({ a: [[1]] })).toEqual([]);
    expect(check({ a: [[[]]] }).map((p) => p.path)).toEqual(['root.a[0][0]']);
  });

  it('reports only the first fault of a tree', () => {
    expect(check({ a: undefined, b: Symbol('x'), c: 10n }).map((p) => p.path)).toEqual(['root.a']);
  });

  it('accepts every JSON value', () => {
    expect(check({ s: '', n: -0.5, t: true, f: false, z: null, a: [], o: {} })).toEqual([]);
  });
});
