import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
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

/** Largest config file read (1 MiB): a campaign config is a few kilobytes; anything near this is not one. */
export const MAX_CONFIG_BYTES = 1 << 20;

/**
 * Reads and parses a config file. Only a regular file of at most MAX_CONFIG_BYTES is read: a FIFO,
 * a device (`/dev/zero`) or a directory is refused at once, without waiting on it (opened
 * non-blocking, checked with fstat on the opened file) or reading it to the end.
 */
export function loadConfigFile(path: string): CampaignConfig {
  const fail = (problem: string): ConfigError => new ConfigError(`config ${path}: ${problem}`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? (err as Error).message}`);
  }
  let text: string;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw fail(`not a regular file (${fileKind(stat)}); a config is a YAML or JSON file`);
    if (stat.size > MAX_CONFIG_BYTES) throw fail(`${stat.size} bytes, more than the ${MAX_CONFIG_BYTES} a config file may have`);
    // One byte more than allowed: a file that grew since fstat is caught too.
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buf.length; length += n) n = readSync(fd, buf, length, buf.length - length, null);
    if (length > MAX_CONFIG_BYTES) throw fail(`more than the ${MAX_CONFIG_BYTES} bytes a config file may have`);
    text = buf.toString('utf8', 0, length);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw fail(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    closeSync(fd);
  }
  return parseConfig(text, path);
}

function fileKind(stat: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
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

