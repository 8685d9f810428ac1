import { parseArgs } from 'node:util';
import { simulateOutcomes } from '../../outcomes/simulate-outcomes.js';
import type { SimulateOutcomesSummary, SimulatedArm } from '../../outcomes/simulate-outcomes.js';
import type { Command } from '../../../../cli/command.js';
import { optionError, wholeNumberOption } from '../../../../cli/options.js';

const usage = `usage: campaign simulate-outcomes --data DIR --out DIR --date YYYY-MM-DD --uplift X [options]

Simulates what happened after the campaign of a date, for demonstrating and testing
'campaign report': writes plays/outcomes-<date>.parquet into the dataset (which must keep its plays
as a directory: generate it with --plays-files 2 or more). Holdout accounts of the run convert
(play an episode of the recommended show within the window) with probability --base-rate, send
accounts with base-rate × (1 + uplift); conversions already in the data count towards those rates.
Noise the report must ignore is added too: other shows, short plays, plays after the window.
Deterministic for a seed; the file appears atomically and is never overwritten.

  --data DIR          dataset directory (plays/ is written into)
  --out DIR           output root holding the published run <out>/<date>/
  --date D            campaign date whose outcomes are simulated
  --uplift X          true relative uplift of sent over holdout, e.g. 0.3 for +30%
  --base-rate P       holdout conversion probability (default 0.1)
  --window-days N     conversion plays fall in [D, D + N) (default 7)
  --seed S            random seed (default 1)
  --noise-rate P      share of accounts that also play other shows after D (default 0.5)
  --json              print the summary as JSON`;

export const simulateOutcomesCommand: Command = {
  name: 'simulate-outcomes',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        out: { type: 'string' },
        date: { type: 'string' },
        uplift: { type: 'string' },
        'base-rate': { type: 'string' },
        'window-days': { type: 'string' },
        seed: { type: 'string' },
        'noise-rate': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    for (const required of ['data', 'out', 'date', 'uplift'] as const) if (values[required] === undefined) return optionError(`--${required} is required`, usage);
    const numbers: Record<string, number | undefined> = {};
    for (const [option, whole] of [['uplift', false], ['base-rate', false], ['window-days', true], ['seed', true], ['noise-rate', false]] as const) {
      const text = values[option];
      if (text === undefined) continue;
      const value = whole ? (wholeNumberOption(text) ?? NaN) : /^-?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(value)) return optionError(`--${option} must be ${whole ? 'a whole number' : 'a number'}, got '${text}'`, usage);
      numbers[option] = value;
    }
    const summary = await simulateOutcomes({
      dataDir: values.data!,
      outDir: values.out!,
      date: values.date!,
      uplift: numbers['uplift']!,
      ...(numbers['base-rate'] === undefined ? {} : { baseRate: numbers['base-rate'] }),
      ...(numbers['window-days'] === undefined ? {} : { windowDays: numbers['window-days'] }),
      ...(numbers['seed'] === undefined ? {} : { seed: numbers['seed'] }),
      ...(numbers['noise-rate'] === undefined ? {} : { noiseRate: numbers['noise-rate'] }),
    });
    console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    if (summary.warning !== null) console.error(`campaign simulate-outcomes: warning: ${summary.warning}`);
    return 0;
  },
};

function formatSummary(s: SimulateOutcomesSummary): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const arm = (name: string, a: SimulatedArm): string =>
    `  ${name.padEnd(8)} ${a.accounts.toLocaleString('en-US').padStart(10)} accounts, target ${pct(a.target_rate)}: ${a.already_converted.toLocaleString('en-US')} already converting, ${a.simulated_conversions.toLocaleString('en-US')} simulated (top-up p = ${a.top_up_probability.toFixed(4)}), expected rate ${pct(a.expected_rate)}`;
  return [
    `wrote ${s.file}: ${s.rows.toLocaleString('en-US')} plays (${s.conversion_plays.toLocaleString('en-US')} conversion, ${s.noise_plays.toLocaleString('en-US')} noise) for run ${s.run_id}, window ${s.window.from} to ${s.window.to} (exclusive)`,
    arm('send', s.send),
    arm('holdout', s.holdout),
  ].join('\n');
}
