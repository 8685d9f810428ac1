import { spawnSync } from 'node:child_process';
import { cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBSession } from '../io/input/duckdb-session.js';
import { readSnapshot } from '../io/delta/snapshot.js';
import { median } from './process-timing.js';
import { DeltaTableWriter, SPEC_FIELDS } from './workloads/delta/delta-writer.js';

/**
 * Delta Lake benchmarks (issue 9):
 * 1. Log replay: a table of 1,000 commits and 10,000 live files with a checkpoint at version 950
 *    (and, for comparison, the same log replayed from version 0 without it): readSnapshot (listing,
 *    checkpoint, commits, reconciliation, protocol, schema, every live file checked on disk),
 *    median of `--runs` in one process after a warm-up. The data files are empty placeholders:
 *    their footers are read by the scan, as for a plain directory.
 * 2. With `--data DIR` (a generated dataset whose plays is a directory): the engine run on the
 *    dataset as is, and on a copy whose plays is a Delta table of the same files (hard links, one
 *    commit), whole processes in ABBA order; medians of wall and CPU time and of the load phase.
 */
const { values } = parseArgs({ options: { data: { type: 'string' }, runs: { type: 'string', default: '5' }, date: { type: 'string', default: '2026-11-22' } } });
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'bench-delta-'));

async function logReplay(): Promise<void> {
  const dir = join(work, 'replay');
  const session = await DuckDBSession.open(1);
  const w = new DeltaTableWriter(dir, { sql: (text) => session.rows(text), fields: [...SPEC_FIELDS.plays, { name: 'date', type: 'string' }], partitionColumns: ['date'] });
  for (let v = 0; v < 1000; v++) {
    const adds = [];
    for (let f = 0; f < 10; f++) {
      const path = `date=2026-${String(1 + (v % 12)).padStart(2, '0')}-01/part-${v}-${f}.parquet`;
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), '');
      adds.push({ add: { path, partitionValues: { date: path.slice(5, 15) }, size: 1000, modificationTime: 1764000000000, dataChange: true, stats: '{"numRecords":1000}' } });
    }
    w.commit(adds);
    if (v === 950) await w.checkpoint();
  }
  const time = async (label: string, target: string): Promise<void> => {
    const ms: number[] = [];
    const cpuMs: number[] = [];
    let files = 0;
    for (let r = 0; r <= runs; r++) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const snapshot = await readSnapshot(session, target);
      const used = process.cpuUsage(cpu);
      if (r > 0) ms.push(performance.now() - t);
      if (r > 0) cpuMs.push((used.user + used.system) / 1000);
      files = snapshot.files.length;
    }
    // CPU time of the process (JS and DuckDB's one thread) says more than wall time on a busy machine.
    console.log(`${label}: ${files} live files, wall median ${median(ms).toFixed(0)} ms (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}), CPU median ${median(cpuMs).toFixed(0)} ms, ${runs} runs`);
  };
  await time('1,000 commits, checkpoint at 950 + 49 JSON commits', dir);
  const noCheckpoint = join(work, 'replay-json');
  cpSync(dir, noCheckpoint, { recursive: true });
  for (const f of readdirSync(join(noCheckpoint, '_delta_log'))) if (f.includes('checkpoint')) rmSync(join(noCheckpoint, '_delta_log', f));
  await time('1,000 commits, no checkpoint (all JSON)', noCheckpoint);
  session.close();
}

function deltaCopy(data: string): string {
  const target = join(work, 'delta-data');
  mkdirSync(join(target, 'plays', '_delta_log'), { recursive: true });
  for (const entry of readdirSync(data)) if (entry !== 'plays' && entry.endsWith('.parquet')) linkSync(join(data, entry), join(target, entry));
  const files = readdirSync(join(data, 'plays')).filter((f) => f.endsWith('.parquet')).sort();
  for (const f of files) linkSync(join(data, 'plays', f), join(target, 'plays', f));
  const schema = { type: 'struct', fields: SPEC_FIELDS.plays.map(({ name, type }) => ({ name, type, nullable: true, metadata: {} })) };
  const lines = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: 'bench', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify(schema), partitionColumns: [], configuration: {}, createdTime: 0 } },
    ...files.map((f) => ({ add: { path: f, partitionValues: {}, size: statSync(join(data, 'plays', f)).size, modificationTime: 0, dataChange: true } })),
  ];
  writeFileSync(join(target, 'plays', '_delta_log', '00000000000000000000.json'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return target;
}

/** One whole engine process under GNU time: wall and CPU seconds, and the manifest's load phase. */
function engineRun(data: string, out: string): { wallS: number; cpuS: number; loadMs: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, resolve('dist/cli/main.js'), 'run', '--data', data, '--date', values.date, '--out', out, '--quiet', '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`run failed: ${r.stderr}`);
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const manifest = JSON.parse(r.stdout) as { timings_ms: Record<string, number> };
  rmSync(out, { recursive: true, force: true });
  return { wallS: wall!, cpuS: user! + sys!, loadMs: manifest.timings_ms['load']! };
}

try {
  await logReplay();
  if (values.data !== undefined) {
    const data = resolve(values.data);
    const delta = deltaCopy(data);
    type Sample = { wallS: number; cpuS: number; loadMs: number };
    const samples: Record<'directory' | 'delta', Sample[]> = { directory: [], delta: [] };
    // ABBA order, so neither layout always runs first.
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? (['directory', 'delta'] as const) : (['delta', 'directory'] as const);
      for (const layout of order) samples[layout].push(engineRun(layout === 'delta' ? delta : data, join(work, `out-${layout}`)));
    }
    for (const [name, s] of Object.entries(samples)) {
      console.log(`plays as a ${name}: wall median ${median(s.map((x) => x.wallS)).toFixed(2)} s, CPU median ${median(s.map((x) => x.cpuS)).toFixed(2)} s, load phase median ${median(s.map((x) => x.loadMs))} ms (${runs} runs)`);
    }
    const ratio = (key: keyof Sample): string => median(samples.delta.map((x, i) => x[key] / samples.directory[i]![key])).toFixed(3);
    console.log(`Delta ÷ directory, medians of paired ratios: wall ${ratio('wallS')}, CPU ${ratio('cpuS')}, load phase ${ratio('loadMs')}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
