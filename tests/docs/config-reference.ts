import { STORAGE_OPTIONS } from '../../io/storage/storage-options.js';
import { configSchema, type Rule } from '../../engine/config/config-schema.js';
import { defaultConfig } from '../../engine/config/default-config.js';
import { CONFIG_KEY_EFFECTS } from './config-key-effects.js';
import { flowValue, tableCell } from './markdown.js';

/** One documented config key: a leaf of the schema (arrays of objects are walked as `path[].field`). */
export interface ConfigKeyDoc {
  path: string;
  rule: Rule;
  /** False for the fields of list items (`rfm.segments[].name`): they have no default of their own. */
  hasDefault: boolean;
  optional: boolean;
}

/**
 * Every key of the config schema in schema order, as a user writes it. An object that takes any
 * part of the config (an override's `set`) is one key: its fields are the top-level keys.
 */
export function configKeys(rule: Rule = configSchema, path = '', hasDefault = true, optional = false): ConfigKeyDoc[] {
  if (rule.kind === 'object' && rule.alwaysPartial !== true) {
    return Object.entries(rule.fields).flatMap(([key, field]) => configKeys(field, path === '' ? key : `${path}.${key}`, hasDefault, rule.optional.includes(key)));
  }
  if (rule.kind === 'array' && rule.item.kind === 'object' && rule.item.alwaysPartial !== true) {
    return [{ path, rule, hasDefault, optional }, ...configKeys(rule.item, `${path}[]`, false)];
  }
  return [{ path, rule, hasDefault, optional }];
}

function typeText(rule: Rule): string {
  switch (rule.kind) {
    case 'int':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'bool':
      return 'boolean';
    case 'enum':
      return rule.values.map((v) => `\`${v}\``).join(' \\| ');
    case 'date':
      return 'date (YYYY-MM-DD)';
    case 'nullable':
      return `${typeText(rule.inner)} or \`null\``;
    case 'array':
      return rule.item.kind === 'object' ? (rule.item.alwaysPartial === true ? 'list of config fragments' : 'list of mappings') : `list of ${plural(typeText(rule.item))}`;
    case 'map':
      return `mapping of name → ${typeText(rule.value)}`;
    case 'object':
      return 'mapping: any config keys except `overrides`';
  }
}

function plural(type: string): string {
  if (type.includes('`')) return `${type}`;
  return type.endsWith('s') || type.includes('(') ? type : `${type}s`;
}

function boundsText(rule: Rule): string {
  switch (rule.kind) {
    case 'int':
      return rule.max === undefined ? `≥ ${number(rule.min)}` : `${number(rule.min)} … ${number(rule.max)}`;
    case 'number':
      return rule.max === undefined ? `≥ ${rule.min}` : `${number(rule.min)} … ${number(rule.max)}`;
    case 'string':
      return rule.nonEmpty ? 'not empty' : 'may be empty';
    case 'nullable':
      return boundsText(rule.inner);
    case 'array': {
      const size = rule.length !== undefined ? `exactly ${rule.length} entries` : rule.minLength > 0 ? `at least ${rule.minLength} entr${rule.minLength === 1 ? 'y' : 'ies'}` : '';
      const item = rule.item.kind === 'object' ? '' : boundsText(rule.item);
      return [size, item === '' || item === '—' ? '' : `each ${item}`].filter((s) => s !== '').join(', ') || '—';
    }
    case 'map': {
      const value = boundsText(rule.value);
      return value === '—' ? '—' : `each ${value}`;
    }
    case 'bool':
    case 'enum':
    case 'date':
    case 'object':
      return '—';
  }
}

function number(n: number): string {
  return n.toLocaleString('en-US');
}

function defaultAt(path: string): unknown {
  let value: unknown = defaultConfig();
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function defaultText(key: ConfigKeyDoc): string {
  if (!key.hasDefault) return key.optional ? 'unset' : 'required';
  const value = defaultAt(key.path);
  if (value !== undefined) return `\`${flowValue(value)}\``;
  // Storage options have no place in the default config; their defaults are the options' own.
  const option = STORAGE_OPTIONS.find((o) => `storage.${o.name.toLowerCase()}` === key.path);
  return option?.default === undefined || option.default === null ? 'unset' : `\`${option.default}\``;
}

/** The effect text of a key: its own entry, else the entry of its pattern (`scenarios.*.window_days`). */
export function effectOf(path: string): string | undefined {
  const exact = CONFIG_KEY_EFFECTS[path];
  if (exact !== undefined) return exact;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const pattern = [...parts.slice(0, i), '*', ...parts.slice(i + 1)].join('.');
    if (CONFIG_KEY_EFFECTS[pattern] !== undefined) return CONFIG_KEY_EFFECTS[pattern];
  }
  return undefined;
}

/**
 * The key tables of docs/configuration.md: one table per top-level section, scalars first under
 * "Top-level keys". A key without an effect text is an error naming where to write one.
 */
export function renderConfigReference(): string {
  const keys = configKeys();
  const missing = keys.filter((k) => effectOf(k.path) === undefined).map((k) => k.path);
  if (missing.length > 0) throw new Error(`config keys without an effect text in tests/docs/config-key-effects.ts: ${missing.join(', ')}`);
  const sections = new Map<string, ConfigKeyDoc[]>();
  const topOf = (path: string): string => path.split(/[.[]/)[0]!;
  for (const key of keys) {
    // A top-level key with keys under it has a section of its own; lone scalars share the first.
    const top = keys.some((k) => k.path !== key.path && topOf(k.path) === topOf(key.path)) ? topOf(key.path) : '';
    sections.set(top, [...(sections.get(top) ?? []), key]);
  }
  const out: string[] = [];
  for (const [top, rows] of sections) {
    out.push(top === '' ? '### Top-level keys' : `### \`${top}\``, '');
    out.push('| key | type | default | bounds | effect |', '|---|---|---|---|---|');
    for (const key of rows) {
      out.push(`| \`${key.path}\` | ${tableCell(typeText(key.rule))} | ${tableCell(defaultText(key))} | ${tableCell(boundsText(key.rule))} | ${tableCell(effectOf(key.path)!)} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}
