import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseDay } from '../dates.js';
import { ConfigError } from '../errors.js';
import { configSchema } from './config-schema.js';
import type { CampaignConfig, EffectiveConfig } from './config-types.js';
import { defaultConfig } from './default-config.js';
import { isPlainObject, validateValue } from './validate-config.js';

/** Objects merge key by key; arrays and scalars replace (SPEC §9). Inputs are not mutated. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return structuredClone(patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    out[key] = Object.hasOwn(base, key) ? deepMerge(base[key], value) : structuredClone(value);
  }
  return out as T;
}

/** Parses YAML or JSON config text (JSON is YAML), validates it and fills in the defaults. */
export function parseConfig(text: string, source: string): CampaignConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config ${source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (raw === null || raw === undefined) raw = {};
  return configFromObject(raw, source);
}

export function configFromObject(raw: unknown, source: string): CampaignConfig {
  const problems = validateValue(raw, configSchema, '', true);
  if (problems.length > 0) throw new ConfigError(`config ${source}:\n  ${problems.join('\n  ')}`);
  const config = deepMerge(defaultConfig(), raw);
  config.overrides.forEach((o, i) => {
    if (parseDay(o.from) > parseDay(o.to)) throw new ConfigError(`config ${source}: overrides[${i}] (${o.name}): from ${o.from} is after to ${o.to}`);
  });
  return config;
}

export function loadConfigFile(path: string): CampaignConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`config ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a config file' : `cannot read: ${code ?? (err as Error).message}`}`);
  }
  return parseConfig(text, path);
}

/** Applies every override whose inclusive range holds `date`, in list order, and re-validates. */
export function effectiveConfig(config: CampaignConfig, date: string): EffectiveConfig {
  const day = parseDay(date, 'campaign date');
  let merged: CampaignConfig = { ...config, overrides: [] };
  const activeOverrides: string[] = [];
  for (const o of config.overrides) {
    if (parseDay(o.from) <= day && day <= parseDay(o.to)) {
      merged = deepMerge(merged, o.set);
      activeOverrides.push(o.name);
    }
  }
  merged.overrides = config.overrides;
  const problems = validateValue(merged, configSchema, '', false);
  if (problems.length > 0) throw new ConfigError(`effective config for ${date} (overrides ${activeOverrides.join(', ') || 'none'}):\n  ${problems.join('\n  ')}`);
  return { date, config: merged, activeOverrides };
}

