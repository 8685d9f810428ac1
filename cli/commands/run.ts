import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { runCampaign } from '../../engine/run-campaign.js';
import type { Command } from '../command.js';
import { progressReporter } from '../progress-reporter.js';
import { formatRunSummary } from '../run-summary.js';
import { logGuards } from '../guard-warnings.js';
import { log, logFormat, setLogRunId } from '../log.js';
import { credentialsFromEnv } from '../../io/clevertap/credentials.js';
import { deliverAndReport } from '../delivery-report.js';
import { catchInterrupts, DRAINING } from '../interrupts.js';
import { deltaVersionsOption, leaseOption, optionError, STORAGE_USAGE, storageOption, wholeNumberOption } from '../options.js';

const usage = `usage: campaign run --data DIR|URL --date YYYY-MM-DD --out DIR [options]

Computes the campaign of the date and publishes <out>/<date>/ (scenarios, selection, payloads, manifest).

  --data DIR|URL    dataset (catalog, accounts, profiles, plays, regions[, sends, tombstones]): a
                    directory, or on object storage s3://, gs://, az://, abfss://… (docs/object-storage.md)
  --date D          campaign date (UTC)
  --out DIR         output root
  --config FILE     YAML or JSON config (default: the defaults of docs/configuration.md)
  --workers N       worker threads (default and most: number of cores; 0 = run on the main thread)
  --state DIR       delivery state / ledger (default: <out>/state)
  --cold            decode every play from the dataset, ignoring the plays cache in the state
                    directory, and write the cache anew (outputs are the same either way)
  --plays-cache-max-mb N
                    size limit of the plays cache (default 16384); 0 keeps no cache and removes it
  --delta-version TABLE=V
                    read the Delta table TABLE at version V instead of its latest (repeatable),
                    e.g. to re-run a date on the versions its manifest records (inputs.delta)
  --allow-external-path DIR
                    a directory whose files a Delta log may name by absolute path or file: URI
                    (repeatable; default: the dataset directory only)
${STORAGE_USAGE}
  --deliver         then deliver the run's payloads to CleverTap (see 'campaign deliver --help';
                    credentials from CLEVERTAP_ACCOUNT_ID, CLEVERTAP_PASSCODE, CLEVERTAP_REGION or
                    CLEVERTAP_ENDPOINT, checked before the run starts)
  --lock-lease S    the lease of the date's lock in seconds (default 120): the lock is refreshed
                    every 10 s, and one not refreshed for S seconds is stale, so a run killed in
                    another container blocks the date at most that long (see 'campaign unlock')
  --json            print the manifest (JSON) on stdout instead of the text summary
  --quiet           no progress output
  --log-format F    text (default) or json: one JSON object per line on stderr

Progress goes to stderr: on a terminal one line per phase (done of total, %, elapsed, ETA from the
previous run's timings), redrawn and cleared at the end; otherwise timestamped lines.
The freshness guard (config 'freshness', on by default) stops the run before anything is published
when the plays end more than freshness.max_lag_days before the date or are missing, or when there is
no eligible profile or no send (exit 4). The drift guard (config 'drift') compares the send and
eligible counts and the scenario shares with the latest earlier run under --out: bounds exceeded are
warnings on stderr, or with drift.mode fail the run is published but not delivered and exits 5 (see
'campaign deliver --accept-drift'). SIGINT or SIGTERM stops the run within a second, nothing
published (exit 130 or 143). Exit statuses: 'campaign --help'.`;

export const runCommand: Command = {
  name: 'run',
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
        cold: { type: 'boolean', default: false },
        'plays-cache-max-mb': { type: 'string' },
        'delta-version': { type: 'string', multiple: true },
        'allow-external-path': { type: 'string', multiple: true },
        storage: { type: 'string', multiple: true },
        deliver: { type: 'boolean', default: false },
        'lock-lease': { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
      strict: true,
    });
    for (const required of ['data', 'date', 'out'] as const) if (values[required] === undefined) return optionError(`--${required} is required`, usage);
    const workers = values.workers === undefined ? undefined : wholeNumberOption(values.workers);
    if (workers === null) return optionError(`--workers must be a whole number ≥ 0, got '${values.workers}'`, usage);
    if (workers !== undefined && workers > availableParallelism()) log('info', 'workers_capped', `--workers ${workers} is more than the ${availableParallelism()} cores of this machine; using ${availableParallelism()}`);
    const lease = leaseOption(values['lock-lease']);
    if (lease === null) return optionError(`--lock-lease must be a whole number of seconds ≥ 1, got '${values['lock-lease']}'`, usage);
    const cacheMb = values['plays-cache-max-mb'] === undefined ? undefined : wholeNumberOption(values['plays-cache-max-mb']);
    if (cacheMb === null) return optionError(`--plays-cache-max-mb must be a whole number ≥ 0, got '${values['plays-cache-max-mb']}'`, usage);
    const deltaVersions = deltaVersionsOption(values['delta-version'] ?? []);
    if (typeof deltaVersions === 'string') return optionError(deltaVersions, usage);
    const storage = storageOption(values.storage ?? []);
    if (typeof storage === 'string') return optionError(storage, usage);
    // Missing credentials fail before an hour of work, not after.
    const credentials = values.deliver ? credentialsFromEnv() : undefined;
    let delivering = false;
    const interrupts = catchInterrupts(() => (delivering ? DRAINING : 'aborting the run'));
    const progress = progressReporter(process.stderr, !values.quiet);
    try {
      const result = await runCampaign({
        dataDir: values.data!,
        date: values.date!,
        outDir: values.out!,
        ...(values.config === undefined ? {} : { config: values.config }),
        ...(workers === undefined ? {} : { workers }),
        ...(values.state === undefined ? {} : { stateDir: values.state }),
        deltaVersions,
        cold: values.cold,
        ...(cacheMb === undefined ? {} : { playsCacheMaxBytes: cacheMb * 2 ** 20 }),
        allowExternalPaths: values['allow-external-path'] ?? [],
        storage,
        signal: interrupts.stop,
        onProgress: progress,
        ...(lease === undefined ? {} : { lockLeaseMs: lease }),
      });
      progress.close();
      setLogRunId(result.runId);
      logGuards(result);
      if (logFormat() === 'json') log('info', 'run_done', `run ${result.runId} published to ${result.outputDir}`, { output_dir: result.outputDir, counts: result.counts, timings_ms: result.timingsMs, resources: result.manifest.resources });
      console.log(values.json ? JSON.stringify(result.manifest, null, 2) : formatRunSummary(result));
      if (credentials !== undefined) {
        delivering = true;
        await deliverAndReport(
          { outDir: values.out!, date: values.date!, ...(values.state === undefined ? {} : { stateDir: values.state }), credentials, runId: result.runId, signal: interrupts.stop, cutSignal: interrupts.cut, ...(lease === undefined ? {} : { lockLeaseMs: lease }) },
          values.json,
        );
      }
      return 0;
    } finally {
      progress.close();
      interrupts.dispose();
    }
  },
};
