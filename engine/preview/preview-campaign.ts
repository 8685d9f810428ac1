import { randomBytes } from 'node:crypto';
import { isStorageUrl } from '../../io/storage/storage-url.js';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDay, tryParseDay } from '../dates.js';
import { CampaignError } from '../errors.js';
import { createShardRunner } from '../pool/shard-runner.js';
import type { ProgressListener } from '../progress.js';
import { readRunInputs } from '../run/load-inputs.js';
import { phase, startRun } from '../run/run-context.js';
import type { RunCampaignOptions, RunContext } from '../run/run-context.js';
import { ENGINE_VERSION } from '../version.js';
import { accountSelection, changeReason } from './change-reasons.js';
import { configChanges, resolvePreviewConfigs } from './preview-configs.js';
import type { SideConfig } from './preview-configs.js';
import { runSide } from './preview-side.js';
import type { SideRun } from './preview-side.js';
import type { CampaignPreview, ChangedAccount, PreviewCampaignOptions, PreviewSide } from './preview-types.js';
import { pickVaried, sampleChanges } from './sample-changes.js';
import { CHANGE_KINDS, diffSelections } from './selection-diff.js';
import { DEFAULT_MAX_TITLE_SHARE, previewWarnings } from './preview-warnings.js';
import { inputsFor, reloadKeys } from './shared-load.js';

const DEFAULT_SAMPLE = 20;
/** Accounts whose reasons are worked out per account in the sample. */
const OVERSAMPLE = 10;

/** A reason without its numbers and region: "holiday boost ×# moved show # above # in the trending pool". */
function reasonKind(reason: string): string {
  return reason.replace(/ of region \S+/g, '').replace(/\d+/g, '#');
}

/**
 * Runs the date under the candidate config and under the one it would replace, from one load of
 * the inputs, and compares the two selections (`campaign preview`). Both runs are the engine's own
 * phases, validated like a nightly run's; with `scratchDir` they are written there as whole run
 * directories, never published, delivered or used as a drift baseline. The published runs and the
 * ledger are only read: no lock is taken, nothing is written under `outDir` or the state directory,
 * the ledger is not purged. Configs and options are checked before any input is read.
 */
export async function previewCampaign(options: PreviewCampaignOptions): Promise<CampaignPreview> {
  const started = performance.now();
  parseDay(options.date, 'campaign date');
  const configs = resolvePreviewConfigs(options);
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE;
  if (!Number.isInteger(sampleSize) || sampleSize < 0) throw new CampaignError('BAD_OPTION', `sampleSize must be a whole number ≥ 0, got ${sampleSize}`);
  const maxTitleShare = options.maxTitleShare ?? DEFAULT_MAX_TITLE_SHARE;
  if (!(maxTitleShare > 0 && maxTitleShare <= 1)) throw new CampaignError('BAD_OPTION', `maxTitleShare must be a share above 0 and at most 1, got ${maxTitleShare}`);
  const dataDirOption = options.dataDir ?? configs.runDataDir;
  if (dataDirOption === undefined || dataDirOption === null) throw new CampaignError('BAD_OPTION', 'a dataset directory is required: no run compared against names one');
  const dataDir = isStorageUrl(dataDirOption) ? dataDirOption : resolve(dataDirOption);
  const stateDir = options.stateDir !== undefined ? resolve(options.stateDir) : configs.outDir !== null ? join(configs.outDir, 'state') : null;
  const sideOptions = (name: 'old' | 'new', side: SideConfig, scratch: string): RunCampaignOptions => ({
    dataDir,
    date: options.date,
    outDir: join(scratch, name),
    config: side.base,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.deltaVersions === undefined ? {} : { deltaVersions: options.deltaVersions }),
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    ...(options.allowExternalPaths === undefined ? {} : { allowExternalPaths: options.allowExternalPaths }),
    ...(stateDir === null ? {} : { stateDir }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: tagged(options.onProgress, name),
  });
  const scratch = planScratch(options.scratchDir, configs.outDir, stateDir);
  // Judged against the published runs; files written only when they are kept.
  const sideRun = (name: 'old' | 'new', side: SideConfig): RunContext => {
    const run = startRun(sideOptions(name, side, scratch.dir));
    return { ...run, scratch: { driftRoot: configs.outDir ?? run.outDir, writeFiles: scratch.keep } };
  };
  const oldRun = sideRun('old', configs.old);
  const newRun = sideRun('new', configs.new);

  scratch.create();
  const timingsMs: Record<string, number> = {};
  const runner = createShardRunner(oldRun.workers);
  const stopWorkers = (): void => runner.abort();
  options.signal?.addEventListener('abort', stopWorkers, { once: true });
  let done = false;
  try {
    const reload = reloadKeys(oldRun.config, newRun.config);
    // One load serves both runs unless the configs differ in a key the load reads.
    const loadRun: RunContext = reload.length === 0 ? { ...oldRun, emit: tagged(options.onProgress, 'shared') } : oldRun;
    const oldInput = await phase(loadRun, 'load', (counter) => readRunInputs(loadRun, runner, counter), 'rows', 0);
    timingsMs['load'] = oldRun.timingsMs['load']!;
    const oldSide = await timed(timingsMs, 'old', () => runSide(oldRun, runner, oldInput));
    const newInput = reload.length === 0 ? inputsFor(oldInput, newRun.config) : await phase(newRun, 'load', (counter) => readRunInputs(newRun, runner, counter), 'rows', 0);
    if (reload.length > 0) timingsMs['reload'] = newRun.timingsMs['load']!;
    const newSide = await timed(timingsMs, 'new', () => runSide(newRun, runner, newInput));

    const compareStart = performance.now();
    const diff = diffSelections(oldSide, newSide);
    // Reasons for several times the sample, then one per kind of reason in turn: a change that
    // moves few accounts is shown beside the one that moves most.
    const candidates: ChangedAccount[] = [...sampleChanges(diff.cells, sampleSize * OVERSAMPLE)].map((a) => {
      const changes = CHANGE_KINDS.filter((_, k) => (diff.changeMask[a]! & (1 << k)) !== 0);
      return { accountId: newSide.labels.accountIds[a]!, old: accountSelection(oldSide, a), new: accountSelection(newSide, a), changes, reason: changeReason(oldSide, newSide, a, changes) };
    });
    const sample = pickVaried(candidates, sampleSize, (c) => reasonKind(c.reason));
    timingsMs['compare'] = Math.round(performance.now() - compareStart);
    timingsMs['total'] = Math.round(performance.now() - started);
    done = true;
    return {
      date: options.date,
      dataDir,
      engineVersion: ENGINE_VERSION,
      old: previewSide(oldSide, oldRun, configs.old),
      new: previewSide(newSide, newRun, configs.new),
      configChanges: configChanges(oldRun.config, newRun.config),
      load: { shared: reload.length === 0, reloadedFor: reload },
      inputWarnings: oldInput.loaded.warnings,
      scratchDir: scratch.keep ? scratch.dir : null,
      transitions: diff.transitions,
      sends: diff.sends,
      shows: diff.shows,
      sample,
      warnings: previewWarnings(diff.sends, diff.shows, maxTitleShare),
      drift: { old: oldSide.drift, new: newSide.drift },
      timingsMs,
    };
  } finally {
    options.signal?.removeEventListener('abort', stopWorkers);
    await runner.close();
    scratch.close(done);
  }
}

function previewSide(side: SideRun, run: RunContext, config: SideConfig): PreviewSide {
  return {
    source: config.source,
    activeOverrides: run.effective.activeOverrides,
    effectiveConfig: run.config,
    runId: side.runId,
    runDir: side.outputDir,
    counts: side.counts,
    freshness: side.freshness,
    timingsMs: run.timingsMs,
  };
}

function tagged(listener: ProgressListener | undefined, run: string): ProgressListener {
  return listener === undefined ? () => undefined : (event) => listener({ ...event, run });
}

async function timed<T>(timings: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  timings[name] = Math.round(performance.now() - start);
  return result;
}

interface Scratch {
  dir: string;
  keep: boolean;
  create(): void;
  /** Removes a temp directory always, a kept one's runs only when the preview failed. */
  close(succeeded: boolean): void;
}

/**
 * The scratch directory, checked but not yet created: a temp path (the runs keep no files), or the caller's,
 * which must be new or empty and must not sit where published runs or the ledger are read (the
 * output root itself or one of its date directories, the state directory).
 */
function planScratch(dir: string | undefined, outDir: string | null, stateDir: string | null): Scratch {
  if (dir === undefined) {
    const temp = join(tmpdir(), `campaign-preview-${process.pid}-${randomBytes(6).toString('hex')}`);
    // Nothing is written when nothing is kept; the directory only exists if something wrote into it after all.
    return { dir: temp, keep: false, create: () => undefined, close: () => rmSync(temp, { recursive: true, force: true }) };
  }
  const target = resolve(dir);
  const inside = (root: string | null): string | null => {
    if (root === null) return null;
    const rel = relative(root, target);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)) ? rel : null;
  };
  const underOut = inside(outDir);
  if (underOut !== null && (underOut === '' || tryParseDay(underOut.split(sep)[0]!) !== null)) {
    throw new CampaignError('BAD_OPTION', `scratch directory ${target} is inside the published runs of ${outDir}: choose another`);
  }
  if (inside(stateDir) !== null) throw new CampaignError('BAD_OPTION', `scratch directory ${target} is inside the state directory ${stateDir}: choose another`);
  const existed = existsSync(target);
  if (existed && readdirSync(target).length > 0) throw new CampaignError('BAD_OPTION', `scratch directory ${target} is not empty: a preview writes only into a new or empty directory`);
  return {
    dir: target,
    keep: true,
    create: () => mkdirSync(target, { recursive: true }),
    close: (succeeded) => {
      if (succeeded) return;
      for (const side of ['old', 'new']) rmSync(join(target, side), { recursive: true, force: true });
      if (!existed) rmSync(target, { recursive: true, force: true });
    },
  };
}
