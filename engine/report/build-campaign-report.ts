import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ledgerDates, listLedgerRecords } from '../../io/ledger/index.js';
import type { DeltaVersions } from '../../io/input/bind-tables.js';
import { INPUT_TABLES } from '../../io/input/input-schema.js';
import type { TableName } from '../../io/input/input-schema.js';
import { openDataset } from '../../io/input/open-dataset.js';
import { defaultConfig } from '../config/default-config.js';
import { resolveStorage } from '../config/storage-config.js';
import { findPublishedRuns } from '../run-dir/published-runs.js';
import type { PublishedRun } from '../run-dir/published-runs.js';
import { ENGINE_VERSION } from '../version.js';
import { liftAndBreakdowns, selectionCounts } from './assemble-report.js';
import { reportDates, reportError } from './report-dates.js';
import { ReportSession } from './report-session.js';
import type { CubeRow } from './report-session.js';
import type { CampaignReport, DateReport, OverlapRow } from './report-types.js';

export interface CampaignReportOptions {
  /** Output root holding the published runs `<outDir>/<D>/`. */
  outDir: string;
  /** Dataset (a directory or a URL) whose plays (now extending past the campaign dates) hold the outcomes. */
  dataDir: string;
  /** Object storage options over the environment's (docs/object-storage.md). */
  storage?: Readonly<Record<string, string>>;
  /** First and last campaign date, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  /** A conversion is a counted play of the recommended show in [D, D + windowDays). Default 7. */
  windowDays?: number;
  /** Below this many accounts in either group a lift is "too few accounts". Default 100. */
  minAccounts?: number;
  /** Delivery state (the ledger) for the delivered counts. Default `<outDir>/state`; absent → null. */
  stateDir?: string;
  /** As runCampaign's: directories a Delta log may name by absolute path, besides the dataset. */
  allowExternalPaths?: readonly string[];
  /** The report's `generated_at`; default now. */
  now?: Date;
}

export const DEFAULT_WINDOW_DAYS = 7;
export const DEFAULT_MIN_ACCOUNTS = 100;
export const MAX_WINDOW_DAYS = 365;

/**
 * Measures the campaigns of [from, to]: per date and pooled, accounts sent (`send`, intent to
 * treat) and held out (`holdout`), their conversions and the lift of sent over holdout with 95%
 * intervals, by scenario, RFM segment, treatment and region; plus segment sizes, scenario mix and
 * scenario overlap per date. Dates with no published run are listed in `missing_dates`.
 */
export async function buildCampaignReport(options: CampaignReportOptions): Promise<CampaignReport> {
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  const minAccounts = options.minAccounts ?? DEFAULT_MIN_ACCOUNTS;
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS) throw reportError(`window days must be a whole number from 1 to ${MAX_WINDOW_DAYS}, got ${windowDays}`);
  if (!Number.isInteger(minAccounts) || minAccounts < 1) throw reportError(`min accounts must be a whole number ≥ 1, got ${minAccounts}`);
  const outDir = resolve(options.outDir);
  const dates = reportDates(options.from, options.to);
  if (!existsSync(outDir)) throw reportError(`output root ${outDir} does not exist`);
  const { runs, missing } = findPublishedRuns(outDir, dates);
  if (runs.length === 0) throw reportError(`no published run under ${outDir} for any date from ${options.from} to ${options.to} (expected <out>/<date>/ directories written by 'campaign run')`);

  const stateDir = resolve(options.stateDir ?? join(outDir, 'state'));
  const dataset = await openDataset(options.dataDir, { storage: resolveStorage(defaultConfig(), options.storage), defaultCacheDir: join(stateDir, 'cache'), allowExternalPaths: options.allowExternalPaths ?? [] });
  const session = await ReportSession.open(dataset, reportDeltaVersions(runs));
  let cube: CubeRow[];
  let overlaps: OverlapRow[][];
  const complete = new Set<string>();
  try {
    await session.loadSelections(runs);
    await session.markConversions(windowDays);
    cube = await session.cube();
    overlaps = [];
    for (const run of runs) overlaps.push(overlapRows(run, await session.overlap(run)));
    // Latest date first: once one window is complete, every earlier one is too.
    for (let k = runs.length - 1; k >= 0; k--) {
      if (await session.hasPlayFrom(runs[k]!.day + windowDays)) {
        for (let j = 0; j <= k; j++) complete.add(runs[j]!.date);
        break;
      }
    }
  } finally {
    await session.close();
  }

  const ledgered = new Set(existsSync(stateDir) ? await ledgerDates(stateDir) : []);
  const byDate = new Map<string, CubeRow[]>(runs.map((r) => [r.date, []]));
  for (const row of cube) byDate.get(row.date)!.push(row);

  const reports: DateReport[] = [];
  for (const [k, run] of runs.entries()) {
    const rows = byDate.get(run.date)!;
    const counts = selectionCounts(rows);
    reports.push({
      date: run.date,
      run_id: run.runId,
      status: counts.status,
      delivered: ledgered.has(run.date) ? await deliveredCounts(stateDir, run.date) : null,
      window_complete: complete.has(run.date),
      ...liftAndBreakdowns(rows, minAccounts),
      segment_sizes: counts.segment_sizes,
      scenario_mix: counts.scenario_mix,
      overlap: overlaps[k]!,
    });
  }
  return {
    engine_version: ENGINE_VERSION,
    generated_at: (options.now ?? new Date()).toISOString(),
    from: options.from,
    to: options.to,
    conversion_window_days: windowDays,
    min_accounts: minAccounts,
    missing_dates: missing,
    dates: reports,
    overall: liftAndBreakdowns(cube, minAccounts),
  };
}

function overlapRows(run: PublishedRun, masks: { mask: number; profiles: number }[]): OverlapRow[] {
  const rows = masks.map(({ mask, profiles }) => ({ scenarios: run.scenarioFiles.filter((_, k) => (mask & (2 ** k)) !== 0).map((f) => f.scenario), profiles }));
  // Most profiles first; ties in the order of the scenario lists.
  return rows.sort((a, b) => b.profiles - a.profiles || a.scenarios.length - b.scenarios.length || (a.scenarios.join() < b.scenarios.join() ? -1 : 1));
}

async function deliveredCounts(stateDir: string, date: string): Promise<{ accepted: number; dead_letter: number }> {
  const records = await listLedgerRecords(stateDir, date, ['accepted', 'dead_letter']);
  let accepted = 0;
  for (const r of records) if (r.status === 'accepted') accepted++;
  return { accepted, dead_letter: records.length - accepted };
}

/**
 * The Delta versions the report reads: for every table but plays and tombstones, the version the
 * latest run of the range read (for a one-date report, exactly that run's), so a table that moved
 * on since does not change who was in which arm or region. Plays are read as they are now — the
 * conversions happen after the run — and so are tombstones, whose deletions apply now.
 */
function reportDeltaVersions(runs: readonly PublishedRun[]): DeltaVersions {
  const versions: DeltaVersions = {};
  for (const run of [...runs].sort((a, b) => a.day - b.day)) {
    for (const [table, version] of Object.entries(run.deltaVersions)) {
      if (table !== 'plays' && table !== 'tombstones' && table in INPUT_TABLES) versions[table as TableName] = version;
    }
  }
  return versions;
}
