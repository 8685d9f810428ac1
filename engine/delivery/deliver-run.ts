import { join, resolve } from 'node:path';
import type { DeliveryConfig } from '../config/config-types.js';
import { deliverySchema } from '../config/config-schema.js';
import { defaultConfig } from '../config/default-config.js';
import { validateValue } from '../config/validate-config.js';
import { parseDay } from '../dates.js';
import { driftGate } from '../drift/drift-gate.js';
import type { DriftResult } from '../drift/drift-types.js';
import { AbortedError, DeliveryError, deliveryInputError, RunDirError } from '../errors.js';
import { acquireRunLock } from '../output/run-lock.js';
import { recoverRunDir } from '../output/staging-dir.js';
import { runDirOf } from '../run-dir/run-layout.js';
import { mergeDeliveryIntoManifest, readManifest } from '../run-dir/run-manifest.js';
import type { StoredManifest } from '../run-dir/run-manifest.js';
import { DateLedger } from '../../io/ledger/date-ledger.js';
import type { LedgerTable } from '../../io/ledger/ledger-table.js';
import { openForReading } from '../../io/ledger/read-accepted-sends.js';
import { acquireStateLock } from '../../io/ledger/state-lock.js';
import { checkCredentials, credentialsFromEnv } from '../../io/clevertap/credentials.js';
import { DeliveryLoop } from './delivery-loop.js';
import type { LoopStats } from './delivery-loop.js';
import { planDelivery } from './delivery-plan.js';
import { PublishedRunGuard } from './published-run-guard.js';
import type { DeliveryPlan } from './delivery-plan.js';
import type { DeliverOptions, DeliverySummary } from './delivery-types.js';
import { loadRunRecords } from './run-records.js';
import { UploadClient } from '../../io/clevertap/upload-client.js';

/** The ledger directory used when none is given: `<out>/state`. */
export function defaultStateDir(outDir: string): string {
  return join(outDir, 'state');
}

function deliveryConfigOf(manifest: StoredManifest, given: DeliveryConfig | undefined): DeliveryConfig {
  const fromManifest = (manifest.effective_config as { delivery?: Partial<DeliveryConfig> } | undefined)?.delivery;
  const config: DeliveryConfig = { ...defaultConfig().delivery, ...(given ?? fromManifest ?? {}) };
  const problems = validateValue(config, deliverySchema, 'delivery', false);
  if (problems.length > 0) throw deliveryInputError(problems.join('; '));
  return config;
}

/** The run's manifest; a missing or damaged one is a DeliveryError, as every unusable input of a delivery is. */
function manifestToDeliver(runDir: string): StoredManifest {
  try {
    return readManifest(runDir);
  } catch (err) {
    if (!(err instanceof RunDirError)) throw err;
    throw deliveryInputError(err.code === 'NO_RUN' ? `${err.message}; is ${runDir} the output of a run?` : err.message);
  }
}

function ledgerCounts(table: LedgerTable): DeliverySummary['ledger'] {
  const c = table.countByStatus();
  return { accepted: c.accepted, dead_letter: c.dead_letter, held: c.held, pending: c.pending, in_flight: c.in_flight };
}

interface SummaryParts {
  date: string;
  runId: string | null;
  driftAccepted: DriftResult | null;
  config: DeliveryConfig;
  endpoint: string | null;
  records: number;
  plan: DeliveryPlan;
  stats: LoopStats | null;
  ledger: DeliverySummary['ledger'];
  wallMs: number;
  phases: DeliverySummary['phases_ms'];
}

function summarize(p: SummaryParts): DeliverySummary {
  const s = p.stats;
  const accepted = s?.accepted ?? 0;
  const dead = s?.deadLetter ?? 0;
  const byCount = (counts: Map<string, number> | undefined): Record<string, number> => Object.fromEntries([...(counts ?? new Map<string, number>())].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return {
    campaign_date: p.date,
    run_id: p.runId,
    dry_run: s === null,
    endpoint: p.endpoint,
    in_flight_policy: p.config.in_flight_policy,
    drift_accepted: p.driftAccepted === null ? null : { baseline: p.driftAccepted.baseline, reasons: p.driftAccepted.reasons },
    records: p.records,
    already_accepted: p.plan.alreadyAccepted,
    to_send: p.plan.toSend.length,
    accepted,
    dead_letter: { total: dead, by_reason: byCount(s?.deadByReason) },
    held: { total: s?.held ?? 0, by_reason: byCount(s?.heldByReason) },
    unknown_outcomes: s?.unknownOutcomes ?? 0,
    possible_duplicates: s === null ? p.plan.possibleDuplicates : p.plan.possibleDuplicates + s.possibleDuplicates,
    recovered_in_flight: { resent: p.plan.resent, held: p.plan.held },
    retried_dead_letters: p.plan.retriedDeadLetters,
    pending: s === null ? p.plan.toSend.length : s.pending,
    in_flight: s?.inFlight ?? 0,
    requests: s?.requests ?? 0,
    retries: s?.retries ?? 0,
    rate_limited: s?.rateLimited ?? 0,
    ambiguous_responses: s?.ambiguous ?? 0,
    stopped: s?.stopped ?? null,
    ledger: p.ledger,
    wall_ms: Math.round(p.wallMs),
    phases_ms: p.phases,
    records_per_second: p.wallMs > 0 ? Math.round(((accepted + dead) * 1000) / p.wallMs) : 0,
  };
}

/**
 * Delivers the `send` records of `<outDir>/<date>/` to CleverTap's Upload API, resuming from the
 * ledger in `stateDir`: accepted records are never sent again, pending ones are sent, and records
 * a dead delivery left in flight follow `delivery.in_flight_policy`. Inputs are validated in full
 * before anything is sent. The summary is merged into the run manifest under `delivery`.
 *
 * Throws DeliveryError (with `summary`) when the delivery stopped early — bad credentials, an
 * endpoint that keeps failing, an exhausted retry budget — after recording every outcome; running
 * it again resumes. Throws AbortedError (with `summary`) when `signal` fired, once the requests
 * out have been answered or timed out (or cut by `cutSignal`) and recorded. Dead letters are an outcome, not an
 * error: they are in the summary and `campaign dead-letters`. Throws DriftError, sending nothing,
 * when the run failed the drift guard and `acceptDrift` is not set.
 *
 * Holds the date's run lock (`<out>/.<D>.lock`, shared with `run`) from before it reads the run
 * until the summary is in its manifest: LockError while a run or another delivery of the date is
 * in progress. Should the published run change anyway, it stops with DeliveryError before the
 * next batch and does not touch the new run's manifest (PublishedRunGuard). A dry run takes no lock.
 */
export async function deliverRun(options: DeliverOptions): Promise<DeliverySummary> {
  parseDay(options.date, 'campaign date');
  if (options.dryRun === true) return deliverPublishedRun(options);
  // The date's run lock: no re-run of the date publishes while this delivery reads and sends.
  const outDir = resolve(options.outDir);
  const lease = options.lockLeaseMs === undefined ? {} : { leaseMs: options.lockLeaseMs };
  const lock = await acquireRunLock(outDir, options.date, `deliver ${options.date}`, lease);
  try {
    await recoverRunDir(outDir, options.date);
    // A lock taken over from under this delivery (its lease lapsed) stops it as an interrupt does.
    return await deliverPublishedRun({ ...options, signal: options.signal === undefined ? lock.lost : AbortSignal.any([options.signal, lock.lost]) });
  } finally {
    await lock.release();
  }
}

async function deliverPublishedRun(options: DeliverOptions): Promise<DeliverySummary> {
  const started = performance.now();
  const { outDir, date } = options;
  const runDir = runDirOf(outDir, date);
  const stateDir = options.stateDir ?? defaultStateDir(outDir);
  const guard = await PublishedRunGuard.capture(runDir, date);
  const manifest = manifestToDeliver(runDir);
  const driftAccepted = driftGate(manifest, runDir, options.acceptDrift === true);
  const config = deliveryConfigOf(manifest, options.config);
  const runId = typeof manifest.run_id === 'string' ? manifest.run_id : null;
  // Missing or unusable credentials, or a bad endpoint, fail before the (long) validation of a
  // large run, and before anything is journalled.
  const dryRun = options.dryRun === true;
  const credentials = dryRun ? null : (options.credentials ?? credentialsFromEnv());
  if (credentials !== null) checkCredentials(credentials);
  const run = await loadRunRecords(runDir, date, config.event_name);
  await guard.confirmRead(runId, options.runId);
  const phases = { validate: Math.round(performance.now() - started), ledger: 0, send: 0, compact: 0 };
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = Math.round(now - mark);
    mark = now;
    return ms;
  };

  if (credentials === null) {
    const ledger = await openForReading(stateDir, date);
    const plan = planDelivery(ledger.table, run, config.in_flight_policy, options.retryDeadLetters === true);
    return summarize({ date, runId, driftAccepted, config, endpoint: null, records: run.count, plan, stats: null, ledger: ledgerCounts(ledger.table), wallMs: performance.now() - started, phases });
  }

  const client = new UploadClient(credentials, config.concurrency, config.timeout_ms);
  let lock;
  try {
    lock = await acquireStateLock(stateDir, `deliver ${date}`, options.lockLeaseMs === undefined ? {} : { leaseMs: options.lockLeaseMs });
  } catch (err) {
    client.close();
    throw err;
  }
  let ledger: DateLedger | null = null;
  try {
    ledger = await DateLedger.open(stateDir, date, 'write');
    const plan = planDelivery(ledger.table, run, config.in_flight_policy, options.retryDeadLetters === true);
    await ledger.write(plan.before);
    await ledger.register(plan.register);
    phases.ledger = lap();
    const loop = new DeliveryLoop({
      campaignDate: date,
      endpoint: client.host,
      ledger,
      run,
      toSend: plan.toSend,
      config,
      uploader: guard.uploader(client),
      signal: options.signal === undefined ? guard.stopSignal : AbortSignal.any([options.signal, guard.stopSignal]),
      ...(options.cutSignal === undefined ? {} : { cutSignal: options.cutSignal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const stats = await loop.run();
    phases.send = lap();
    await ledger.compact();
    phases.compact = lap();
    const summary = summarize({ date, runId, driftAccepted, config, endpoint: client.host, records: run.count, plan, stats, ledger: ledgerCounts(ledger.table), wallMs: performance.now() - started, phases });
    await guard.checkBeforeRecording(summary);
    await mergeDeliveryIntoManifest(runDir, summary);
    if (stats.aborted) {
      throw new AbortedError(
        `delivery of ${date} interrupted: ${summary.accepted} accepted, ${summary.held.total} held, ${summary.pending} pending, ${summary.in_flight} in flight; the ledger is intact — run deliver again to resume`,
        summary,
      );
    }
    if (stats.stopped !== null) {
      throw new DeliveryError(
        `delivery of ${date} stopped: ${stats.stopped}. ${summary.accepted} accepted, ${summary.pending} pending, ${summary.in_flight} in flight; the ledger is intact — run deliver again to resume`,
        summary,
        stats.refused ? 'DELIVERY_INPUT' : 'DELIVERY',
      );
    }
    return summary;
  } finally {
    client.close();
    try {
      await ledger?.close();
    } finally {
      await lock.release();
    }
  }
}
