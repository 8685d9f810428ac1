import { AbortedError, DeliveryError } from '../engine/errors.js';
import { log } from './log.js';
import { deliverRun } from '../engine/delivery/deliver-run.js';
import type { DeliverOptions, DeliveryProgress, DeliverySummary } from '../engine/delivery/delivery-types.js';

const PROGRESS_EVERY_MS = 5000;

export function formatDeliverySummary(s: DeliverySummary): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines = [
    `delivery ${s.campaign_date}${s.run_id === null ? '' : ` (run ${s.run_id})`}${s.dry_run ? ' — dry run, nothing sent' : ` to ${s.endpoint}`}`,
    `  records ${n(s.records)} · already accepted ${n(s.already_accepted)} · ${s.dry_run ? 'would send' : 'to send'} ${n(s.to_send)}`,
  ];
  if (s.drift_accepted !== null) {
    lines.push(`  drift guard failed against the run of ${s.drift_accepted.baseline?.date}; accepted with --accept-drift:`, ...s.drift_accepted.reasons.map((reason) => `    ${reason}`));
  }
  if (!s.dry_run) {
    lines.push(`  accepted ${n(s.accepted)} · dead-lettered ${n(s.dead_letter.total)} · held ${n(s.held.total)} · pending ${n(s.pending)} · in flight ${n(s.in_flight)}`);
    for (const [reason, count] of Object.entries(s.dead_letter.by_reason)) lines.push(`    dead letter ×${n(count)}: ${reason}`);
    for (const [reason, count] of Object.entries(s.held.by_reason)) lines.push(`    held ×${n(count)}: ${reason}; outcome unknown`);
    lines.push(`  requests ${n(s.requests)} · retries ${n(s.retries)} · 429s ${n(s.rate_limited)} · ambiguous answers ${n(s.ambiguous_responses)} · unknown outcomes ${n(s.unknown_outcomes)}`);
  }
  if (s.possible_duplicates > 0) lines.push(`  possible duplicates: ${n(s.possible_duplicates)} records re-sent that CleverTap may already have had (in_flight_policy ${s.in_flight_policy})`);
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

/**
 * Runs a delivery with a progress line every few seconds on stderr and prints its summary
 * (text or JSON) — also when it stopped early, since that summary is the user's best account of it.
 */
export async function deliverAndReport(options: DeliverOptions, json: boolean): Promise<DeliverySummary> {
  const print = (summary: DeliverySummary): void => console.log(json ? JSON.stringify(summary, null, 2) : formatDeliverySummary(summary));
  let lastProgress = performance.now();
  try {
    const summary = await deliverRun({
      ...options,
      onProgress: (p) => {
        if (performance.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = performance.now();
        log('info', 'delivery_progress', progressLine(p), { ...p });
      },
    });
    print(summary);
    return summary;
  } catch (err) {
    if ((err instanceof DeliveryError || err instanceof AbortedError) && err.summary !== undefined) print(err.summary as DeliverySummary);
    throw err;
  }
}
