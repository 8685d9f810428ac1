import { closestMatch } from '../../kernels/edit-distance.js';
import { tryParseDay } from '../dates.js';
import type { Rule } from './config-schema.js';

/**
 * Checks `value` against `rule` and returns the problems, each naming its key path.
 * With `partial`, objects may leave keys out (a config file or an override's `set`);
 * otherwise every non-optional key must be present (the merged, effective config).
 */
export function validateValue(value: unknown, rule: Rule, path: string, partial: boolean): string[] {
  const at = path === '' ? '(top level)' : path;
  switch (rule.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${at}: expected an integer, got ${describe(value)}`];
      if (value < rule.min) return [`${at}: must be ≥ ${rule.min}, got ${value}`];
      if (rule.max !== undefined && value > rule.max) return [`${at}: must be ≤ ${rule.max}, got ${value}`];
      return [];
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [`${at}: expected a number, got ${describe(value)}`];
      if (value < rule.min) return [`${at}: must be ≥ ${rule.min}, got ${value}`];
      if (rule.max !== undefined && value > rule.max) return [`${at}: must be ≤ ${rule.max}, got ${value}`];
      return [];
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected a string, got ${describe(value)}`];
      return rule.nonEmpty && value === '' ? [`${at}: must not be empty`] : [];
    case 'bool':
      return typeof value === 'boolean' ? [] : [`${at}: expected true or false, got ${describe(value)}`];
    case 'enum':
      return typeof value === 'string' && rule.values.includes(value)
        ? []
        : [`${at}: expected one of ${rule.values.join(', ')}, got ${describe(value)}`];
    case 'date':
      return typeof value === 'string' && tryParseDay(value) !== null ? [] : [`${at}: expected a date YYYY-MM-DD, got ${describe(value)}`];
    case 'nullable':
      return value === null ? [] : validateValue(value, rule.inner, path, partial);
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: expected a list, got ${describe(value)}`];
      if (rule.length !== undefined && value.length !== rule.length) return [`${at}: expected ${rule.length} entries, got ${value.length}`];
      if (value.length < rule.minLength) return [`${at}: expected at least ${rule.minLength} entr${rule.minLength === 1 ? 'y' : 'ies'}`];
      return value.flatMap((item, i) => validateValue(item, rule.item, `${path}[${i}]`, false));
    }
    case 'map': {
      if (!isPlainObject(value)) return [`${at}: expected a mapping, got ${describe(value)}`];
      // Any name is data here (boosts: {constructor: 2} boosts a category), except the one a merge
      // would turn into the object's prototype.
      return Object.entries(value).flatMap(([k, v]) => (k === '__proto__' ? [`${join(path, k)}: not allowed as a key`] : validateValue(v, rule.value, join(path, k), partial)));
    }
    case 'object': {
      if (!isPlainObject(value)) return [`${at}: expected a mapping, got ${describe(value)}`];
      const problems: string[] = [];
      const keysOptional = partial || rule.alwaysPartial === true;
      for (const key of Object.keys(value)) {
        // Own fields only: `in` would also find constructor, toString, __proto__ … on Object.prototype.
        if (!Object.hasOwn(rule.fields, key)) problems.push(`${join(path, key)}: unknown config key${didYouMean(path, key, Object.keys(rule.fields))}`);
      }
      for (const [key, fieldRule] of Object.entries(rule.fields)) {
        const present = Object.hasOwn(value, key) && value[key] !== undefined;
        if (present) problems.push(...validateValue(value[key], fieldRule, join(path, key), keysOptional));
        else if (!keysOptional && !rule.optional.includes(key)) problems.push(`${join(path, key)}: required key is missing`);
      }
      return problems;
    }
  }
}

/** ` (did you mean 'scenarios.trending'?)` when `key` is a likely typo of a known key, else ''. */
function didYouMean(path: string, key: string, known: readonly string[]): string {
  const match = closestMatch(key, known);
  return match === null ? '' : ` (did you mean '${join(path, match)}'?)`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // YAML's .inf, -.inf and .nan, which JSON (so JSON.stringify) cannot spell.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  return `${typeof value} ${JSON.stringify(value)}`;
}
