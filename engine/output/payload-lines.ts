import { SCENARIOS } from '../config/config-types.js';
import { dayToUnixSeconds, formatDay } from '../dates.js';
import type { CampaignModel, ModelLabels } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { RECS_PER_PROFILE, STATUS_SEND, TREATMENTS } from '../phases/phase-params.js';
import { utf8At } from '../model/utf8-column.js';

/** The labels payload lines need: shared columns and the show titles. */
export type PayloadLabels = Pick<ModelLabels, 'profileIds' | 'accountCrmIds' | 'showIds' | 'showTitles'>;

export interface PayloadLinesTask {
  model: CampaignModel;
  labels: PayloadLabels;
  results: CampaignResults;
  segmentNames: readonly string[];
  eventName: string;
  runId: string;
  /** The accounts [from, to) whose lines this task builds. */
  from: number;
  to: number;
}

/**
 * SPEC §8 event records of the `send` accounts in [from, to), in account_id order, as NDJSON
 * UTF-8 bytes. Runs on a worker (the lines of an account range each), so the main thread only
 * writes the parts in order; the crm_id of a send account is decoded from the shared bytes here.
 */
export function payloadLines(task: PayloadLinesTask, linesPerBlock = 16384): { bytes: Uint8Array; lines: number } {
  const { model, labels, results, segmentNames, eventName, runId } = task;
  const P = model.profileCount;
  const { accountProfile, accountStatus, accountScenario, accountSegment, accountTreatment, recCount, recShow } = results;
  const { showIds, profileIds, accountCrmIds } = labels;
  // Every string that repeats is escaped once; the per-line template below must stay byte-equal to
  // JSON.stringify of {identity, type, evtName, ts, evtData: {campaign_date, show_id, show_title,
  // scenario, rfm_segment, treatment, profile_id, alternates, run_id}} (key order is the format).
  const json = JSON.stringify;
  const head = `,"type":"event","evtName":${json(eventName)},"ts":${dayToUnixSeconds(model.day)},"evtData":{"campaign_date":${json(formatDay(model.day))},"show_id":`;
  const tail = `,"run_id":${json(runId)}}}`;
  const titles = new Map<number, string>();
  const title = (show: number): string => titles.get(show) ?? titles.set(show, json(labels.showTitles[show])).get(show)!;
  const scenarios = SCENARIOS.map((s) => json(s));
  const segments = segmentNames.map((s) => json(s));
  const treatments = TREATMENTS.map((t) => json(t));
  const blocks: Buffer[] = [];
  let block = '';
  let lines = 0;
  let total = 0;
  for (let a = task.from; a < task.to; a++) {
    const p = accountProfile[a]!;
    if (p < 0 || accountStatus[a] !== STATUS_SEND) continue;
    const s = accountScenario[a]!;
    const base = (s * P + p) * RECS_PER_PROFILE;
    const n = recCount[s * P + p]!;
    const show = recShow[base]!;
    let alternates = '';
    for (let r = 1; r < n; r++) alternates += (r > 1 ? ',' : '') + showIds[recShow[base + r]!]!;
    block +=
      `{"identity":${json(utf8At(accountCrmIds, a))}${head}${showIds[show]},"show_title":${title(show)},"scenario":${scenarios[s]},` +
      `"rfm_segment":${segments[accountSegment[a]!]},"treatment":${treatments[accountTreatment[a]!]},"profile_id":${profileIds[p]},"alternates":"${alternates}"${tail}\n`;
    total++;
    if (++lines === linesPerBlock) {
      blocks.push(Buffer.from(block, 'utf8'));
      block = '';
      lines = 0;
    }
  }
  if (lines > 0) blocks.push(Buffer.from(block, 'utf8'));
  // A copy on its own ArrayBuffer, so the reply can move it to the main thread.
  const bytes = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    bytes.set(b, at);
    at += b.length;
  }
  return { bytes, lines: total };
}
