/**
 * Delivery benchmark: N records (default 1,000,000) delivered to the CleverTap sandbox running in
 * a separate process, batches of 1000, 15 requests in flight, full durability (ledger fsyncs).
 * Reports records/s over the whole `deliverRun` (validation of every payload line, ledger
 * registration, sending, compaction, manifest) and the delivering process's peak RSS, then checks
 * with the sandbox that every record was accepted exactly once.
 *
 *   node dist/bench/delivery.js [--records N] [--batch-size B] [--concurrency C] [--keep]
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { defaultConfig } from '../engine/config/default-config.js';
import { dayToUnixSeconds, parseDay } from '../engine/dates.js';
import { deliverRun } from '../engine/delivery/deliver-run.js';
import type { DeliverySummary } from '../engine/delivery/delivery-types.js';
import { SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from './workloads/sandbox/sandbox-server.js';
import type { SandboxStats } from './workloads/sandbox/sandbox-server.js';

const DATE = '2026-11-22';
const here = dirname(fileURLToPath(import.meta.url));
const workloadsCli = join(here, 'workloads', 'cli', 'main.js');

async function writeFixture(outDir: string, records: number): Promise<void> {
  const runDir = join(outDir, DATE);
  mkdirSync(runDir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const rows = `FROM range(1, ${records + 1}) t(a) ORDER BY a`;
  await connection.run(
    `COPY (SELECT a::BIGINT AS account_id, (a * 10 + 1)::BIGINT AS profile_id, 'crm-' || a AS crm_id, 'loyal' AS rfm_segment, 'svod' AS treatment,
       'trending' AS scenario, (1000 + a % 500)::BIGINT AS show_id, 'send' AS status ${rows}) TO '${join(runDir, 'selection.parquet')}' (FORMAT parquet)`,
  );
  await connection.run(
    `COPY (SELECT 'crm-' || a AS identity, 'event' AS type, 'crm_recommendation' AS evtName, ${dayToUnixSeconds(parseDay(DATE))}::BIGINT AS ts,
       {'campaign_date': '${DATE}', 'show_id': (1000 + a % 500)::BIGINT, 'show_title': 'Show number ' || (a % 500), 'scenario': 'trending',
        'rfm_segment': 'loyal', 'treatment': 'svod', 'profile_id': (a * 10 + 1)::BIGINT, 'alternates': '1001,1002,1003,1004', 'run_id': 'bench-run'} AS evtData
     ${rows}) TO '${join(runDir, 'payloads.ndjson')}' (FORMAT json)`,
  );
  connection.closeSync();
  instance.closeSync();
  writeFileSync(join(runDir, 'manifest.json'), JSON.stringify({ run_id: 'bench-run', campaign_date: DATE, effective_config: defaultConfig() }));
}

function startSandbox(): Promise<{ child: ChildProcess; url: string }> {
  // Parse threads stand in for CleverTap's server fleet: the delivering process is what is measured.
  const child = spawn(process.execPath, [workloadsCli, 'sandbox-clevertap', '--port', '0', '--parse-threads', '2'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CLEVERTAP_ACCOUNT_ID: '', CLEVERTAP_PASSCODE: '' } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const url = /listening on (\S+)/.exec(line)?.[1];
      if (url === undefined) reject(new Error(`unexpected sandbox output: ${line}`));
      else resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}

interface ChildResult {
  summary: DeliverySummary;
  peakRssMb: number;
}

/** The delivering process: only deliverRun, so its peak RSS is the delivery's own. */
async function deliverChild(outDir: string, endpoint: string, batchSize: number, concurrency: number): Promise<void> {
  const summary = await deliverRun({
    outDir,
    date: DATE,
    config: { ...defaultConfig().delivery, batch_size: batchSize, concurrency },
    credentials: { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint },
  });
  const result: ChildResult = { summary, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  console.log(JSON.stringify(result));
}

function runChild(outDir: string, endpoint: string, batchSize: number, concurrency: number): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [self, '--child', outDir, '--endpoint', endpoint, '--batch-size', String(batchSize), '--concurrency', String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`delivery process exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      'batch-size': { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '15' },
      keep: { type: 'boolean', default: false },
      child: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  const batchSize = Number(values['batch-size']);
  const concurrency = Number(values.concurrency);
  if (values.child !== undefined) {
    await deliverChild(values.child, values.endpoint!, batchSize, concurrency);
    return;
  }
  const records = Number(values.records);
  const outDir = mkdtempSync(join(tmpdir(), 'delivery-bench-'));
  const sandbox = await startSandbox();
  try {
    let t = performance.now();
    await writeFixture(outDir, records);
    console.log(`fixture: ${records.toLocaleString('en-US')} records in ${((performance.now() - t) / 1000).toFixed(1)} s (${outDir})`);
    t = performance.now();
    const result = await runChild(outDir, sandbox.url, batchSize, concurrency);
    const s = result.summary;
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/accepted`)).json()) as SandboxStats;
    console.log(`delivered: ${s.accepted.toLocaleString('en-US')} accepted, ${s.dead_letter.total} dead letters, ${s.requests} requests, ${s.retries} retries, ${s.rate_limited} 429s`);
    const sec = (ms: number): string => (ms / 1000).toFixed(2);
    const p = s.phases_ms;
    console.log(`wall ${sec(s.wall_ms)} s → ${s.records_per_second.toLocaleString('en-US')} records/s`);
    console.log(`  validate ${sec(p.validate)} s · ledger ${sec(p.ledger)} s · send ${sec(p.send)} s (${Math.round((s.accepted * 1000) / Math.max(1, p.send)).toLocaleString('en-US')} records/s) · compact ${sec(p.compact)} s`);
    console.log(`peak RSS of the delivering process: ${result.peakRssMb} MB`);
    console.log(`sandbox: ${stats.unique.toLocaleString('en-US')} unique records, ${stats.duplicates} duplicates, peak ${stats.peakConcurrent} concurrent requests`);
    const ok = stats.unique === records && stats.duplicates === 0 && s.accepted === records;
    console.log(ok ? 'exactly-once: OK' : 'exactly-once: FAILED');
    if (!ok) process.exitCode = 1;
  } finally {
    sandbox.child.kill('SIGTERM');
    if (!values.keep) rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
