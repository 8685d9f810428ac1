import type { Exclusion, Explanation, PoolMiss, ProfileExplanation, ScenarioExplanation, SelectionExplanation } from './explanation.js';

/**
 * The explanation as a CRM analyst reads it: the outcome and why first, then the profiles table,
 * then each eligible profile's scenarios (only the focus profile's with `--profile`).
 */
export function formatExplanation(e: Explanation): string {
  const a = e.account;
  const lines = [
    `account ${a.accountId} · campaign ${e.date} · run ${e.runId}`,
    `  crm_id ${a.crmId ?? '(none)'} · plan ${a.plan} · country ${a.country} · push opt-in ${a.pushOptIn ? 'yes' : 'no'}`,
    '',
    ...outcome(e),
    '',
    ...profileTable(e),
  ];
  const detailed = e.profiles.filter((p) => p.eligible && (e.focusProfileId === null || p.profileId === e.focusProfileId));
  const shownPools = new Set<string>();
  for (const p of detailed) lines.push('', ...profileDetail(p, p.profileId === e.selection?.profileId, shownPools));
  const focus = e.profiles.find((p) => p.profileId === e.focusProfileId);
  if (focus !== undefined && !focus.eligible) lines.push('', `profile ${focus.profileId} is not eligible (${focus.ineligibleReason}): no scenario applies to it; it still counts as a pool viewer`);
  lines.push('', e.discrepancies.length === 0 ? "the run's files agree with this explanation" : `the run's files DISAGREE with this recomputation:`);
  lines.push(...e.discrepancies.map((d) => `  ${d}`), ...e.warnings.map((w) => `warning: ${w}`));
  return lines.join('\n');
}

function outcome(e: Explanation): string[] {
  const { rfm, rollup, selection: s } = e;
  const rfmLine =
    `rfm: R ${rfm.rDays === null ? 'no plays' : plural(rfm.rDays, 'day')} → ${rfm.r} · F ${plural(rfm.fDays, 'active day')} → ${rfm.f} · M ${rfm.mHours.toFixed(1)} h → ${rfm.m}` +
    ` · segment ${rfm.segment}${rfm.segmentRule === null ? ' (no rule matched)' : ` (rule ${rfm.segmentRule + 1})`}` +
    ` · treatment ${rfm.treatment}${rfm.treatmentReason === 'avod_plan' ? ' (avod plan)' : rfm.treatmentReason === 'avod_segment' ? ' (segment in avod_segments)' : ''}`;
  if (s === null) {
    const reason = e.profiles.some((p) => p.eligible) ? 'no eligible profile has a recommendation' : 'no profile is eligible';
    return [`outcome: not in the selection — ${reason}, so the account does not reach rollup`, `  ${rfmLine}`];
  }
  const show = s.showId === null ? 'no show' : `show ${s.showId} "${s.title}"`;
  const measure = { primary: 'most watch_seconds_total', dominant: 'most active days in the last 28', last_active: 'latest last play' }[rollup.method];
  const candidates = rollup.candidates
    .map((c) => `${c.profileId} ${c.value ?? 'no plays'}${c.profileId === rollup.chosenProfileId ? ' ← chosen' : c.competes ? '' : ' (no recommendation)'}`)
    .join('; ');
  return [
    `outcome: ${s.status} — ${s.scenario ?? 'no scenario'} · ${show} · profile ${s.profileId}`,
    `  status: ${statusReason(e, s)}`,
    `  scenario: ${scenarioReason(s)}`,
    `  rollup (${rollup.method}: ${measure}${rollup.tieBrokenById ? ', tie → smallest profile_id' : ''}): ${candidates}`,
    `  ${rfmLine}`,
  ];
}

function statusReason(e: Explanation, s: SelectionExplanation): string {
  const cap = s.maxSends7d === null ? 'no frequency cap' : `${e.account.sends7d} sends in 7 days vs max_sends_7d ${s.maxSends7d}`;
  const holdout = `holdout hash ${s.holdoutHash} ${s.holdoutHash < s.holdoutBps ? '<' : '≥'} ${s.holdoutBps} bps`;
  switch (s.status) {
    case 'frequency_capped':
      return `frequency_capped (${cap})`;
    case 'no_candidates':
      return `no_candidates (no allowed scenario has a row; ${cap})`;
    default:
      return `${s.status} (${holdout}; ${cap})`;
  }
}

function scenarioReason(s: SelectionExplanation): string {
  const why =
    s.basis === 'avod_treatment'
      ? 'avod treatment only ever gets avod'
      : s.basis === 'calendar'
        ? `calendar rotation[${s.basisValue}]`
        : s.basisValue === null
          ? 'no plays'
          : `days_since_last_play ${s.basisValue}`;
  const walk = s.tried.map((t) => `${t.scenario} ${plural(t.rows, 'row')}`).join(' → ');
  return `prefers ${s.preferred} (${why}); ${walk}${s.scenario === null ? ' → none' : ` → ${s.scenario}`}`;
}

function profileTable(e: Explanation): string[] {
  const header = ['profile_id', 'eligible', 'cluster', 'region', 'watch_s', 'last_play', 'days', 'active28'];
  const rows = e.profiles.map((p) => [
    `${p.profileId}${p.profileId === e.focusProfileId ? ' *' : ''}`,
    p.eligible ? 'yes' : `no (${p.ineligibleReason})`,
    p.clusterId === null ? '-' : String(p.clusterId),
    p.region,
    String(p.watchSecondsTotal),
    p.lastPlayDate ?? '-',
    p.daysSinceLastPlay === null ? '-' : String(p.daysSinceLastPlay),
    String(p.activeDays28),
  ]);
  return ['profiles:', ...table([header, ...rows]).map((l) => `  ${l}`)];
}

/** `shownPools` keeps a group's pool misses to the first profile of that group (they are the group's, not the profile's). */
function profileDetail(p: ProfileExplanation, chosen: boolean, shownPools: Set<string>): string[] {
  const out = [`profile ${p.profileId}${chosen ? ' (chosen by the rollup)' : ''}`];
  for (const s of p.scenarios) out.push(...scenarioDetail(s, shownPools));
  return out;
}

function scenarioDetail(s: ScenarioExplanation, shownPools: Set<string>): string[] {
  if (s.notApplied !== null) {
    const why = { disabled: 'disabled in the config', no_cluster: 'the profile has no cluster', svod_treatment: 'only for avod-treatment accounts' }[s.notApplied];
    return [`  ${s.scenario}: not applied (${why})`];
  }
  const pool = s.pool === null ? '' : ` · ${s.pool.groupKind} ${s.pool.group} pool ${s.pool.shows}/${s.pool.poolSize} (min_viewers ${s.pool.minViewers}, ${s.pool.windowDays} days)`;
  const out = [`  ${s.scenario}${pool}: ${s.top.length === 0 ? 'no rows' : plural(s.top.length, 'row')}`];
  const rows = s.top.map((t) => [
    String(t.rank),
    String(t.showId),
    t.title,
    String(t.score),
    t.poolRank === null ? `${t.watchSeconds} s${t.newEpisode === true ? ' ×2 new episode' : ''}` : `pool #${t.poolRank}, ${t.viewers} viewers`,
  ]);
  out.push(...table(rows).map((l) => `    ${l}`));
  if (s.excluded.length > 0) {
    out.push('    passed over:');
    const ex = s.excluded.map((x) => [String(x.showId), x.title, x.poolRank === null ? '' : `pool #${x.poolRank}`, x.reasons.map(exclusionText).join('; ')]);
    out.push(...table(ex).map((l) => `      ${l}`));
    if (s.moreExcluded > 0) out.push(`      … ${s.moreExcluded} more`);
  }
  const poolKey = `${s.scenario}:${s.pool?.group}`;
  if (s.notInPool.length > 0 && shownPools.has(poolKey)) out.push('    not in the pool: as above');
  else if (s.notInPool.length > 0) {
    shownPools.add(poolKey);
    const counts = Object.entries(s.notInPoolCounts).map(([reason, n]) => `${n} ${reason}`);
    out.push(`    watched by the ${s.pool!.groupKind} but not in the pool (${counts.join(', ')}); the most watched:`);
    out.push(...table(s.notInPool.map((m) => [String(m.showId), m.title, `${m.viewers} viewers`, missText(m)])).map((l) => `      ${l}`));
  }
  return out;
}

/** Texts of the reasons shared by exclusions and pool misses. */
const SHOW_REASONS = { unavailable: 'unavailable on the date', not_avod_available: 'no available AVOD episode', no_unplayed_episode: 'no unplayed available episode' };

function exclusionText(x: Exclusion): string {
  switch (x.reason) {
    case 'watched':
      return `watched (last ${x.lastPlayDate})`;
    case 'recently_sent':
      return `recently sent ${x.sendDate} (${x.source === 'ledger' ? 'ledger' : 'sends table'})`;
    case 'category_filter':
      return `category filter (${x.category})`;
    default:
      return SHOW_REASONS[x.reason];
  }
}

function missText(m: PoolMiss): string {
  switch (m.reason) {
    case 'below_min_viewers':
      return `below min_viewers (${m.viewers} < ${m.minViewers})`;
    case 'outside_pool_size':
      return `outside pool_size (rank ${m.poolRank})`;
    case 'category_filter':
      return `category filter (${m.category})`;
    default:
      return SHOW_REASONS[m.reason];
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
