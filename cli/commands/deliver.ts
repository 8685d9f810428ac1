import { parseArgs } from 'node:util';
import { effectiveConfig, loadConfigFile } from '../../engine/config/resolve-config.js';
import { tryParseDay } from '../../engine/dates.js';
import { DeliveryError } from '../../engine/errors.js';
import { deliverRun } from '../../io/clevertap/deliver-run.js';
import type { DeliveryProgress, DeliverySummary } from '../../io/clevertap/delivery-types.js';
import type { Command } from '../command.js';
import { optionError } from '../options.js';

const usage = `usage: campaign deliver --out DIR --date YYYY-MM-DD [--state DIR] [--config FILE]
                        [--dry-run] [--retry-dead-letters] [--json]

Sends the date's 'send' records (<out>/<date>/payloads.ndjson) to CleverTap's Upload API and
records every outcome in the delivery ledger (--state, default <out>/state). Re-running resumes:
accepted records are never sent again. Delivery settings come from --config, else from the
run manifest's effective config.

  --dry-run             validate the run files and count what would be sent; send nothing
  --retry-dead-letters  also re-attempt the date's dead-lettered and held records
  --json                print the summary as JSON

Credentials (never printed): CLEVERTAP_ACCOUNT_ID, CLEVERTAP_PASSCODE, and CLEVERTAP_REGION
(in1, us1, eu1, …; empty = global) or CLEVERTAP_ENDPOINT (full base URL, wins over the region).
Exit status: 0 when every record has an outcome (dead letters included), 1 when the delivery
stopped early (circuit open, bad credentials) or was interrupted; the ledger is intact either way.`;

const PROGRESS_EVERY_MS = 5000;

function formatSummary(s: DeliverySummary): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines = [
    `delivery ${s.campaign_date}${s.run_id === null ? '' : ` (run ${s.run_id})`}${s.dry_run ? ' — dry run, nothing sent' : ` to ${s.endpoint}`}`,
    `  records ${n(s.records)} · already accepted ${n(s.already_accepted)} · ${s.dry_run ? 'would send' : 'to send'} ${n(s.to_send)}`,
  ];
  if (!s.dry_run) {
    lines.push(`  accepted ${n(s.accepted)} · dead-lettered ${n(s.dead_letter.total)} · pending ${n(s.pending)} · in flight ${n(s.in_flight)}`);
    for (const [reason, count] of Object.entries(s.dead_letter.by_reason)) lines.push(`    dead letter ×${n(count)}: ${reason}`);
    lines.push(`  requests ${n(s.requests)} · retries ${n(s.retries)} · 429s ${n(s.rate_limited)} · ambiguous answers ${n(s.ambiguous_responses)}`);
  }
  const r = s.recovered_in_flight;
  if (r.resent + r.held > 0) lines.push(`  in flight from an interrupted delivery: ${n(r.resent)} re-sent, ${n(r.held)} held (in_flight_policy ${s.in_flight_policy})`);
  if (s.retried_dead_letters > 0) lines.push(`  dead letters re-attempted: ${n(s.retried_dead_letters)}`);
  const l = s.ledger;
  lines.push(`  ledger: ${n(l.accepted)} accepted, ${n(l.dead_letter)} dead letters, ${n(l.held)} held, ${n(l.pending)} pending, ${n(l.in_flight)} in flight`);
  if (!s.dry_run) {
    const p = s.phases_ms;
    const sec = (ms: number): string => (ms / 1000).toFixed(1);
    lines.push(`  wall ${sec(s.wall_ms)} s (validate ${sec(p.validate)}, ledger ${sec(p.ledger)}, send ${sec(p.send)}, compact ${sec(p.compact)}) · ${n(s.records_per_second)} records/s`);
  }
  if (s.stopped !== null) lines.push(`  STOPPED: ${s.stopped}`);
  if (l.dead_letter + l.held > 0) lines.push(`  list them: campaign dead-letters --date ${s.campaign_date} …`);
  return lines.join('\n');
}

function progressLine(p: DeliveryProgress): string {
  return `deliver ${p.campaign_date}: ${p.accepted}/${p.to_send} accepted, ${p.dead_letter} dead, ${p.pending} pending, ${p.in_flight} in flight, ${p.retries} retries, ${p.rate_limited} 429s (${(p.elapsed_ms / 1000).toFixed(0)} s)`;
}

export const deliverCommand: Command = {
  name: 'deliver',
  summary: "send a date's payloads to CleverTap, resuming from the delivery ledger",
  usage,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          out: { type: 'string' },
          date: { type: 'string' },
          state: { type: 'string' },
          config: { type: 'string' },
          'dry-run': { type: 'boolean', default: false },
          'retry-dead-letters': { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (err) {
      return optionError((err as Error).message, usage);
    }
    if (values.out === undefined) return optionError('--out is required', usage);
    if (values.date === undefined) return optionError('--date is required', usage);
    if (tryParseDay(values.date) === null) return optionError(`--date must be a calendar date YYYY-MM-DD, got '${values.date}'`, usage);
    const date = values.date;
    const config = values.config === undefined ? undefined : effectiveConfig(loadConfigFile(values.config), date).config.delivery;

    // Ctrl-C / SIGTERM stop cleanly: requests still out stay in_flight for the next delivery's policy.
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastProgress = performance.now();
    try {
      const summary = await deliverRun({
        outDir: values.out,
        date,
        ...(values.state === undefined ? {} : { stateDir: values.state }),
        ...(config === undefined ? {} : { config }),
        dryRun: values['dry-run'],
        retryDeadLetters: values['retry-dead-letters'],
        signal: abort.signal,
        onProgress: (p) => {
          if (performance.now() - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = performance.now();
          console.error(progressLine(p));
        },
      });
      console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      return 0;
    } catch (err) {
      // The summary of a delivery that stopped early is still the user's best account of it.
      if (err instanceof DeliveryError && err.summary !== undefined) {
        const summary = err.summary as DeliverySummary;
        console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
