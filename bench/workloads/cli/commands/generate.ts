import { parseArgs } from 'node:util';
import { tryParseDay } from '../../../../engine/dates.js';
import { MAX_PLAYS_FILES, MAX_PROFILES, generateDataset } from '../../generate/generate-dataset.js';
import type { Command } from '../../../../cli/command.js';
import { wholeNumberOption } from '../../../../cli/options.js';

const USAGE = `usage: campaign generate --profiles N --seed S --date YYYY-MM-DD --out DIR [--plays-files K]

Writes a synthetic input dataset (docs/inputs.md) shaped around campaign date D: catalog, accounts,
profiles, plays (~30 per profile), regions, sends and tombstones as Parquet, plus dataset.json.
The same options give byte-identical files. DIR must not exist or be empty; it appears atomically.

  --profiles N      number of profiles (1..${MAX_PROFILES})
  --seed S          random seed (non-negative integer)
  --date D          campaign date the data is shaped around
  --out DIR         output directory
  --plays-files K   split plays into K files plays/part-NNNNN.parquet (default 1: plays.parquet)`;

/** A bad argument: the message names the option. */
class UsageError extends Error {}

export const generateCommand: Command = {
  name: 'generate',
  usage: USAGE,
  async run(argv) {
    let options: { profiles: number; seed: number; date: string; out: string; playsFiles: number };
    try {
      options = parseOptions(argv);
    } catch (err) {
      if (!(err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))) throw err;
      console.error(`campaign generate: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    const started = performance.now();
    const summary = await generateDataset({
      profiles: options.profiles,
      seed: options.seed,
      date: options.date,
      outDir: options.out,
      playsFiles: options.playsFiles,
      onProgress: ({ table, rows }) => {
        // Plays report every row group; the summary below gives their total.
        if (table !== 'plays') console.error(`generate: ${table} ${rows.toLocaleString('en-US')} rows`);
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const width = Math.max(...Object.keys(summary.rows).map((t) => t.length));
    console.log(`wrote ${summary.outDir} in ${seconds} s`);
    for (const [table, rows] of Object.entries(summary.rows)) console.log(`  ${table.padEnd(width)}  ${rows.toLocaleString('en-US').padStart(14)} rows`);
    return 0;
  },
};

function parseOptions(argv: string[]): { profiles: number; seed: number; date: string; out: string; playsFiles: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      profiles: { type: 'string' },
      seed: { type: 'string' },
      date: { type: 'string' },
      out: { type: 'string' },
      'plays-files': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const profiles = integer('--profiles', required('--profiles', values.profiles), 1, MAX_PROFILES);
  const seed = integer('--seed', required('--seed', values.seed), 0, Number.MAX_SAFE_INTEGER);
  const date = required('--date', values.date);
  if (tryParseDay(date) === null) throw new UsageError(`--date must be a calendar date YYYY-MM-DD, got '${date}'`);
  const out = required('--out', values.out);
  if (out === '') throw new UsageError('--out must not be empty');
  const playsFiles = values['plays-files'] === undefined ? 1 : integer('--plays-files', values['plays-files'], 1, Math.min(MAX_PLAYS_FILES, profiles));
  return { profiles, seed, date, out, playsFiles };
}

function required(option: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${option} is required`);
  return value;
}

function integer(option: string, text: string, min: number, max: number): number {
  const value = wholeNumberOption(text);
  if (value === null || value < min || value > max) throw new UsageError(`${option} must be an integer from ${min} to ${max}, got '${text}'`);
  return value;
}
