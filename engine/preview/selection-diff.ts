import { groupOffsets } from '../../kernels/group-offsets.js';
import { SCENARIOS } from '../config/config-types.js';
import { RECS_PER_PROFILE, STATUS_SEND, STATUSES, TREATMENTS } from '../phases/phase-params.js';
import type { SideRun } from './preview-side.js';
import type { ChangeKind, CountChange, SendChanges, ShowMove, ShowMoves, Transitions } from './preview-types.js';

/** Shows listed as gained, and as lost. */
export const SHOW_LIMIT = 20;
export const NOT_SELECTED = 'not_selected';
export const NO_SCENARIO = 'none';

/** The change kinds as bits of an account's change mask, in decision-chain order. */
export const CHANGE_KINDS: readonly ChangeKind[] = ['entered', 'left', 'segment', 'treatment', 'profile', 'scenario', 'show', 'status'];
const bit = (kind: ChangeKind): number => 1 << CHANGE_KINDS.indexOf(kind);

const SCENARIO_LABELS = [...SCENARIOS, NO_SCENARIO, NOT_SELECTED];
const STATUS_LABELS = [...STATUSES, NOT_SELECTED];
/** Transition cells: old × new scenario label, old × new status label, show changed or not. */
const CELLS = SCENARIO_LABELS.length ** 2 * STATUS_LABELS.length ** 2 * 2;

export interface SelectionDiff {
  transitions: Transitions;
  sends: SendChanges;
  shows: ShowMoves;
  /** Per account, the CHANGE_KINDS bits that changed; 0 when unchanged or selected on neither side. */
  changeMask: Uint8Array;
  /** Changed accounts grouped by transition cell (cells largest first, accounts ascending): cell k is accounts[offsets[k]..offsets[k+1]]. */
  cells: { offsets: Int32Array; accounts: Int32Array };
}

/** Per account, what the selection row of one side holds, as codes (-1: no row, or no scenario/show). */
interface SideCodes {
  scenarioLabel: Uint8Array;
  statusLabel: Uint8Array;
  show: Int32Array;
  /** Segment as an index into the merged segment names of both sides. */
  segment: Int32Array;
  region: Int32Array;
}

/**
 * Compares the two sides' selections account by account (SPEC §10 selection rows: profile,
 * segment, treatment, scenario, show, status): transition counts and matrices, `send` accounts per
 * scenario, segment, treatment and region, and sends per show. Accounts, profiles and shows have
 * the same indexes on both sides: they come from the same tables, whatever the config.
 */
export function diffSelections(old: SideRun, neu: SideRun): SelectionDiff {
  const A = old.model.accountCount;
  if (neu.model.accountCount !== A || neu.model.profileCount !== old.model.profileCount || neu.model.showCount !== old.model.showCount) {
    throw new Error('preview: the two loads disagree on accounts, profiles or shows');
  }
  const segmentNames = union(old.params.segmentNames, neu.params.segmentNames);
  const regionNames = union(old.regionNames, neu.regionNames).sort();
  const o = sideCodes(old, segmentNames, regionNames);
  const n = sideCodes(neu, segmentNames, regionNames);
  const ro = old.results;
  const rn = neu.results;

  const scenarioMatrix = square(SCENARIO_LABELS.length);
  const statusMatrix = square(STATUS_LABELS.length);
  const changeMask = new Uint8Array(A);
  const cellOf = new Int32Array(A);
  const kindCounts = new Int32Array(CHANGE_KINDS.length);
  let accounts = 0;
  let changed = 0;
  for (let a = 0; a < A; a++) {
    const inOld = ro.accountProfile[a]! >= 0;
    const inNew = rn.accountProfile[a]! >= 0;
    if (!inOld && !inNew) continue;
    accounts++;
    scenarioMatrix[o.scenarioLabel[a]!]![n.scenarioLabel[a]!]!++;
    statusMatrix[o.statusLabel[a]!]![n.statusLabel[a]!]!++;
    let mask = 0;
    if (!inOld) mask = bit('entered');
    else if (!inNew) mask = bit('left');
    else {
      if (o.segment[a] !== n.segment[a]) mask |= bit('segment');
      if (ro.accountTreatment[a] !== rn.accountTreatment[a]) mask |= bit('treatment');
      if (ro.accountProfile[a] !== rn.accountProfile[a]) mask |= bit('profile');
      if (o.scenarioLabel[a] !== n.scenarioLabel[a]) mask |= bit('scenario');
      if (o.show[a] !== n.show[a]) mask |= bit('show');
      if (o.statusLabel[a] !== n.statusLabel[a]) mask |= bit('status');
    }
    changeMask[a] = mask;
    if (mask === 0) continue;
    changed++;
    for (let k = 0; k < CHANGE_KINDS.length; k++) if ((mask & (1 << k)) !== 0) kindCounts[k]!++;
    const scenarioCell = o.scenarioLabel[a]! * SCENARIO_LABELS.length + n.scenarioLabel[a]!;
    const statusCell = o.statusLabel[a]! * STATUS_LABELS.length + n.statusLabel[a]!;
    cellOf[a] = ((scenarioCell * STATUS_LABELS.length ** 2 + statusCell) << 1) | (o.show[a] !== n.show[a] ? 1 : 0);
  }
  const count = (kind: ChangeKind): number => kindCounts[CHANGE_KINDS.indexOf(kind)]!;
  const transitions: Transitions = {
    accounts,
    changed,
    statusChanged: count('status'),
    scenarioChanged: count('scenario'),
    showChanged: count('show'),
    profileChanged: count('profile'),
    segmentChanged: count('segment'),
    treatmentChanged: count('treatment'),
    entered: count('entered'),
    left: count('left'),
    scenario: { old: SCENARIO_LABELS, new: SCENARIO_LABELS, counts: scenarioMatrix },
    status: { old: STATUS_LABELS, new: STATUS_LABELS, counts: statusMatrix },
  };
  return { transitions, ...sendChanges(old, neu, o, n, segmentNames, regionNames), changeMask, cells: changedCells(changeMask, cellOf) };
}

function sideCodes(side: SideRun, segmentNames: readonly string[], regionNames: readonly string[]): SideCodes {
  const { model, results, params } = side;
  const A = model.accountCount;
  const P = model.profileCount;
  const segmentIndex = params.segmentNames.map((s) => segmentNames.indexOf(s));
  const regionIndex = side.regionNames.map((r) => regionNames.indexOf(r));
  const codes: SideCodes = { scenarioLabel: new Uint8Array(A), statusLabel: new Uint8Array(A), show: new Int32Array(A).fill(-1), segment: new Int32Array(A).fill(-1), region: new Int32Array(A).fill(-1) };
  for (let a = 0; a < A; a++) {
    const p = results.accountProfile[a]!;
    if (p < 0) {
      codes.scenarioLabel[a] = SCENARIO_LABELS.length - 1;
      codes.statusLabel[a] = STATUS_LABELS.length - 1;
      continue;
    }
    const s = results.accountScenario[a]!;
    codes.scenarioLabel[a] = s < 0 ? SCENARIOS.length : s;
    codes.statusLabel[a] = results.accountStatus[a]!;
    // The chosen show is rank 1 of the chosen scenario (SPEC §7).
    if (s >= 0) codes.show[a] = results.recShow[(s * P + p) * RECS_PER_PROFILE]!;
    codes.segment[a] = segmentIndex[results.accountSegment[a]!]!;
    codes.region[a] = regionIndex[model.profileRegion[p]!]!;
  }
  return codes;
}

/** `send` accounts per scenario, segment, treatment, region and show, on each side. */
function sendChanges(old: SideRun, neu: SideRun, o: SideCodes, n: SideCodes, segmentNames: readonly string[], regionNames: readonly string[]): { sends: SendChanges; shows: ShowMoves } {
  const S = old.model.showCount;
  const tally = (side: SideRun, codes: SideCodes): { total: number; scenario: Int32Array; segment: Int32Array; treatment: Int32Array; region: Int32Array; show: Int32Array } => {
    const t = { total: 0, scenario: new Int32Array(SCENARIOS.length), segment: new Int32Array(segmentNames.length), treatment: new Int32Array(TREATMENTS.length), region: new Int32Array(regionNames.length), show: new Int32Array(S) };
    const r = side.results;
    for (let a = 0, A = side.model.accountCount; a < A; a++) {
      if (r.accountProfile[a]! < 0 || r.accountStatus[a] !== STATUS_SEND) continue;
      t.total++;
      t.scenario[codes.scenarioLabel[a]!]!++;
      t.segment[codes.segment[a]!]!++;
      t.treatment[r.accountTreatment[a]!]!++;
      t.region[codes.region[a]!]!++;
      t.show[codes.show[a]!]!++;
    }
    return t;
  };
  const before = tally(old, o);
  const after = tally(neu, n);
  const rows = (keys: readonly string[], b: Int32Array, a: Int32Array, keepEmpty: boolean): CountChange[] =>
    keys.map((key, i) => ({ key, before: b[i]!, after: a[i]! })).filter((r) => keepEmpty || r.before > 0 || r.after > 0);
  const sends: SendChanges = {
    total: { before: before.total, after: after.total },
    scenario: rows(SCENARIOS, before.scenario, after.scenario, true),
    rfm_segment: rows(segmentNames, before.segment, after.segment, false),
    treatment: rows(TREATMENTS, before.treatment, after.treatment, true),
    region: rows(regionNames, before.region, after.region, false),
  };
  const { labels } = neu;
  const moves: ShowMove[] = [];
  for (let s = 0; s < S; s++) {
    if (before.show[s] !== after.show[s]) moves.push({ showId: labels.showIds[s]!, title: labels.showTitles[s]!, category: labels.showCategories[s]!, before: before.show[s]!, after: after.show[s]! });
  }
  const largest = (sign: 1 | -1) => (x: ShowMove, y: ShowMove): number => sign * (y.after - y.before - (x.after - x.before)) || x.showId - y.showId;
  // Shows are in id order, so the first of equal counts is the smallest id.
  let most = -1;
  for (let s = 0; s < S; s++) if (after.show[s]! > 0 && (most < 0 || after.show[s]! > after.show[most]!)) most = s;
  return {
    sends,
    shows: {
      changed: moves.length,
      gained: moves.filter((m) => m.after > m.before).sort(largest(1)).slice(0, SHOW_LIMIT),
      lost: moves.filter((m) => m.after < m.before).sort(largest(-1)).slice(0, SHOW_LIMIT),
      mostSent: most < 0 ? null : { showId: labels.showIds[most]!, title: labels.showTitles[most]!, category: labels.showCategories[most]!, before: before.show[most]!, after: after.show[most]! },
    },
  };
}

/** The changed accounts grouped by transition cell, cells renumbered largest first (ties: cell order). */
function changedCells(changeMask: Uint8Array, cellOf: Int32Array): { offsets: Int32Array; accounts: Int32Array } {
  const sizes = new Int32Array(CELLS);
  const changed: number[] = [];
  for (let a = 0; a < changeMask.length; a++) {
    if (changeMask[a] === 0) continue;
    changed.push(a);
    sizes[cellOf[a]!]!++;
  }
  const used = [...sizes.keys()].filter((c) => sizes[c]! > 0).sort((x, y) => sizes[y]! - sizes[x]! || x - y);
  const rank = new Int32Array(CELLS);
  used.forEach((c, i) => (rank[c] = i));
  const accounts = Int32Array.from(changed);
  const keys = new Int32Array(accounts.length);
  for (let i = 0; i < accounts.length; i++) keys[i] = rank[cellOf[accounts[i]!]!]!;
  const { offsets, order } = groupOffsets(keys, used.length);
  for (let i = 0; i < order.length; i++) order[i] = accounts[order[i]!]!;
  return { offsets, accounts: order };
}

function square(n: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}

/** `a` then the names of `b` not in `a`, in their orders. */
function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
