import { readFileSync } from 'node:fs';
import type { RunCounts } from '../run/run-counts.js';
import type { RunResources } from '../run/resource-meter.js';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/ledger/durable-files.js';
import type { CampaignConfig, EffectiveConfig } from '../config/config-types.js';
import type { DeliverySummary } from '../delivery/delivery-types.js';
import type { DriftResult } from '../drift/drift-types.js';
import type { FreshnessResult } from '../freshness/check-freshness.js';
import type { WorkerUseReport } from '../pool/worker-use.js';
import { RunDirError } from '../errors.js';
import type { DeltaInput, InputFile } from '../../io/input/table-files.js';
import type { TransferSummary } from '../../io/input/dataset.js';
import { isStorageUrl, localPath } from '../../io/storage/storage-url.js';
import { redactStorage } from '../config/storage-config.js';
import type { ValidationReport } from '../output/validate-outputs.js';
import type { PlaysCacheReport } from '../load/plays-cache.js';
import { ENGINE_VERSION } from '../version.js';
import { MANIFEST_FILE, PAYLOADS_FILE, SELECTION_FILE, scenarioFileName } from './run-layout.js';

/** `manifest.json` of a published run, as runCampaign writes it (SPEC §10); `delivery` is merged in by each delivery. */
export interface RunManifest {
  run_id: string;
  campaign_date: string;
  engine_version: string;
  effective_config: CampaignConfig;
  active_overrides: string[];
  /**
   * `dataset`: the directory (absolute) or URL read; `files`: each with its SHA-256 (and for a
   * remote dataset its URL, and the ETag of plain Parquet); `delta`: each Delta table's version and
   * live files (describeDeltaInputs); `transfer`: what was fetched from object storage.
   */
  inputs: { dataset: string; files: InputFile[]; delta: Record<string, DeltaInput>; ledger_accepted_sends: number; transfer?: TransferSummary };
  counts: RunCounts;
  /** What the run said although it went on (an empty required table); empty when nothing. */
  warnings: string[];
  outputs: { scenarios: Record<string, number>; [SELECTION_FILE]: number; [PAYLOADS_FILE]: number };
  validation: { passed: boolean; checks: readonly string[]; rows_checked: number; violations: string[] };
  timings_ms: Record<string, number>;
  /** CPU time and peak RSS per phase and for the run (engine/run/resource-meter.ts). */
  resources?: RunResources;
  workers: number;
  drift: DriftResult;
  /** The freshness and empty-campaign guard's verdict (config `freshness`). */
  freshness?: FreshnessResult;
  /** How busy the worker threads were, per phase (engine/pool/worker-use.ts). */
  worker_use?: WorkerUseReport;
  /** What the plays cache did: files reused, decoded and why (engine/load/plays-cache.ts); absent without a cache. */
  plays_cache?: PlaysCacheReport;
  delivery?: DeliverySummary;
}

/** A manifest read back from disk: the keys are known, the values unchecked (another version, or damage, may have written them). */
export type StoredManifest = { readonly [K in keyof RunManifest]?: unknown };

/** Rows written per output file, by scenario name for the scenario files. */
export interface WrittenOutputs {
  scenarios: Record<string, number>;
  selection: number;
  payloads: number;
}

export interface ManifestParts {
  runId: string;
  effective: EffectiveConfig;
  /** The dataset as the user named it (a relative directory is recorded absolute). */
  dataset: string;
  transfer: TransferSummary | null;
  inputFiles: InputFile[];
  deltaInputs: Record<string, DeltaInput>;
  ledgerRows: number;
  counts: RunCounts;
  warnings: string[];
  outputs: WrittenOutputs;
  validation: ValidationReport;
  timingsMs: Record<string, number>;
  resources?: RunResources;
  workers: number;
  drift: DriftResult;
  freshness?: FreshnessResult;
  workerUse?: WorkerUseReport;
  playsCache?: PlaysCacheReport | null;
  /** Kept from the published manifest when the same run is published again after a delivery. */
  delivery?: DeliverySummary;
}

export function buildManifest(p: ManifestParts): RunManifest {
  return {
    run_id: p.runId,
    campaign_date: p.effective.date,
    engine_version: ENGINE_VERSION,
    effective_config: redactStorage(p.effective.config),
    active_overrides: p.effective.activeOverrides,
    inputs: {
      dataset: isStorageUrl(p.dataset) ? p.dataset : resolve(localPath(p.dataset)),
      files: p.inputFiles,
      delta: p.deltaInputs,
      ledger_accepted_sends: p.ledgerRows,
      ...(p.transfer === null ? {} : { transfer: p.transfer }),
    },
    counts: p.counts,
    warnings: p.warnings,
    outputs: {
      scenarios: Object.fromEntries(Object.entries(p.outputs.scenarios).map(([k, v]) => [scenarioFileName(k), v])),
      [SELECTION_FILE]: p.outputs.selection,
      [PAYLOADS_FILE]: p.outputs.payloads,
    },
    validation: { passed: p.validation.violations.length === 0, checks: p.validation.checks, rows_checked: p.validation.rowsChecked, violations: p.validation.violations },
    timings_ms: p.timingsMs,
    ...(p.resources === undefined ? {} : { resources: p.resources }),
    workers: p.workers,
    drift: p.drift,
    ...(p.freshness === undefined ? {} : { freshness: p.freshness }),
    ...(p.workerUse === undefined ? {} : { worker_use: p.workerUse }),
    ...(p.playsCache == null ? {} : { plays_cache: p.playsCache }),
    ...(p.delivery === undefined ? {} : { delivery: p.delivery }),
  };
}

function manifestText(manifest: RunManifest | StoredManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Writes the manifest into a run directory being staged (publishing renames the whole directory). */
export async function writeManifest(runDir: string, manifest: RunManifest): Promise<void> {
  await writeFile(join(runDir, MANIFEST_FILE), manifestText(manifest));
}

/**
 * Reads `<runDir>/manifest.json`. A missing file is RunDirError `NO_RUN`; an unreadable file, bad
 * JSON or anything but an object is `BAD_RUN`. Either names the file (`path`) and says why (`reason`).
 */
export function readManifest(runDir: string): StoredManifest {
  const path = join(runDir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RunDirError(reason === 'ENOENT' ? 'NO_RUN' : 'BAD_RUN', path, reason, `${path}: cannot read the run manifest (${reason})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = `not valid JSON (${(err as Error).message})`;
    throw new RunDirError('BAD_RUN', path, reason, `${path}: ${reason}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RunDirError('BAD_RUN', path, 'not a JSON object', `${path}: not a JSON object`);
  return value as StoredManifest;
}

/** Sets the manifest's `delivery` key, atomically (temp file + rename): the manifest is never half-written. */
export async function mergeDeliveryIntoManifest(runDir: string, delivery: DeliverySummary): Promise<void> {
  const manifest = { ...readManifest(runDir), delivery };
  await writeFileAtomic(join(runDir, MANIFEST_FILE), [manifestText(manifest)]);
}
