import type { IdSpace } from './ids.js';
import { Rng, cumulative } from './prng.js';
import { showTitle } from './show-titles.js';
import { STREAM } from './streams.js';

export const CATEGORIES = ['drama', 'comedy', 'kids', 'documentary', 'thriller', 'reality', 'crime', 'romance', 'scifi', 'anime', 'sports', 'holiday'] as const;
export const KIDS_CATEGORY = CATEGORIES.indexOf('kids');
const CATEGORY_WEIGHTS = cumulative([20, 18, 11, 10, 8, 8, 7, 5, 5, 3, 3, 2]);
/** Typical episode length in seconds per category: [min, max]. */
const EPISODE_SECONDS: readonly (readonly [number, number])[] = [
  [2520, 3600], [1320, 1800], [660, 1500], [2700, 3300], [2520, 3300], [2400, 2700],
  [2520, 3600], [1800, 3000], [2520, 3600], [1320, 1500], [3600, 7200], [1320, 5400],
];

/** Content ids leave every 16th value unused so "unknown content" ids can sit between real ones. */
const CONTENT_BASE = 100_000;
const CONTENT_STRIDE = 16;

/** The `catalog` table's columns, rows in file order. */
export interface CatalogTable {
  contentId: Int32Array;
  seasonId: Int32Array;
  showId: Float64Array;
  showTitle: string[];
  category: string[];
  releaseDate: Int32Array;
  expiryDate: Int32Array;
  expiryValid: Uint8Array;
  avod: Uint8Array;
}

/** The catalog plus the per-show lookups plays and sends are drawn from. */
export interface Catalog {
  table: CatalogTable;
  showCount: number;
  showIds: Float64Array;
  showCategory: Uint8Array;
  showEpisodeSeconds: Uint16Array;
  showHasAvod: Uint8Array;
  /** Episodes in viewing order (season, episode); show s owns [episodeStart[s], episodeStart[s + 1]). */
  episodeStart: Uint32Array;
  episodeContentId: Int32Array;
  /** Release day of each episode, non-decreasing within a show. */
  episodeRelease: Int32Array;
}

/** A content id guaranteed absent from the catalog, for plays of content the catalog does not know. */
export function unknownContentId(catalog: Catalog, rng: Rng): number {
  return CONTENT_BASE + rng.int(catalog.episodeContentId.length) * CONTENT_STRIDE + CONTENT_STRIDE - 1;
}

/**
 * Shows → seasons → episodes with lifecycles that hit every availability rule of SPEC §4.1:
 * long-running library shows, shows airing weekly (episodes released in the last week and some
 * after D), whole seasons dropped in the last week, shows premiering after D, expired shows
 * (including expiry exactly on D), shows expiring later, shows whose first season alone expired,
 * and AVOD episodes on some shows (sometimes on the first season only).
 */
export function generateCatalog(seed: number, day: number, showCount: number, ids: IdSpace): Catalog {
  const showIds = new Float64Array(showCount);
  const showCategory = new Uint8Array(showCount);
  const showEpisodeSeconds = new Uint16Array(showCount);
  const showHasAvod = new Uint8Array(showCount);
  const episodeStart = new Uint32Array(showCount + 1);
  const contentId: number[] = [];
  const seasonId: number[] = [];
  const episodeShow: number[] = [];
  const titles: string[] = [];
  const categories: string[] = [];
  const release: number[] = [];
  const expiry: (number | null)[] = [];
  const avod: number[] = [];
  let seasonCounter = 0;

  for (let s = 0; s < showCount; s++) {
    const rng = new Rng(seed, STREAM.catalog, s);
    const category = rng.pick(CATEGORY_WEIGHTS);
    const [minSeconds, maxSeconds] = EPISODE_SECONDS[category]!;
    showIds[s] = ids.showId(s);
    showCategory[s] = category;
    showEpisodeSeconds[s] = rng.range(minSeconds, maxSeconds);
    episodeStart[s] = contentId.length;

    const lifecycle = rng.float();
    const upcoming = lifecycle < 0.03;
    const airing = !upcoming && lifecycle < 0.15;
    const newDrop = !upcoming && !airing && lifecycle < 0.19;
    const seasons = upcoming ? 1 : 1 + Math.min(rng.geometric(0.45), 7);
    const lastStart = upcoming ? day + rng.range(1, 60) : airing ? day - rng.range(0, 63) : newDrop ? day - rng.range(1, 7) : day - rng.range(30, 8 * 365);
    const seasonGap = 300 + rng.int(130);
    const baseEpisodes = category === CATEGORIES.indexOf('sports') ? rng.range(3, 8) : rng.range(4, 12);

    // Expiry: whole show expired (sometimes exactly on D), expiring later, or first season only expired.
    const expiryRoll = rng.float();
    const library = !upcoming && !airing && !newDrop;
    const expiredShow = library && expiryRoll < 0.08;
    const expiringShow = !expiredShow && expiryRoll < 0.16;
    const firstSeasonExpired = !upcoming && seasons >= 2 && expiryRoll >= 0.16 && expiryRoll < 0.21;
    const showExpiry = expiredShow ? (rng.chance(0.15) ? day : day - rng.range(1, 400)) : expiringShow ? (rng.chance(0.1) ? day + 1 : day + rng.range(2, 120)) : null;

    const avodRoll = rng.float();
    const title = showTitle(s);
    // A few shows change title or category in later seasons: SPEC §2 takes the smallest content_id's.
    const renamedLater = seasons >= 2 && rng.chance(0.02);
    const recategorisedLater = seasons >= 2 && rng.chance(0.01);

    for (let season = 0; season < seasons; season++) {
      const start = lastStart - (seasons - 1 - season) * seasonGap;
      const weekly = upcoming || (airing && season === seasons - 1) || (!newDrop && rng.chance(0.5));
      const episodes = Math.max(2, baseEpisodes + rng.int(3) - 1);
      const id = 10_000 + seasonCounter++ * 4 + rng.int(4);
      const seasonExpiry = firstSeasonExpired && season === 0 ? day - rng.range(1, 200) : showExpiry;
      const seasonAvod = avodRoll < 0.22 || (avodRoll < 0.28 && season === 0);
      for (let e = 0; e < episodes; e++) {
        const released = start + (weekly ? e * 7 : 0);
        contentId.push(CONTENT_BASE + contentId.length * CONTENT_STRIDE + rng.int(CONTENT_STRIDE - 1));
        seasonId.push(id);
        episodeShow.push(s);
        titles.push(renamedLater && season > 0 ? `${title} (Remastered)` : title);
        categories.push(CATEGORIES[recategorisedLater && season > 0 ? (category + 1) % CATEGORIES.length : category]!);
        release.push(released);
        // An expired episode still expires after its release: it was available for a while.
        expiry.push(seasonExpiry === null ? null : Math.max(seasonExpiry, released + 1));
        const isAvod = seasonAvod || rng.chance(0.003);
        avod.push(isAvod ? 1 : 0);
        if (isAvod) showHasAvod[s] = 1;
      }
    }
  }
  episodeStart[showCount] = contentId.length;

  const rows = contentId.length;
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  new Rng(seed, STREAM.catalogOrder).shuffle(order);
  const table: CatalogTable = {
    contentId: Int32Array.from(order, (i) => contentId[i]!),
    seasonId: Int32Array.from(order, (i) => seasonId[i]!),
    showId: Float64Array.from(order, (i) => showIds[episodeShow[i]!]!),
    showTitle: Array.from(order, (i) => titles[i]!),
    category: Array.from(order, (i) => categories[i]!),
    releaseDate: Int32Array.from(order, (i) => release[i]!),
    expiryDate: Int32Array.from(order, (i) => expiry[i] ?? 0),
    expiryValid: Uint8Array.from(order, (i) => (expiry[i] === null ? 0 : 1)),
    avod: Uint8Array.from(order, (i) => avod[i]!),
  };
  return {
    table,
    showCount,
    showIds,
    showCategory,
    showEpisodeSeconds,
    showHasAvod,
    episodeStart,
    episodeContentId: Int32Array.from(contentId),
    episodeRelease: Int32Array.from(release),
  };
}
