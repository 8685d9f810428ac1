import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DeliveryConfig } from '../../../engine/config/config-types.js';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { dayToUnixSeconds, parseDay } from '../../../engine/dates.js';

export interface FixtureOptions {
  date?: string;
  /** Accounts in the selection; every 10th is a holdout, the rest are `send`. */
  accounts: number;
  runId?: string;
  delivery?: Partial<DeliveryConfig>;
  /** Rewrites payload lines (0-based index of the send record) before they are written. */
  editLine?: (line: string, index: number) => string;
}

export interface FixtureRecord {
  account_id: number;
  profile_id: number;
  crm_id: string;
  show_id: number;
  scenario: string;
}

export interface RunFixture {
  runDir: string;
  date: string;
  sends: FixtureRecord[];
}

/** Fast delivery settings for tests: small batches, millisecond backoff. */
export function testDelivery(overrides: Partial<DeliveryConfig> = {}): DeliveryConfig {
  return { ...defaultConfig().delivery, batch_size: 50, concurrency: 4, backoff_base_ms: 2, backoff_max_ms: 20, timeout_ms: 2000, ...overrides };
}

/** The sandbox key (sandboxRecordKey) of a fixture send record. */
export function fixtureKey(r: FixtureRecord, date: string): string {
  return `${r.crm_id}|crm_recommendation|${dayToUnixSeconds(parseDay(date))}|${r.profile_id}`;
}

/**
 * Writes `<outDir>/<date>/` as the engine would: selection.parquet (via DuckDB), payloads.ndjson
 * (one line per send row, same order) and manifest.json with the effective delivery config.
 */
export async function writeRunFixture(outDir: string, options: FixtureOptions): Promise<RunFixture> {
  const date = options.date ?? '2026-11-22';
  const runDir = join(outDir, date);
  mkdirSync(runDir, { recursive: true });
  const salt = parseDay(date) % 7;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `COPY (SELECT a::BIGINT AS account_id, (a * 10 + 1)::BIGINT AS profile_id, 'crm-' || a AS crm_id, 'loyal' AS rfm_segment, 'svod' AS treatment,
       'trending' AS scenario, (1000 + (a + ${salt}) % 50)::BIGINT AS show_id, CASE WHEN a % 10 = 0 THEN 'holdout' ELSE 'send' END AS status
     FROM range(1, ${options.accounts + 1}) t(a) ORDER BY a) TO '${join(runDir, 'selection.parquet')}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
  const sends: FixtureRecord[] = [];
  for (let a = 1; a <= options.accounts; a++) {
    if (a % 10 !== 0) sends.push({ account_id: a, profile_id: a * 10 + 1, crm_id: `crm-${a}`, show_id: 1000 + ((a + salt) % 50), scenario: 'trending' });
  }
  const runId = options.runId ?? `run-${date}`;
  const ts = dayToUnixSeconds(parseDay(date));
  const lines = sends.map((r, i) => {
    const line = JSON.stringify({
      identity: r.crm_id,
      type: 'event',
      evtName: 'crm_recommendation',
      ts,
      evtData: { campaign_date: date, show_id: r.show_id, show_title: `Show ${r.show_id}`, scenario: r.scenario, rfm_segment: 'loyal', treatment: 'svod', profile_id: r.profile_id, alternates: '1,2,3,4', run_id: runId },
    });
    return options.editLine === undefined ? line : options.editLine(line, i);
  });
  writeFileSync(join(runDir, 'payloads.ndjson'), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  const config = defaultConfig();
  config.delivery = { ...config.delivery, ...options.delivery };
  writeFileSync(join(runDir, 'manifest.json'), `${JSON.stringify({ run_id: runId, campaign_date: date, effective_config: config }, null, 2)}\n`);
  return { runDir, date, sends };
}
