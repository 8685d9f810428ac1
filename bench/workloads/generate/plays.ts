import { unknownContentId, type Catalog } from './catalog.js';
import type { Households } from './households.js';
import type { IdSpace } from './ids.js';
import { Rng } from './prng.js';
import { STREAM } from './streams.js';
import { pickShow, type Taste } from './taste.js';

const MS_PER_DAY = 86_400_000;
/** Lognormal plays per active profile: median ≈ 15, mean ≈ 35, a long tail of heavy viewers. */
const PLAYS_SIGMA = 1.3;
const PLAYS_MU = Math.log(35) - (PLAYS_SIGMA * PLAYS_SIGMA) / 2;
const MAX_PLAYS = 3000;
/** Noise rates out of 1024: ~0.2% plays of unknown profiles, ~0.5% of unknown content. */
const UNKNOWN_PROFILE_IN_1024 = 2;
const UNKNOWN_CONTENT_IN_1024 = 5;
/** Recency bands (last play N days before D): none at all, >90, 31–90, 8–30, 1–7. */
const BAND_NONE = 0.06;
const BAND_LAPSED = 0.16;
const BAND_QUARTER = 0.3;
const BAND_MONTH = 0.5;

/** One block of plays as column arrays; valid until the next `generate` call. */
export interface PlaysBlock {
  rows: number;
  profileId: Float64Array;
  contentId: Int32Array;
  ts: Float64Array;
  watchSeconds: Int32Array;
}

/**
 * Watch history, generated profile by profile from a per-profile random stream, so the result does
 * not depend on how profiles are split into blocks or files. Profiles get a recency band (every
 * band of SPEC §4.5 is present, including no plays at all), a heavy-tailed number of plays, and
 * binge sessions of consecutive released episodes of a show picked by cluster/region taste, often
 * a show they already watch. Noise the engine must drop is mixed in: short plays, plays of unknown
 * content or profiles, plays at or after D, and plays older than the history window, plus plays
 * exactly on the window boundaries.
 */
export class PlaysGenerator {
  private capacity = 0;
  private profileIdBuf = new Float64Array(0);
  private contentIdBuf = new Int32Array(0);
  private tsBuf = new Float64Array(0);
  private watchBuf = new Int32Array(0);
  private rows = 0;
  private readonly favourites = new Int32Array(8);

  constructor(
    private readonly seed: number,
    private readonly day: number,
    private readonly catalog: Catalog,
    private readonly taste: Taste,
    private readonly households: Households,
    private readonly ids: IdSpace,
  ) {}

  /** Plays of profiles [from, to), grouped by profile in profile-index order. */
  generate(from: number, to: number): PlaysBlock {
    this.rows = 0;
    this.ensure(Math.ceil((to - from) * 40));
    for (let p = from; p < to; p++) this.profile(p);
    const n = this.rows;
    return {
      rows: n,
      profileId: this.profileIdBuf.subarray(0, n),
      contentId: this.contentIdBuf.subarray(0, n),
      ts: this.tsBuf.subarray(0, n),
      watchSeconds: this.watchBuf.subarray(0, n),
    };
  }

  private profile(p: number): void {
    const rng = new Rng(this.seed, STREAM.plays, p);
    const band = rng.float();
    if (band < BAND_NONE) return;
    const h = this.households;
    const household = h.profileHousehold[p]!;
    const cluster = h.profileCluster[p]!;
    const region = h.profileRegion[p]!;
    const kids = h.profileKids[p] === 1;
    const avodPlan = h.accountAvod[household] === 1;
    const profileId = this.ids.profileId(p);

    const lastAgo = band < BAND_LAPSED ? rng.range(91, 400) : band < BAND_QUARTER ? rng.range(31, 90) : band < BAND_MONTH ? rng.range(8, 30) : 1 + Math.floor(7 * rng.float() ** 2);
    let remaining = Math.min(MAX_PLAYS, Math.max(1, Math.round(Math.exp(PLAYS_MU + PLAYS_SIGMA * rng.normal()))));
    const span = 7 + rng.int(150);
    let favouriteCount = 0;
    let first = true;
    while (remaining > 0) {
      const length = Math.min(remaining, 1 + rng.geometric(0.4));
      remaining -= length;
      // The first session pins the profile's last play day; the rest crowd towards it.
      const u = rng.float();
      const dayAgo = first ? lastAgo : lastAgo + Math.floor(span * u * u);
      first = false;
      let show = favouriteCount > 0 && rng.chance(0.45) ? this.favourites[rng.int(favouriteCount)]! : pickShow(this.taste, rng, cluster, region, kids, avodPlan);
      let released = this.releasedBy(show, this.day - dayAgo);
      for (let retry = 0; released === 0 && retry < 3; retry++) {
        show = pickShow(this.taste, rng, cluster, region, kids, avodPlan);
        released = this.releasedBy(show, this.day - dayAgo);
      }
      if (released === 0) continue;
      if (favouriteCount < this.favourites.length) this.favourites[favouriteCount++] = show;
      else this.favourites[rng.int(favouriteCount)] = show;
      // Evenings are prime time; a late binge may run past midnight into the next day (or into D).
      const startSecond = rng.chance(0.65) ? 64_800 + rng.int(21_600) : rng.int(86_400);
      this.session(rng, profileId, show, released, this.day - dayAgo, startSecond, length);
    }
    // Some recent viewers were already watching on the campaign date itself: future plays for the engine.
    if (lastAgo <= 7 && favouriteCount > 0 && rng.chance(0.03)) {
      const show = this.favourites[0]!;
      this.session(rng, profileId, show, this.releasedBy(show, this.day), this.day, rng.int(21_600), 1 + rng.int(3));
    }
    // Plays exactly on the edges of the history window and of D.
    if (favouriteCount > 0 && rng.chance(0.002)) {
      const edges = [(this.day - 90) * MS_PER_DAY, (this.day - 90) * MS_PER_DAY - 1, this.day * MS_PER_DAY, this.day * MS_PER_DAY - 1];
      const show = this.favourites[0]!;
      this.push(profileId, this.catalog.episodeContentId[this.catalog.episodeStart[show]!]!, edges[rng.int(edges.length)]!, 60 + rng.int(600));
    }
  }

  private session(rng: Rng, profileId: number, show: number, released: number, playDay: number, startSecond: number, length: number): void {
    const c = this.catalog;
    const first = c.episodeStart[show]!;
    const episodeSeconds = c.showEpisodeSeconds[show]!;
    let second = startSecond;
    const startEpisode = rng.chance(0.3) ? 0 : rng.int(released);
    const end = Math.min(released, startEpisode + length);
    for (let e = startEpisode; e < end; e++) {
      const watch = watchSeconds(rng.float(), episodeSeconds);
      // One 32-bit draw feeds the millisecond, the gap to the next episode and the rare noise rows.
      const bits = rng.nextU32();
      const noise = bits >>> 22;
      this.push(
        noise < UNKNOWN_PROFILE_IN_1024 ? this.ids.profileId(this.households.profileCount + rng.int(this.households.profileCount + 1)) : profileId,
        noise >= UNKNOWN_PROFILE_IN_1024 && noise < UNKNOWN_PROFILE_IN_1024 + UNKNOWN_CONTENT_IN_1024 ? unknownContentId(c, rng) : c.episodeContentId[first + e]!,
        playDay * MS_PER_DAY + second * 1000 + (bits % 1000),
        watch,
      );
      second += watch + 5 + (Math.floor(bits / 1000) % 600);
    }
  }

  /** Number of the show's episodes released on or before `day` (they are in release order). */
  private releasedBy(show: number, day: number): number {
    const release = this.catalog.episodeRelease;
    const start = this.catalog.episodeStart[show]!;
    let lo = start;
    let hi = this.catalog.episodeStart[show + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (release[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo - start;
  }

  private push(profileId: number, contentId: number, ts: number, watch: number): void {
    if (this.rows === this.capacity) this.ensure(Math.ceil(this.capacity * 1.5) + 1024);
    const i = this.rows++;
    this.profileIdBuf[i] = profileId;
    this.contentIdBuf[i] = contentId;
    this.tsBuf[i] = ts;
    this.watchBuf[i] = watch;
  }

  private ensure(capacity: number): void {
    if (capacity <= this.capacity) return;
    const grow = <T extends Float64Array | Int32Array>(old: T, next: T): T => {
      next.set(old.subarray(0, this.rows));
      return next;
    };
    this.profileIdBuf = grow(this.profileIdBuf, new Float64Array(capacity));
    this.contentIdBuf = grow(this.contentIdBuf, new Int32Array(capacity));
    this.tsBuf = grow(this.tsBuf, new Float64Array(capacity));
    this.watchBuf = grow(this.watchBuf, new Int32Array(capacity));
    this.capacity = capacity;
  }
}

/**
 * ~10% short plays (< 60 s, a few exactly 60 s), mostly full or partial episodes, a rare
 * left-running marathon. `u` picks the kind and, rescaled within it, the amount.
 */
function watchSeconds(u: number, episodeSeconds: number): number {
  if (u < 0.1) return Math.floor(u * 600);
  if (u < 0.103) return 60;
  if (u < 0.6) return Math.round(episodeSeconds * (0.9 + 0.1 * ((u - 0.103) / 0.497)));
  if (u < 0.995) return Math.max(60, Math.round(episodeSeconds * (0.03 + 0.87 * ((u - 0.6) / 0.395))));
  return Math.round(episodeSeconds * (2 + 6 * ((u - 0.995) / 0.005)));
}
