import { SCENARIOS } from '../config/config-types.js';
import { dayToUnixSeconds, formatDay } from '../dates.js';
import type { CampaignModel, ModelLabels } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { RECS_PER_PROFILE, STATUS_SEND, TREATMENTS } from '../phases/phase-params.js';

/**
 * SPEC §8 event records of every `send` account in account_id order, as NDJSON text blocks
 * (a block per `linesPerBlock` accounts so a million lines never form one giant string, and the
 * writer yields to the event loop between blocks: a signal is handled within milliseconds).
 */
export function* payloadBlocks(
  model: CampaignModel,
  labels: ModelLabels,
  results: CampaignResults,
  segmentNames: readonly string[],
  eventName: string,
  runId: string,
  linesPerBlock = 1024,
): Generator<string> {
  const P = model.profileCount;
  const { accountProfile, accountStatus, accountScenario, accountSegment, accountTreatment, recCount, recShow } = results;
  const { showIds, profileIds, accountCrmIds } = labels;
  // Every string that repeats is escaped once; the per-line template below must stay byte-equal to
  // JSON.stringify of {identity, type, evtName, ts, evtData: {campaign_date, show_id, show_title,
  // scenario, rfm_segment, treatment, profile_id, alternates, run_id}} (key order is the format).
  const json = JSON.stringify;
  const head = `,"type":"event","evtName":${json(eventName)},"ts":${dayToUnixSeconds(model.day)},"evtData":{"campaign_date":${json(formatDay(model.day))},"show_id":`;
  const tail = `,"run_id":${json(runId)}}}`;
  const titles = labels.showTitles.map((t) => json(t));
  const scenarios = SCENARIOS.map((s) => json(s));
  const segments = segmentNames.map((s) => json(s));
  const treatments = TREATMENTS.map((t) => json(t));
  let block = '';
  let lines = 0;
  for (let a = 0, A = model.accountCount; a < A; a++) {
    const p = accountProfile[a]!;
    if (p < 0 || accountStatus[a] !== STATUS_SEND) continue;
    const s = accountScenario[a]!;
    const base = (s * P + p) * RECS_PER_PROFILE;
    const n = recCount[s * P + p]!;
    const show = recShow[base]!;
    let alternates = '';
    for (let r = 1; r < n; r++) alternates += (r > 1 ? ',' : '') + showIds[recShow[base + r]!]!;
    block +=
      `{"identity":${json(accountCrmIds[a])}${head}${showIds[show]},"show_title":${titles[show]},"scenario":${scenarios[s]},` +
      `"rfm_segment":${segments[accountSegment[a]!]},"treatment":${treatments[accountTreatment[a]!]},"profile_id":${profileIds[p]},"alternates":"${alternates}"${tail}\n`;
    if (++lines === linesPerBlock) {
      yield block;
      block = '';
      lines = 0;
    }
  }
  if (lines > 0) yield block;
}
