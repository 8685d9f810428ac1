import { SCENARIOS } from '../config/config-types.js';
import { dayToUnixSeconds, formatDay } from '../dates.js';
import type { CampaignModel, ModelLabels } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { RECS_PER_PROFILE, STATUS_SEND, TREATMENTS } from '../phases/phase-params.js';

/**
 * SPEC §8 event records of every `send` account in account_id order, as NDJSON text blocks
 * (a block per `linesPerBlock` accounts so a million lines never form one giant string).
 */
export function* payloadBlocks(
  model: CampaignModel,
  labels: ModelLabels,
  results: CampaignResults,
  segmentNames: readonly string[],
  eventName: string,
  runId: string,
  linesPerBlock = 16384,
): Generator<string> {
  const P = model.profileCount;
  const campaignDate = formatDay(model.day);
  const ts = dayToUnixSeconds(model.day);
  let lines: string[] = [];
  for (let a = 0; a < model.accountCount; a++) {
    if (results.accountProfile[a]! < 0 || results.accountStatus[a] !== STATUS_SEND) continue;
    const p = results.accountProfile[a]!;
    const s = results.accountScenario[a]!;
    const base = (s * P + p) * RECS_PER_PROFILE;
    const n = results.recCount[s * P + p]!;
    const show = results.recShow[base]!;
    const alternates: number[] = [];
    for (let r = 1; r < n; r++) alternates.push(labels.showIds[results.recShow[base + r]!]!);
    // Key order is part of the file format: two correct engines write identical lines.
    const record = {
      identity: labels.accountCrmIds[a],
      type: 'event',
      evtName: eventName,
      ts,
      evtData: {
        campaign_date: campaignDate,
        show_id: labels.showIds[show],
        show_title: labels.showTitles[show],
        scenario: SCENARIOS[s],
        rfm_segment: segmentNames[results.accountSegment[a]!],
        treatment: TREATMENTS[results.accountTreatment[a]!],
        profile_id: labels.profileIds[p],
        alternates: alternates.join(','),
        run_id: runId,
      },
    };
    lines.push(JSON.stringify(record));
    if (lines.length === linesPerBlock) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}
