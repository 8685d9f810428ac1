import { ineligibleLabel, scenarioLabel, segmentLabel, statusLabel, treatmentLabel } from '../labels/human-labels.js';
import { count, plural } from '../labels/plain-numbers.js';
import type { Exclusion, Explanation, PoolMiss, PoolMissReason, ProfileExplanation, RollupCandidate, ScenarioExplanation, SelectionExplanation } from './explanation.js';

/**
 * The explanation as a CRM manager reads it: the outcome and why first, in words, then the
 * profiles table, then each eligible profile's scenarios (only the focus profile's with
 * `--profile`). Machine names stay in the JSON; here they are labels.
 */
export function formatExplanation(e: Explanation): string {
  const a = e.account;
  const lines = [
    `account ${a.accountId} · crm_id ${a.crmId ?? '(none)'} · campaign ${e.date} · run ${e.runId}`,
    `  plan ${a.plan} · country ${a.country} · push consent ${a.pushOptIn ? 'yes' : 'no'}`,
    '',
    ...outcome(e),
    '',
    ...profileTable(e),
  ];
  const detailed = e.profiles.filter((p) => p.eligible && (e.focusProfileId === null || p.profileId === e.focusProfileId));
  const shownPools = new Set<string>();
  for (const p of detailed) lines.push('', ...profileDetail(p, p.profileId === e.selection?.profileId, shownPools));
  const focus = e.profiles.find((p) => p.profileId === e.focusProfileId);
  if (focus !== undefined && !focus.eligible) lines.push('', `profile ${focus.profileId} is not eligible (${ineligibleLabel(focus.ineligibleReason!)}): no scenario applies to it; it still counts as a pool viewer`);
  lines.push('', e.discrepancies.length === 0 ? "the run's files agree with this explanation" : `the run's files DISAGREE with this recomputation:`);
  lines.push(...e.discrepancies.map((d) => `  ${d}`), ...e.warnings.map((w) => `warning: ${w}`));
  return lines.join('\n');
}

function outcome(e: Explanation): string[] {
  const { rfm, rollup, selection: s } = e;
  const r = rfm.rDays === null ? 'no play' : `last play ${plural(rfm.rDays, 'day')} ago`;
  const rule = rfm.segmentRule === null ? 'no rule of rfm.segments matched' : `rule ${rfm.segmentRule + 1} of rfm.segments`;
  const segmentLine = `segment ${segmentLabel(rfm.segment)} (${rule}) · R ${rfm.r} (${r}) · F ${rfm.f} (${plural(rfm.fDays, 'active day')} in 30) · M ${rfm.m} (${rfm.mHours.toFixed(1)} watch hours)`;
  const treatmentWhy = rfm.treatmentReason === 'avod_plan' ? ' (AVOD plan)' : rfm.treatmentReason === 'avod_segment' ? ' (segment listed in selection.avod_segments)' : '';
  const treatmentLine = `treatment ${treatmentLabel(rfm.treatment)}${treatmentWhy}`;
  if (s === null) {
    const reason = e.profiles.some((p) => p.eligible) ? 'no eligible profile has a recommendation' : 'no profile is eligible';
    return [`outcome: not selected — ${reason}, so the household gets no push`, `  ${segmentLine}`, `  ${treatmentLine}`];
  }
  const show = s.showId === null ? 'no show' : `"${s.title}" (show ${s.showId})`;
  const from = s.scenario === null ? '' : ` from ${scenarioLabel(s.scenario)}`;
  const measure = { primary: 'most watch time in the history window', dominant: 'most active days in the last 28', last_active: 'latest play' }[rollup.method];
  const candidates = rollup.candidates.map((c) => `${c.profileId} ${candidateValue(rollup.method, c)}${c.profileId === rollup.chosenProfileId ? ' ← chosen' : c.competes ? '' : ' (no recommendation)'}`).join('; ');
  return [
    `outcome: ${statusLabel(s.status)} — ${show}${from}, for profile ${s.profileId}`,
    `  why ${statusLabel(s.status).toLowerCase()}: ${statusReason(e, s)}`,
    `  why ${s.scenario === null ? 'no scenario' : scenarioLabel(s.scenario)}: ${scenarioReason(s)}`,
    `  why this profile: ${measure} (rollup ${rollup.method}${rollup.tieBrokenById ? ', a tie: smallest profile id' : ''}): ${candidates}`,
    `  ${segmentLine}`,
    `  ${treatmentLine}`,
  ];
}

function candidateValue(method: string, c: RollupCandidate): string {
  if (c.value === null) return 'no plays';
  if (method === 'primary') return `${count(Number(c.value))} s`;
  if (method === 'dominant') return plural(Number(c.value), 'active day');
  return `last play ${c.value}`;
}

/** The control-group draw in words: "in the 10% control group (hash 412 of 10,000 < 1,000)". */
function holdoutText(s: SelectionExplanation): string {
  const share = `${(s.holdoutBps / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
  const inside = s.holdoutHash < s.holdoutBps;
  return `${inside ? 'in' : 'not in'} the ${share} control group (hash ${count(s.holdoutHash)} of 10,000 ${inside ? '<' : '≥'} ${count(s.holdoutBps)})`;
}

function statusReason(e: Explanation, s: SelectionExplanation): string {
  const sent = `${plural(e.account.sends7d, 'send')} in the last 7 days`;
  const cap = s.maxSends7d === null ? 'no frequency cap' : `${sent}, under the cap of ${count(s.maxSends7d)}`;
  switch (s.status) {
    case 'frequency_capped':
      return `${sent}, at or over the cap of ${count(s.maxSends7d ?? 0)} (selection.max_sends_7d)`;
    case 'no_candidates':
      return `no scenario allowed for this household has a show (${walkText(s)})`;
    case 'holdout':
      return `${holdoutText(s)}: selected but never sent, so that the report can measure lift`;
    default:
      return `${holdoutText(s)} · ${cap}`;
  }
}

function walkText(s: SelectionExplanation): string {
  return s.tried.map((t) => `${scenarioLabel(t.scenario)} had ${t.rows === 0 ? 'no show' : plural(t.rows, 'show')}`).join(' → ') + (s.scenario === null ? ' → none' : '');
}

function scenarioReason(s: SelectionExplanation): string {
  const preferred = scenarioLabel(s.preferred);
  let why: string;
  if (s.basis === 'avod_treatment') why = `ad-supported (AVOD) households are only sent ${preferred}`;
  else if (s.basis === 'calendar') why = `the calendar rotation gives ${preferred} today (selection.rotation entry ${s.basisValue === null ? '?' : s.basisValue + 1})`;
  else if (s.basisValue === null) why = `no play in the history window → ${preferred}`;
  else {
    const band = s.basisValue <= 7 ? '7 days or less' : s.basisValue <= 30 ? '8 to 30 days' : 'more than 30 days';
    why = `last play ${plural(s.basisValue, 'day')} ago (${band}) → ${preferred}`;
  }
  return `${why}; ${walkText(s)}`;
}

function profileTable(e: Explanation): string[] {
  const header = ['profile', 'eligible', 'cluster', 'region', 'watch time', 'last play', 'days ago', 'active days (28)'];
  const rows = e.profiles.map((p) => [
    `${p.profileId}${p.profileId === e.focusProfileId ? ' *' : ''}`,
    p.eligible ? 'yes' : `no: ${ineligibleLabel(p.ineligibleReason!)}`,
    p.clusterId === null ? '-' : String(p.clusterId),
    p.region,
    `${count(p.watchSecondsTotal)} s`,
    p.lastPlayDate ?? '-',
    p.daysSinceLastPlay === null ? '-' : count(p.daysSinceLastPlay),
    count(p.activeDays28),
  ]);
  return ['profiles:', ...table([header, ...rows]).map((l) => `  ${l}`)];
}

/** `shownPools` keeps a group's pool misses to the first profile of that group (they are the group's, not the profile's). */
function profileDetail(p: ProfileExplanation, chosen: boolean, shownPools: Set<string>): string[] {
  const out = [`profile ${p.profileId}${chosen ? ' (chosen by the rollup)' : ''}`];
  for (const s of p.scenarios) out.push(...scenarioDetail(s, shownPools));
  return out;
}

const NOT_APPLIED = { disabled: 'turned off in the config', no_cluster: 'the profile has no viewing cluster', svod_treatment: 'only for ad-supported (AVOD) households' };

/** Why a show the pool's group watched is not in the pool, as a count heading. */
const MISS_COUNTS: Readonly<Record<PoolMissReason, string>> = {
  unavailable: 'unavailable on the date',
  not_avod_available: 'without an available AVOD episode',
  category_filter: 'left out by the category filter',
  below_min_viewers: 'with too few viewers',
  outside_pool_size: 'beyond the pool size',
};

function scenarioDetail(s: ScenarioExplanation, shownPools: Set<string>): string[] {
  const name = scenarioLabel(s.scenario);
  if (s.notApplied !== null) return [`  ${name}: not applied (${NOT_APPLIED[s.notApplied]})`];
  const pool =
    s.pool === null
      ? ''
      : ` · ${s.pool.groupKind} ${s.pool.group} pool: ${count(s.pool.shows)} of ${count(s.pool.poolSize)} shows, each with ≥ ${plural(s.pool.minViewers, 'viewer')} in the last ${plural(s.pool.windowDays, 'day')}`;
  const out = [`  ${name}${pool}: ${s.top.length === 0 ? 'no show' : plural(s.top.length, 'show')}`];
  const rows = s.top.map((t) => [
    String(t.rank),
    String(t.showId),
    t.title,
    String(t.score),
    t.poolRank === null ? `${count(t.watchSeconds ?? 0)} s watched${t.newEpisode === true ? ', ×2 for a new episode' : ''}` : `pool #${t.poolRank}, ${plural(t.viewers ?? 0, 'viewer')}`,
  ]);
  out.push(...table(rows).map((l) => `    ${l}`));
  if (s.excluded.length > 0) {
    out.push('    passed over:');
    const ex = s.excluded.map((x) => [String(x.showId), x.title, x.poolRank === null ? '' : `pool #${x.poolRank}`, x.reasons.map(exclusionText).join('; ')]);
    out.push(...table(ex).map((l) => `      ${l}`));
    if (s.moreExcluded > 0) out.push(`      … ${count(s.moreExcluded)} more`);
  }
  const poolKey = `${s.scenario}:${s.pool?.group}`;
  if (s.notInPool.length > 0 && shownPools.has(poolKey)) out.push('    not in the pool: as above');
  else if (s.notInPool.length > 0) {
    shownPools.add(poolKey);
    const counts = (Object.entries(s.notInPoolCounts) as [PoolMissReason, number][]).map(([reason, n]) => `${count(n)} ${MISS_COUNTS[reason]}`);
    out.push(`    watched in the ${s.pool!.groupKind} but not in the pool (${counts.join(', ')}); the most watched:`);
    out.push(...table(s.notInPool.map((m) => [String(m.showId), m.title, plural(m.viewers, 'viewer'), missText(m, s.pool!.poolSize)])).map((l) => `      ${l}`));
  }
  return out;
}

/** Texts of the reasons shared by exclusions and pool misses. */
const SHOW_REASONS = { unavailable: 'unavailable on the date', not_avod_available: 'no available AVOD episode', no_unplayed_episode: 'no unplayed available episode left' };

function exclusionText(x: Exclusion): string {
  switch (x.reason) {
    case 'watched':
      return `already watched (last play ${x.lastPlayDate})`;
    case 'recently_sent':
      return `sent on ${x.sendDate}, inside the dedup window (${x.source === 'ledger' ? 'delivery ledger' : 'sends table'})`;
    case 'category_filter':
      return `category ${x.category} left out by the filter`;
    default:
      return SHOW_REASONS[x.reason];
  }
}

function missText(m: PoolMiss, poolSize: number): string {
  switch (m.reason) {
    case 'below_min_viewers':
      return `too few viewers (${count(m.viewers)}, needs ${count(m.minViewers ?? 0)})`;
    case 'outside_pool_size':
      return `beyond the pool size (rank ${count(m.poolRank ?? 0)} of ${count(poolSize)} kept)`;
    case 'category_filter':
      return `category ${m.category} left out by the filter`;
    default:
      return SHOW_REASONS[m.reason];
  }
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
