import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CampaignConfig, EffectiveConfig, PartialConfig } from '../config/config-types.js';
import { defaultConfig } from '../config/default-config.js';
import { configFromObject, effectiveConfig, loadConfigFile } from '../config/resolve-config.js';
import { isPlainObject } from '../config/validate-config.js';
import { CampaignError, ConfigError } from '../errors.js';
import { runDirOf } from '../run-dir/run-layout.js';
import { readManifest } from '../run-dir/run-manifest.js';
import type { ConfigChange, ConfigSource, PreviewCampaignOptions } from './preview-types.js';

/** One side's config: the base handed to the run (overrides still listed) and what it resolves to on the date. */
export interface SideConfig {
  base: CampaignConfig;
  effective: EffectiveConfig;
  source: ConfigSource;
}

export interface PreviewConfigs {
  old: SideConfig;
  new: SideConfig;
  /** The published runs' root, when there is one to read. */
  outDir: string | null;
  /** The dataset named by the manifest of the run compared against, when the comparison is a run. */
  runDataDir: string | null;
}

/**
 * Resolves and validates both configs before any work: a bad key, a bad override name or an
 * unreadable run manifest fails here, naming the key, override or file. The old side is, in
 * order: `againstRun`, `against`, the config file itself when an override is previewed, the
 * published run of the date under `outDir`, the SPEC defaults.
 */
export function resolvePreviewConfigs(options: PreviewCampaignOptions): PreviewConfigs {
  if (options.against !== undefined && options.againstRun !== undefined) throw new CampaignError('BAD_OPTION', 'give at most one of against and againstRun');
  const { date } = options;
  const outDir = options.outDir !== undefined ? resolve(options.outDir) : options.againstRun !== undefined ? dirname(resolve(options.againstRun)) : null;

  const candidate = configOf(options.config, 'config');
  let newSide: SideConfig;
  if (options.override !== undefined) {
    const forced = forceOverride(candidate.config, options.override, date, candidate.label);
    newSide = side(forced, date, { kind: 'override', path: typeof options.config === 'string' ? resolve(options.config) : null, override: options.override });
  } else {
    newSide = side(candidate.config, date, candidate.source);
  }

  let runDataDir: string | null = null;
  let oldSide: SideConfig;
  const runDir = options.againstRun !== undefined ? resolve(options.againstRun) : null;
  const published = outDir === null ? null : runDirOf(outDir, date);
  if (runDir !== null || (options.against === undefined && options.override === undefined && published !== null && existsSync(published))) {
    const compared = comparedRun(runDir ?? published!);
    runDataDir = compared.dataDir;
    oldSide = side(compared.config, date, compared.source);
  } else if (options.against !== undefined) {
    const against = configOf(options.against, 'against');
    oldSide = side(against.config, date, against.source);
  } else if (options.override !== undefined) {
    oldSide = side(candidate.config, date, candidate.source);
  } else {
    oldSide = side(defaultConfig(), date, { kind: 'defaults' });
  }
  return { old: oldSide, new: newSide, outDir, runDataDir };
}

function side(base: CampaignConfig, date: string, source: ConfigSource): SideConfig {
  return { base, effective: effectiveConfig(base, date), source };
}

function configOf(value: PartialConfig | string | undefined, option: string): { config: CampaignConfig; source: ConfigSource; label: string } {
  if (value === undefined) return { config: defaultConfig(), source: { kind: 'defaults' }, label: 'defaults' };
  if (typeof value === 'string') return { config: loadConfigFile(value), source: { kind: 'file', path: resolve(value) }, label: value };
  // An object from a library caller is checked like a file: unknown keys and wrong types name the key.
  return { config: configFromObject(value, `(${option} object)`), source: { kind: 'object' }, label: `(${option} object)` };
}

/** Every override of that name gets the date as its whole range, keeping its place in the list (SPEC §9 merges in list order). */
function forceOverride(config: CampaignConfig, name: string, date: string, label: string): CampaignConfig {
  if (!config.overrides.some((o) => o.name === name)) {
    const names = config.overrides.map((o) => o.name);
    throw new ConfigError(`config ${label}: no override named '${name}' (${names.length === 0 ? 'it has no overrides' : `overrides: ${names.join(', ')}`})`);
  }
  return { ...config, overrides: config.overrides.map((o) => (o.name === name ? { ...o, from: date, to: date } : o)) };
}

/** The effective config a published run recorded, taken as the base config resolved for the preview's date (for the run's own date: exactly what it ran). */
function comparedRun(runDir: string): { config: CampaignConfig; source: ConfigSource; dataDir: string | null } {
  const manifest = readManifest(runDir);
  const label = `${runDir}/manifest.json effective_config`;
  if (!isPlainObject(manifest.effective_config)) throw new ConfigError(`config ${label}: missing`);
  const config = configFromObject(manifest.effective_config, label);
  const inputs = manifest.inputs;
  const dataset = isPlainObject(inputs) && typeof inputs['dataset'] === 'string' ? inputs['dataset'] : null;
  return {
    config,
    source: { kind: 'run', runDir, runId: typeof manifest.run_id === 'string' ? manifest.run_id : null, date: typeof manifest.campaign_date === 'string' ? manifest.campaign_date : null },
    dataDir: dataset,
  };
}

/** Effective config keys that differ, as dotted paths to the first non-object values; `overrides` is left out (its effect is in the rest). */
export function configChanges(old: CampaignConfig, neu: CampaignConfig): ConfigChange[] {
  const out: ConfigChange[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], path === '' ? k : `${path}.${k}`);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ key: path, old: a ?? null, new: b ?? null });
  };
  walk({ ...old, overrides: undefined }, { ...neu, overrides: undefined }, '');
  return out;
}
