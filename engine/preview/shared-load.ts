import type { CampaignConfig } from '../config/config-types.js';
import { categoryPreferences } from '../load/category-preferences.js';
import type { RunInputs } from '../run/load-inputs.js';

/**
 * The config keys the load itself reads (engine/load, engine/run/load-inputs.ts): which plays are
 * counted (`history_days`, `min_play_seconds`), which sends are recent and how far back the ledger
 * is read (`dedup_window_days`), and the region of a profile without a mapped country
 * (`default_region`). A second config that differs in one of them loads the inputs again.
 * Boosts and category filters are also baked into the model at load, but they only need the
 * shows' categories, so `inputsFor` recomputes them instead. Every other key is read after the
 * load (tests/engine/preview/shared-load.test.ts changes each of them and compares the models).
 */
export const LOAD_KEYS = ['history_days', 'min_play_seconds', 'dedup_window_days', 'default_region'] as const;

/** The load-time keys whose values differ between the two configs: empty when one load serves both. */
export function reloadKeys(a: CampaignConfig, b: CampaignConfig): string[] {
  return LOAD_KEYS.filter((k) => a[k] !== b[k]);
}

/**
 * The inputs loaded under another config, as `config` would have loaded them: every array shared,
 * only the boosts and category filters its own. Valid only when `reloadKeys` is empty.
 */
export function inputsFor(input: RunInputs, config: CampaignConfig): RunInputs {
  const { loaded } = input;
  return { ...input, loaded: { ...loaded, model: { ...loaded.model, ...categoryPreferences(config, loaded.labels.showCategories) } } };
}
