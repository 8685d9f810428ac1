import { StorageError } from '../../io/errors.js';
import { isSecretOption, REDACTED, StorageOptions } from '../../io/storage/storage-options.js';
import { CampaignError } from '../errors.js';
import type { CampaignConfig } from './config-types.js';

/**
 * The storage options in force: the command line's (or the library's) over the config's `storage:`
 * section over the environment. A redacted secret (a config read back from a manifest) is left to
 * the environment. An unknown option or a bad value is a BAD_OPTION error naming it.
 */
export function resolveStorage(config: CampaignConfig, cli: Readonly<Record<string, string>> = {}, env: NodeJS.ProcessEnv = process.env): StorageOptions {
  const fromConfig = Object.fromEntries(Object.entries(config.storage ?? {}).filter(([, v]) => v !== REDACTED));
  try {
    return StorageOptions.resolve({ env, config: fromConfig, cli });
  } catch (err) {
    if (err instanceof StorageError) throw new CampaignError('BAD_OPTION', err.message);
    throw err;
  }
}

/** The config with every storage secret shown as `(set)`: what the manifest and `campaign config` hold. */
export function redactStorage(config: CampaignConfig): CampaignConfig {
  const overrides = config.overrides.map((o) => (isStorageSection(o.set['storage']) ? { ...o, set: { ...o.set, storage: redacted(o.set['storage']) } } : o));
  return { ...config, ...(config.storage === undefined ? {} : { storage: redacted(config.storage) }), overrides };
}

function isStorageSection(value: unknown): value is Record<string, string | number | boolean> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function redacted(section: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(section).map(([k, v]) => [k, isSecretOption(k) ? REDACTED : v]));
}
