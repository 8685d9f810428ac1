/**
 * A delivery ledger with accepted sends on the dates before a campaign date, built through the
 * ledger's own API from a published run's choices, for tests of the dedup history.
 */
import { SCENARIOS } from '../../engine/config/config-types.js';
import { formatDay, parseDay } from '../../engine/dates.js';
import { DateLedger } from '../../io/ledger/index.js';
import type { RecordInfo } from '../../io/ledger/index.js';
import { readRunOutputs } from './read-run-outputs.js';

/**
 * Accepts, on each of the `days` dates before `date`, a send to every `send` account of the run
 * in `runDir` (the show rotated per date through the profile's scenario rows); every 7th record
 * is a dead letter instead, since only accepted sends are history. Each date ends compacted.
 */
export async function buildAcceptedLedger(runDir: string, stateDir: string, date: string, days: number): Promise<void> {
  const { selection, scenarios } = await readRunOutputs(runDir);
  const shows = new Map<number, number[]>();
  for (const s of SCENARIOS) for (const r of scenarios[s]) shows.set(r.profile_id, [...(shows.get(r.profile_id) ?? []), r.show_id]);
  const sends = selection.filter((r) => r.status === 'send');
  for (let k = 1; k <= days; k++) {
    const infos: RecordInfo[] = sends.map((r) => {
      const list = shows.get(r.profile_id)!;
      return { account_id: r.account_id, profile_id: r.profile_id, show_id: list[(k - 1) % list.length]!, scenario: r.scenario!, crm_id: r.crm_id };
    });
    const ids = infos.map((i) => i.account_id);
    const ledger = await DateLedger.open(stateDir, formatDay(parseDay(date) - k), 'write');
    await ledger.register(infos);
    await ledger.write([{ op: 'send', ids }, { op: 'accept', ids: ids.filter((_, i) => i % 7 !== 0) }, { op: 'dead', ids: ids.filter((_, i) => i % 7 === 0), code: 512, reason: 'test' }]);
    await ledger.compact();
    await ledger.close();
  }
}
