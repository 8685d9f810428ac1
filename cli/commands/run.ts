import { parseArgs } from 'node:util';
import { runCampaign } from '../../engine/run-campaign.js';
import type { Command } from '../command.js';
import { progressReporter } from '../progress-reporter.js';
import { formatRunSummary } from '../run-summary.js';
import { optionError, workersOption } from '../options.js';

const usage = `usage: campaign run --data DIR --date YYYY-MM-DD --out DIR [options]

Runs SPEC phases 1–4 for the date and publishes <out>/<date>/ (scenarios, selection, payloads, manifest).

  --data DIR        dataset directory (catalog, accounts, profiles, plays, regions[, sends, tombstones])
  --date D          campaign date (UTC)
  --out DIR         output root
  --config FILE     YAML or JSON config (default: SPEC defaults)
  --workers N       worker threads (default: number of cores; 0 = run on the main thread)
  --state DIR       delivery state / ledger (default: <out>/state)
  --json            print a machine-readable summary instead of text
  --quiet           no progress output`;

export const runCommand: Command = {
  name: 'run',
  summary: 'run the daily campaign for a date and write its outputs',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        date: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        workers: { type: 'string' },
        state: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
      strict: true,
    });
    for (const required of ['data', 'date', 'out'] as const) if (values[required] === undefined) return optionError(`--${required} is required`, usage);
    const workers = values.workers === undefined ? undefined : workersOption(values.workers);
    if (workers === null) return optionError(`--workers must be a whole number ≥ 0, got '${values.workers}'`, usage);
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await runCampaign({
        dataDir: values.data!,
        date: values.date!,
        outDir: values.out!,
        ...(values.config === undefined ? {} : { config: values.config }),
        ...(workers === undefined ? {} : { workers }),
        ...(values.state === undefined ? {} : { stateDir: values.state }),
        signal: abort.signal,
        onProgress: progressReporter(process.stderr, !values.quiet && !values.json),
      });
      console.log(values.json ? JSON.stringify(result.manifest, null, 2) : formatRunSummary(result));
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
