import assert from 'node:assert/strict';

/**
 * The one equality helper of the suite: deep strict equality with a short, readable
 * account of the first difference (typed arrays and row lists are compared element-wise
 * so a 1M-row mismatch does not print 1M rows).
 */
export function expectEqual<T>(actual: T, expected: T, label = 'value'): void {
  const diff = firstDifference(actual, expected, label);
  if (diff !== null) assert.fail(diff);
}

function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Object.is(a, b)) return null;
  const aList = ArrayBuffer.isView(a) || Array.isArray(a);
  const bList = ArrayBuffer.isView(b) || Array.isArray(b);
  if (aList && bList) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(x[i], y[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return x.length === y.length ? null : `${path}: length ${x.length}, expected ${y.length}`;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !aList && !bList) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== null) return d;
    }
    return null;
  }
  return `${path}: got ${show(a)}, expected ${show(b)}`;
}

function show(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v);
}
