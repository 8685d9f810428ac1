import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign } from '../../../../engine/run-campaign.js';
import { generateDataset } from '../../generate/generate-dataset.js';
import type { Command } from '../../../../cli/command.js';
import { optionError, wholeNumberOption } from '../../../../cli/options.js';
import { progressReporter } from '../../../../cli/progress-reporter.js';
import { formatRunSummary } from '../../../../cli/run-summary.js';

const usage = `usage: campaign demo [--profiles N] [--date D] [--data DIR] [--out DIR] [--workers N]

Generates the built-in demo dataset (once; reused while its parameters match) and runs the
campaign for the date on it, printing the run summary.

  --profiles N   profiles in the demo dataset (default 50000)
  --date D       campaign date (default 2026-11-22)
  --data DIR     where the dataset goes (default data/demo)
  --out DIR      output root (default out)
  --workers N    worker threads (default: number of cores)`;

const SEED = 20261122;

export const demoCommand: Command = {
  name: 'demo',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        profiles: { type: 'string', default: '50000' },
        date: { type: 'string', default: '2026-11-22' },
        data: { type: 'string', default: join('data', 'demo') },
        out: { type: 'string', default: 'out' },
        workers: { type: 'string' },
      },
      strict: true,
    });
    const profiles = Number(values.profiles);
    if (!Number.isInteger(profiles) || profiles < 1) return optionError(`--profiles must be a whole number ≥ 1, got '${values.profiles}'`, usage);
    const workers = values.workers === undefined ? undefined : wholeNumberOption(values.workers);
    if (workers === null) return optionError(`--workers must be a whole number ≥ 0, got '${values.workers}'`, usage);

    const wanted = { profiles, seed: SEED, date: values.date };
    if (!sameDataset(values.data, wanted)) {
      console.error(`demo: generating ${profiles.toLocaleString('en-US')} profiles into ${values.data} …`);
      rmSync(values.data, { recursive: true, force: true });
      await generateDataset({ ...wanted, outDir: values.data });
    } else console.error(`demo: reusing the dataset in ${values.data}`);

    const progress = progressReporter(process.stderr, true);
    const result = await runCampaign({
      dataDir: values.data,
      date: values.date,
      outDir: values.out,
      ...(workers === undefined ? {} : { workers }),
      onProgress: progress,
    }).finally(() => progress.close());
    console.log(formatRunSummary(result));
    console.log(`\nnext: node dist/cli/main.js deliver --out ${values.out} --date ${values.date} --dry-run`);
    return 0;
  },
};

function sameDataset(dir: string, wanted: { profiles: number; seed: number; date: string }): boolean {
  const path = join(dir, 'dataset.json');
  if (!existsSync(path)) return false;
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return meta['profiles'] === wanted.profiles && meta['seed'] === wanted.seed && meta['date'] === wanted.date;
  } catch {
    return false;
  }
}
