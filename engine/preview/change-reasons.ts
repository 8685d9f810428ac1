import { SCENARIOS } from '../config/config-types.js';
import type { ScenarioName } from '../config/config-types.js';
import { rollUp, selectScenario } from '../explain/account-decision.js';
import type { RankedShow, RollupExplanation, SelectionExplanation } from '../explain/explanation.js';
import type { ProfileActivity } from '../explain/play-facts.js';
import { SHOW_AVAILABLE, SHOW_AVOD_AVAILABLE } from '../model/campaign-model.js';
import { AVOD, CLUSTER, RE_ENGAGEMENT, RECS_PER_PROFILE, STATUSES, TREATMENTS } from '../phases/phase-params.js';
import type { Pool } from '../phases/pools.js';
import { holdoutBucket, treatmentReason } from '../rules/decision-rules.js';
import type { SideRun } from './preview-side.js';
import type { AccountSelection, ChangeKind } from './preview-types.js';

/**
 * One-line reasons for a changed account, in the terms `explain` uses and from its rules: the
 * scenario choice and fallback walk come from explain's `selectScenario`, the rollup from its
 * `rollUp`, treatment and holdout from the decision rules; pool and exclusion reasons follow
 * explain's order (unavailable, category filter, below min_viewers, outside pool_size; watched,
 * recently sent). Each side is read from its own model, results, pools and viewer counts, so a
 * reason states what the run did, never a second computation of it.
 */
export function changeReason(old: SideRun, neu: SideRun, a: number, changes: readonly ChangeKind[]): string {
  const has = (kind: ChangeKind): boolean => changes.includes(kind);
  if (has('entered')) return enteredReason(old, neu, a);
  if (has('left')) return leftReason(old, neu, a);
  const parts: string[] = [];
  if (has('segment')) parts.push(segmentReason(old, neu, a));
  if (has('treatment')) parts.push(treatmentChange(old, neu, a));
  if (has('profile')) parts.push(rollupReason(old, neu, a));
  if (has('scenario')) parts.push(scenarioReason(old, neu, a));
  else if (has('show') && !has('profile')) parts.push(showReason(old, neu, a));
  const statusOld = STATUSES[old.results.accountStatus[a]!]!;
  const statusNew = STATUSES[neu.results.accountStatus[a]!]!;
  // A status moving to or from no_candidates is the scenario walk's doing, said above.
  if (has('status') && statusOld !== 'no_candidates' && statusNew !== 'no_candidates') parts.push(statusReason(old, neu, a));
  return parts.length > 0 ? parts.join('; ') : 'the selection row changed';
}

/** The account's selection row on one side, or null when it did not reach rollup. */
export function accountSelection(side: SideRun, a: number): AccountSelection | null {
  const { results, labels, params, model } = side;
  const p = results.accountProfile[a]!;
  if (p < 0) return null;
  const s = results.accountScenario[a]!;
  const show = s < 0 ? -1 : results.recShow[(s * model.profileCount + p) * RECS_PER_PROFILE]!;
  return {
    profileId: labels.profileIds[p]!,
    segment: params.segmentNames[results.accountSegment[a]!]!,
    treatment: TREATMENTS[results.accountTreatment[a]!]!,
    scenario: s < 0 ? null : SCENARIOS[s]!,
    showId: show < 0 ? null : labels.showIds[show]!,
    title: show < 0 ? null : labels.showTitles[show]!,
    status: STATUSES[results.accountStatus[a]!]!,
  };
}

// --- explain's inputs, read from a side's results ---

function activity(side: SideRun, p: number): ProfileActivity {
  const d = side.results.profileLastDaysAgo[p]!;
  return { watchSeconds: side.results.profileSeconds[p]!, lastDay: d === 0 ? null : side.day - d, activeDays28: side.results.profileActiveDays28[p]! };
}

function rows(side: SideRun, scenario: number, p: number): number {
  return side.results.recCount[scenario * side.model.profileCount + p]!;
}

function top(side: SideRun, p: number): (scenario: ScenarioName) => RankedShow[] {
  const { results, labels, model } = side;
  return (name) => {
    const k = SCENARIOS.indexOf(name);
    const base = (k * model.profileCount + p) * RECS_PER_PROFILE;
    return Array.from({ length: rows(side, k, p) }, (_, r) => {
      const show = results.recShow[base + r]!;
      return { rank: r + 1, showId: labels.showIds[show]!, title: labels.showTitles[show]!, score: results.recScore[base + r]!, viewers: null, poolRank: null, watchSeconds: null, newEpisode: null };
    });
  };
}

function explainSelection(side: SideRun, a: number): SelectionExplanation {
  const p = side.results.accountProfile[a]!;
  return selectScenario(side.params, side.config, side.day, {
    accountId: side.labels.accountIds[a]!,
    profileId: side.labels.profileIds[p]!,
    activity: activity(side, p),
    treatment: TREATMENTS[side.results.accountTreatment[a]!]!,
    sends7d: side.model.accountSends7d[a]!,
    top: top(side, p),
  });
}

function rollupOf(side: SideRun, a: number): RollupExplanation {
  const { model, labels } = side;
  const eligible = [];
  for (let k = model.accountProfileOffsets[a]!; k < model.accountProfileOffsets[a + 1]!; k++) {
    const p = model.accountProfiles[k]!;
    if (model.profileIneligible[p] !== 0) continue;
    eligible.push({ profileId: labels.profileIds[p]!, activity: activity(side, p), hasRecommendations: SCENARIOS.some((_, s) => rows(side, s, p) > 0) });
  }
  return rollUp(side.config, side.params, side.day, eligible);
}

// --- the decision chain, first difference first ---

function enteredReason(old: SideRun, neu: SideRun, a: number): string {
  const p = neu.results.accountProfile[a]!;
  const gained = SCENARIOS.filter((_, k) => rows(neu, k, p) > 0 && rows(old, k, p) === 0);
  const why = gained.map((name) => (old.params.enabled[SCENARIOS.indexOf(name)] ? `${name} has rows now` : `${name} enabled`));
  return `reaches rollup now (no eligible profile had a recommendation before): ${why.join(', ') || 'new rows'} for profile ${neu.labels.profileIds[p]}`;
}

function leftReason(old: SideRun, neu: SideRun, a: number): string {
  const p = old.results.accountProfile[a]!;
  const lost = SCENARIOS.filter((_, k) => rows(old, k, p) > 0 && rows(neu, k, p) === 0);
  const why = lost.map((name) => {
    const k = SCENARIOS.indexOf(name);
    return neu.params.enabled[k] ? `${name} has no rows now${firstShowOut(old, neu, k, p)}` : `${name} disabled (scenarios.${name}.enabled: false)`;
  });
  return `no eligible profile has a recommendation now, so the account does not reach rollup: ${why.join(', ')} for profile ${old.labels.profileIds[p]}`;
}

function segmentReason(old: SideRun, neu: SideRun, a: number): string {
  const score = (side: SideRun): string => `R${side.results.accountR[a]} F${side.results.accountF[a]} M${side.results.accountM[a]}`;
  const name = (side: SideRun): string => side.params.segmentNames[side.results.accountSegment[a]!]!;
  const scores = score(old) === score(neu) ? `${score(neu)}, rfm.segments rules changed` : `${score(old)} → ${score(neu)}, rfm thresholds changed`;
  return `segment ${name(old)} → ${name(neu)} (${scores})`;
}

function treatmentChange(old: SideRun, neu: SideRun, a: number): string {
  const segment = neu.params.segmentNames[neu.results.accountSegment[a]!]!;
  const why = treatmentReason(neu.model.accountAvodPlan[a] === 1, neu.params.avodSegment[neu.results.accountSegment[a]!] === 1);
  const text = why === 'avod_segment' ? `${segment} is in selection.avod_segments` : why === 'svod' ? `${segment} is not in selection.avod_segments` : 'avod plan';
  return `treatment ${TREATMENTS[old.results.accountTreatment[a]!]} → ${TREATMENTS[neu.results.accountTreatment[a]!]} (${text})`;
}

function rollupReason(old: SideRun, neu: SideRun, a: number): string {
  const idOld = old.labels.profileIds[old.results.accountProfile[a]!]!;
  const idNew = neu.labels.profileIds[neu.results.accountProfile[a]!]!;
  const rollup = rollupOf(neu, a);
  const method = rollup.method;
  const value = (id: number): string => {
    const v = rollup.candidates.find((c) => c.profileId === id)?.value ?? null;
    if (v === null) return 'no plays';
    return method === 'primary' ? `${v} watch s` : method === 'dominant' ? `${v} active day${v === 1 ? '' : 's'} in 28` : `last play ${v}`;
  };
  const rule = method === old.config.rollup.method ? `rollup ${method}` : `rollup.method ${old.config.rollup.method} → ${method}`;
  const tie = rollup.tieBrokenById ? ', tie → smallest profile_id' : '';
  if (rollup.candidates.find((c) => c.profileId === idOld)?.competes !== true) return `profile ${idOld} has no recommendation now; ${rule} picks profile ${idNew} (${value(idNew)}${tie})`;
  return `${rule}: profile ${idNew} (${value(idNew)}) over ${idOld} (${value(idOld)}${tie})`;
}

function basisText(s: SelectionExplanation): string {
  if (s.basis === 'avod_treatment') return 'avod treatment';
  if (s.basis === 'calendar') return `calendar rotation[${s.basisValue}]`;
  return s.basisValue === null ? 'no plays' : `days_since_last_play ${s.basisValue}`;
}

function scenarioReason(old: SideRun, neu: SideRun, a: number): string {
  const before = explainSelection(old, a);
  const after = explainSelection(neu, a);
  const p = neu.results.accountProfile[a]!;
  const sameProfile = p === old.results.accountProfile[a];
  const why: string[] = [];
  if (before.preferred !== after.preferred) why.push(`prefers ${after.preferred} (${basisText(after)}) instead of ${before.preferred} (${basisText(before)})`);
  if (before.scenario !== null && sameProfile) {
    const k = SCENARIOS.indexOf(before.scenario);
    if (rows(neu, k, p) === 0) why.push(neu.params.enabled[k] ? `${before.scenario} has no rows now${firstShowOut(old, neu, k, p)}` : `${before.scenario} disabled (scenarios.${before.scenario}.enabled: false)`);
  }
  if (after.scenario !== null && sameProfile && rows(old, SCENARIOS.indexOf(after.scenario), p) === 0) why.push(`${after.scenario} has rows now`);
  const walk = after.tried.map((t) => `${t.scenario} ${t.rows} row${t.rows === 1 ? '' : 's'}`).join(' → ');
  const fallback = after.scenario !== null && after.scenario !== after.preferred ? ' (selection.fallback)' : '';
  return `${why.length > 0 ? `${why.join(', ')}: ` : ''}${walk} → ${after.scenario ?? 'none (no_candidates)'}${fallback}`;
}

/** Why the old first show of scenario k no longer reaches the profile, as ": show X …", or '' when it still would. */
function firstShowOut(old: SideRun, neu: SideRun, k: number, p: number): string {
  const x = old.results.recShow[(k * old.model.profileCount + p) * RECS_PER_PROFILE]!;
  const out = showOut(neu, k, p, x);
  return out === null ? '' : `: show ${neu.labels.showIds[x]} ${out}`;
}

function showReason(old: SideRun, neu: SideRun, a: number): string {
  const k = neu.results.accountScenario[a]!;
  const p = neu.results.accountProfile[a]!;
  const base = (k * neu.model.profileCount + p) * RECS_PER_PROFILE;
  const x = old.results.recShow[base]!;
  const y = neu.results.recShow[base]!;
  const idX = neu.labels.showIds[x];
  const idY = neu.labels.showIds[y];
  const name = SCENARIOS[k]!;
  const where = k === RE_ENGAGEMENT ? 'in re-engagement' : `in the ${name} pool ${groupText(neu, k, p)}`;
  const out = showOut(neu, k, p, x);
  if (out !== null) return `show ${idX} ${out}; ${idY} is next ${where}`;
  const wasOut = showOut(old, k, p, y);
  if (wasOut !== null) return `show ${idY} ${k === RE_ENGAGEMENT ? 'is a candidate' : `is in the ${name} pool ${groupText(neu, k, p)}`} above ${idX} now (before: ${wasOut})`;
  const catX = neu.labels.showCategories[x]!;
  const catY = neu.labels.showCategories[y]!;
  const boost = (side: SideRun, s: number): number => side.model.showBoost[s]!;
  if (boost(neu, y) !== boost(old, y)) return `${catY} boost ×${boost(neu, y)}${boost(old, y) === 1 ? '' : ` (was ×${boost(old, y)})`} moved show ${idY} above ${idX} ${where}`;
  if (boost(neu, x) !== boost(old, x)) return `${catX} boost ×${boost(neu, x)}${boost(old, x) === 1 ? '' : ` (was ×${boost(old, x)})`} moved show ${idX} below ${idY} ${where}`;
  if (k !== RE_ENGAGEMENT) {
    const v = (side: SideRun, s: number): number => viewersOf(side, k, p, s);
    if (v(neu, y) !== v(old, y) || v(neu, x) !== v(old, x)) {
      const window = neu.params.windowDays[k] === old.params.windowDays[k] ? '' : `with window_days ${neu.params.windowDays[k]} (was ${old.params.windowDays[k]}) `;
      return `${window}show ${idY} has ${v(neu, y)} viewers against ${v(neu, x)} for ${idX} (before: ${v(old, y)} against ${v(old, x)}) ${where}`;
    }
  }
  return `show ${idY} now ranks above ${idX} ${where}`;
}

function statusReason(old: SideRun, neu: SideRun, a: number): string {
  const from = STATUSES[old.results.accountStatus[a]!]!;
  const to = STATUSES[neu.results.accountStatus[a]!]!;
  const id = neu.labels.accountIds[a]!;
  if (from === 'frequency_capped' || to === 'frequency_capped') {
    const cap = (side: SideRun): string => String(side.config.selection.max_sends_7d ?? 'unset');
    const change = cap(old) === cap(neu) ? `max_sends_7d ${cap(neu)}` : `max_sends_7d ${cap(old)} → ${cap(neu)}`;
    return `${from} → ${to}: ${neu.model.accountSends7d[a]} sends in the last 7 days, ${change}`;
  }
  const hashOld = holdoutBucket(old.params.holdoutSalt, id);
  const hashNew = holdoutBucket(neu.params.holdoutSalt, id);
  const salt = old.params.holdoutSalt === neu.params.holdoutSalt ? '' : `holdout.salt ${old.params.holdoutSalt} → ${neu.params.holdoutSalt}, `;
  const hash = hashOld === hashNew ? `hash ${hashNew}` : `hash ${hashOld} → ${hashNew}`;
  const bps = old.params.holdoutBps === neu.params.holdoutBps ? `${neu.params.holdoutBps} bps` : `${neu.params.holdoutBps} bps (was ${old.params.holdoutBps})`;
  return `${from} → ${to}: ${salt}holdout ${hash} ${hashNew < neu.params.holdoutBps ? '<' : '≥'} ${bps}`;
}

// --- show-level facts of one side ---

function poolOf(side: SideRun, k: number): Pool {
  return k === CLUSTER ? side.pools.cluster : k === AVOD ? side.pools.avod : side.pools.trending;
}

function groupOf(side: SideRun, k: number, p: number): number {
  return k === CLUSTER ? side.model.profileCluster[p]! : side.model.profileRegion[p]!;
}

function groupText(side: SideRun, k: number, p: number): string {
  return k === CLUSTER ? "of the profile's cluster" : `of region ${side.regionNames[side.model.profileRegion[p]!]}`;
}

function viewersOf(side: SideRun, k: number, p: number, show: number): number {
  const matrix = k === CLUSTER ? side.viewers.cluster : k === AVOD ? side.viewers.avod : side.viewers.trending;
  return matrix[groupOf(side, k, p) * side.model.showCount + show]!;
}

function inPool(side: SideRun, k: number, p: number, show: number): boolean {
  const pool = poolOf(side, k);
  const g = groupOf(side, k, p);
  for (let i = pool.offsets[g]!; i < pool.offsets[g + 1]!; i++) if (pool.shows[i] === show) return true;
  return false;
}

function categoryFilter(side: SideRun, k: number, show: number): string {
  const name = SCENARIOS[k]!;
  const category = side.labels.showCategories[show]!;
  return side.config.scenarios[name].exclude_categories.includes(category) ? `scenarios.${name}.exclude_categories has ${category}` : `scenarios.${name}.include_categories lacks ${category}`;
}

/**
 * Why `show` would not be offered to profile p by scenario k on this side, or null when it would:
 * out of the pool (explain's pool-miss order), or excluded for the profile (watched, recently sent).
 */
function showOut(side: SideRun, k: number, p: number, show: number): string | null {
  const { model, params } = side;
  const S = model.showCount;
  if (k !== RE_ENGAGEMENT && !inPool(side, k, p, show)) {
    const need = k === AVOD ? SHOW_AVOD_AVAILABLE : SHOW_AVAILABLE;
    if ((model.showFlags[show]! & need) === 0) return k === AVOD ? 'has no available AVOD episode' : 'is unavailable on the date';
    if (model.showAllowed[k * S + show] === 0) return `is left out by the category filter (${categoryFilter(side, k, show)})`;
    const viewers = viewersOf(side, k, p, show);
    const pool = `the ${SCENARIOS[k]} pool ${groupText(side, k, p)}`;
    if (viewers < params.minViewers[k]!) return `is out of ${pool}: ${viewers} viewers in ${params.windowDays[k]} days < min_viewers ${params.minViewers[k]}`;
    return `is out of ${pool}: below the pool_size ${params.poolSize[k]} cut (${viewers} viewers)`;
  }
  if (model.showAllowed[k * S + show] === 0) return `is left out by the category filter (${categoryFilter(side, k, show)})`;
  for (let j = model.sentOffsets[p]!; j < model.sentOffsets[p + 1]!; j++) {
    if (model.sentShows[j] === show) return `was sent to profile ${side.labels.profileIds[p]} within the ${side.config.dedup_window_days}-day dedup window`;
  }
  if (k !== RE_ENGAGEMENT) {
    for (let i = model.playOffsets[p]!; i < model.playOffsets[p + 1]!; i++) {
      if (model.contentShow[model.playContent[i]!] === show) return `was watched by profile ${side.labels.profileIds[p]} in the ${side.config.history_days}-day history`;
    }
  }
  return null;
}
