import { formatDay } from '../dates.js';
import { RECS_PER_PROFILE } from '../phases/phase-params.js';
import type { Exclusion, ExcludedShow, PoolMiss, RankedShow } from './explanation.js';
import type { GroupPool } from './group-pools.js';
import type { PlayedShow } from './play-facts.js';
import type { SentShow } from './send-history.js';
import type { ShowFacts } from './show-facts.js';

/** What a profile's scenario produced and what it passed over. */
export interface WalkResult {
  top: RankedShow[];
  excluded: ExcludedShow[];
  moreExcluded: number;
}

/** What the profile itself did with a show: the per-profile exclusions every scenario applies (SPEC §5). */
function personalExclusions(showId: number, played: ReadonlyMap<number, PlayedShow>, sent: ReadonlyMap<number, SentShow>, includeWatched: boolean): Exclusion[] {
  const reasons: Exclusion[] = [];
  const p = played.get(showId);
  if (includeWatched && p !== undefined) reasons.push({ reason: 'watched', lastPlayDate: formatDay(p.lastDay) });
  const s = sent.get(showId);
  if (s !== undefined) reasons.push({ reason: 'recently_sent', sendDate: formatDay(s.sendDay), source: s.source });
  return reasons;
}

/** A pooled scenario: the first 5 pool shows neither watched nor recently sent, and every pool show passed over on the way. */
export function walkPool(pool: GroupPool, played: ReadonlyMap<number, PlayedShow>, sent: ReadonlyMap<number, SentShow>, shows: ReadonlyMap<number, ShowFacts>): WalkResult {
  const top: RankedShow[] = [];
  const excluded: ExcludedShow[] = [];
  for (const e of pool.entries) {
    if (top.length === RECS_PER_PROFILE) break;
    const title = shows.get(e.showId)!.title;
    const reasons = personalExclusions(e.showId, played, sent, true);
    if (reasons.length > 0) excluded.push({ showId: e.showId, title, score: e.score, poolRank: e.poolRank, reasons });
    else top.push({ rank: top.length + 1, showId: e.showId, title, score: e.score, viewers: e.viewers, poolRank: e.poolRank, watchSeconds: null, newEpisode: null });
  }
  return { top, excluded, moreExcluded: 0 };
}

export function poolMisses(pool: GroupPool, minViewers: number, shows: ReadonlyMap<number, ShowFacts>): PoolMiss[] {
  return pool.misses.map((m) => {
    const show = shows.get(m.showId)!;
    return { showId: m.showId, title: show.title, category: show.category, viewers: m.viewers, reason: m.reason, minViewers: m.reason === 'below_min_viewers' ? minViewers : null, poolRank: m.poolRank };
  });
}

/**
 * SPEC §5 re-engagement over the shows the profile played: a candidate still has an available
 * episode the profile has not played; base = its watch seconds on the show, doubled when an
 * unplayed available episode is new; score = base × boost. Category filter and recent sends exclude.
 * Exclusions are listed by the profile's watch seconds, at most `limit`.
 */
export function walkReEngagement(played: ReadonlyMap<number, PlayedShow>, sent: ReadonlyMap<number, SentShow>, shows: ReadonlyMap<number, ShowFacts>, limit: number): WalkResult {
  const candidates: RankedShow[] = [];
  const excluded: { show: ExcludedShow; watchSeconds: number }[] = [];
  for (const [showId, p] of played) {
    const show = shows.get(showId)!;
    const newEpisode = p.playedNew < show.newEpisodes;
    const score = (newEpisode ? p.watchSeconds * 2 : p.watchSeconds) * show.boost;
    let reasons: Exclusion[];
    if (show.availableEpisodes === 0) reasons = [{ reason: 'unavailable' }];
    else if (p.playedAvailable >= show.availableEpisodes) reasons = [{ reason: 'no_unplayed_episode' }];
    else {
      reasons = show.allowed.re_engagement ? [] : [{ reason: 'category_filter', category: show.category }];
      reasons.push(...personalExclusions(showId, played, sent, false));
    }
    if (reasons.length > 0) {
      const candidate = reasons[0]!.reason !== 'unavailable' && reasons[0]!.reason !== 'no_unplayed_episode';
      excluded.push({ show: { showId, title: show.title, score: candidate ? score : null, poolRank: null, reasons }, watchSeconds: p.watchSeconds });
    } else {
      candidates.push({ rank: 0, showId, title: show.title, score, viewers: null, poolRank: null, watchSeconds: p.watchSeconds, newEpisode });
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.showId - b.showId);
  const top = candidates.slice(0, RECS_PER_PROFILE).map((c, i) => ({ ...c, rank: i + 1 }));
  excluded.sort((a, b) => b.watchSeconds - a.watchSeconds || a.show.showId - b.show.showId);
  return { top, excluded: excluded.slice(0, limit).map((e) => e.show), moreExcluded: Math.max(0, excluded.length - limit) };
}
