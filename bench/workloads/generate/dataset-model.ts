import { generateCatalog, type Catalog } from './catalog.js';
import { REGIONS } from './geography.js';
import { generateHouseholds, type Households } from './households.js';
import { idSpace, type IdSpace } from './ids.js';
import { Rng } from './prng.js';
import { STREAM } from './streams.js';
import { buildTaste, type Taste } from './taste.js';

/** Everything plays and sends are drawn from; rebuilt identically from the same parameters in any thread. */
export interface DatasetModel {
  ids: IdSpace;
  catalog: Catalog;
  households: Households;
  taste: Taste;
}

export function buildModel(seed: number, day: number, profiles: number): DatasetModel {
  // Shows and clusters grow with √profiles: ~3,000 shows and ~300 clusters at 1M profiles.
  const scale = Math.sqrt(profiles);
  const showCount = Math.max(60, Math.round(3 * scale));
  const clusterCount = Math.max(8, Math.round(0.3 * scale));
  const ids = idSpace(new Rng(seed, STREAM.ids).nextU32());
  const catalog = generateCatalog(seed, day, showCount, ids);
  const households = generateHouseholds(seed, profiles, clusterCount);
  const taste = buildTaste(seed, catalog, clusterCount, REGIONS.length);
  return { ids, catalog, households, taste };
}
