import { SCENARIOS } from '../config/config-types.js';
import type { CampaignConfig } from '../config/config-types.js';
import { sharedFloat64, sharedUint8 } from '../model/shared-arrays.js';
import type { CampaignModel } from '../model/campaign-model.js';

/** The model's only columns that depend on the config but not on what is read: boosts and category filters per show. */
export type CategoryPreferences = Pick<CampaignModel, 'showBoost' | 'showAllowed'>;

/**
 * SPEC §5: boost(category) per show (1.0 when the category has none) and, per scenario, whether
 * the show passes its category filters (`include_categories` non-empty → only those; then
 * `exclude_categories`). A function of the shows' categories alone, so a preview recomputes it for
 * a second config without reading the inputs again.
 */
export function categoryPreferences(config: CampaignConfig, showCategories: readonly string[]): CategoryPreferences {
  const showCount = showCategories.length;
  const boosts = config.boosts;
  const showBoost = sharedFloat64(showCount);
  const showAllowed = sharedUint8(SCENARIOS.length * showCount);
  SCENARIOS.forEach((name, k) => {
    const filter = config.scenarios[name];
    const include = new Set(filter.include_categories);
    const exclude = new Set(filter.exclude_categories);
    for (let s = 0; s < showCount; s++) {
      const c = showCategories[s]!;
      showAllowed[k * showCount + s] = (include.size === 0 || include.has(c)) && !exclude.has(c) ? 1 : 0;
    }
  });
  for (let s = 0; s < showCount; s++) showBoost[s] = Object.hasOwn(boosts, showCategories[s]!) ? boosts[showCategories[s]!]! : 1.0;
  return { showBoost, showAllowed };
}
