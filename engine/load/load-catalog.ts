import { buildIdIndex, lookupId } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { readTable } from '../../io/input/read-table.js';
import { InputError } from '../errors.js';
import { CONTENT_AVAILABLE, CONTENT_AVOD, CONTENT_NEW, SHOW_AVAILABLE, SHOW_AVOD_AVAILABLE } from '../model/campaign-model.js';
import { sharedInt32, sharedUint8, toShared } from '../model/shared-arrays.js';
import { categoryPreferences } from './category-preferences.js';
import { count, table } from './load-context.js';
import type { LoadContext } from './load-context.js';

export interface LoadedCatalog {
  /** content_id by dense content index (ascending). */
  contentIds: Float64Array;
  contentIndex: IdIndex;
  contentCount: number;
  contentShow: Int32Array;
  contentFlags: Uint8Array;
  showIndex: IdIndex;
  showCount: number;
  showIds: Float64Array;
  showTitles: string[];
  showCategories: string[];
  showFlags: Uint8Array;
  showAvailableEpisodes: Int32Array;
  showNewEpisodes: Int32Array;
  showBoost: Float64Array;
  showAllowed: Uint8Array;
}

/** SPEC §4.1: episodes → shows, availability on D, new episodes, AVOD availability, boosts and filters. */
export async function loadCatalog(ctx: LoadContext): Promise<LoadedCatalog> {
  const { source, columns: bound } = table(ctx, 'catalog');
  // Rows in content_id order: the first episode seen of a show is its smallest content_id,
  // which is where show attributes come from (SPEC §2).
  const { rows, columns } = await readTable(ctx.session, source, bound, '', 'ORDER BY content_id');
  const contentIds = columns[0]!.values as Float64Array;
  const showIdOf = columns[2]!.values as Float64Array;
  const titles = columns[3]!.values as (string | null)[];
  const categories = columns[4]!.values as (string | null)[];
  const release = columns[5]!.values as Int32Array;
  const expiry = columns[6]!;
  const avod = columns[7]!.values as Uint8Array;
  count(ctx, 'catalog', 'episodes', rows);

  const { index: contentIndex, duplicateAt } = buildIdIndex(contentIds, true);
  if (duplicateAt >= 0) throw new InputError(source.label, `content_id ${contentIds[duplicateAt]} appears more than once`);

  const distinctShows = Float64Array.from(new Set(showIdOf)).sort();
  const { index: showIndex } = buildIdIndex(distinctShows, true);
  const showCount = distinctShows.length;
  const showTitles = new Array<string>(showCount);
  const showCategories = new Array<string>(showCount);
  const showFlags = sharedUint8(showCount);
  const showAvailableEpisodes = sharedInt32(showCount);
  const showNewEpisodes = sharedInt32(showCount);
  const contentShow = sharedInt32(rows);
  const contentFlags = sharedUint8(rows);
  const lookup = (id: number): number => lookupId(showIndex, id);

  const D = ctx.day;
  const expiryValues = expiry.values as Int32Array;
  const expiryValid = expiry.valid;
  for (let i = 0; i < rows; i++) {
    const s = lookup(showIdOf[i]!);
    contentShow[i] = s;
    if (showTitles[s] === undefined) {
      showTitles[s] = titles[i]!;
      showCategories[s] = categories[i]!;
    }
    const notExpired = (expiryValid !== null && expiryValid[i] === 0) || expiryValues[i]! > D;
    if (release[i]! <= D && notExpired) {
      let flags = CONTENT_AVAILABLE;
      showAvailableEpisodes[s]!++;
      showFlags[s]! |= SHOW_AVAILABLE;
      if (release[i]! >= D - 7 && release[i]! < D) {
        flags |= CONTENT_NEW;
        showNewEpisodes[s]!++;
      }
      if (avod[i] === 1) {
        flags |= CONTENT_AVOD;
        showFlags[s]! |= SHOW_AVOD_AVAILABLE;
      }
      contentFlags[i] = flags;
    }
  }
  count(ctx, 'catalog', 'shows', showCount);
  let available = 0;
  for (let s = 0; s < showCount; s++) if ((showFlags[s]! & SHOW_AVAILABLE) !== 0) available++;
  count(ctx, 'catalog', 'available_shows', available);

  const { showBoost, showAllowed } = categoryPreferences(ctx.config, showCategories);

  return {
    contentIds,
    contentIndex,
    contentCount: rows,
    contentShow,
    contentFlags,
    showIndex,
    showCount,
    showIds: toShared(distinctShows),
    showTitles,
    showCategories,
    showFlags,
    showAvailableEpisodes,
    showNewEpisodes,
    showBoost,
    showAllowed,
  };
}
