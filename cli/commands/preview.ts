import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { tryParseDay } from '../../engine/dates.js';
import { previewCampaign } from '../../engine/preview/preview-campaign.js';
import { checkPreviewHtmlTarget, writePreviewHtml } from '../../engine/preview/write-preview-html.js';
import type { PreviewReads } from '../../engine/preview/write-preview-html.js';
import type { Command } from '../command.js';
import { catchInterrupts } from '../interrupts.js';
import { deltaVersionsOption, optionError, STORAGE_USAGE, storageOption, wholeNumberOption } from '../options.js';
import { formatPreview } from '../preview-summary.js';
import { logInputWarnings } from '../guard-warnings.js';
import { progressReporter } from '../progress-reporter.js';

const usage = `usage: campaign preview --date YYYY-MM-DD [--data DIR|URL] [--config FILE [--override NAME]] [options]

What a config change would do, before it goes live: runs the date under the new config and under the
one it replaces, from one load of the inputs, and compares the two selections — accounts whose
status, scenario or show changes (counts and transition matrices), sends per scenario, segment,
treatment and region before → after, shows gained and lost, a sample of changed accounts with the
reason, and the drift guard's verdict. Nothing is published or delivered; the published runs and
the ledger are only read (no lock is taken).

  --data DIR|URL      dataset, a directory or a URL (default: the dataset of the run compared against)
  --date D            campaign date
  --config FILE       the new config, YAML or JSON (default: the defaults)
  --override NAME     preview one override of --config as if its date range contained D,
                      against --config as it stands on D
  --against FILE      compare against this config instead
  --against-run DIR   compare against the config a published run used (<out>/<D>); --out
                      defaults to its parent
  --out DIR           output root of the nightly runs, read only: its run of D is the default
                      comparison (else the defaults), its latest earlier run the drift
                      baseline, <out>/state the ledger
  --state DIR         delivery state / ledger, read for the dedup history (default: <out>/state)
  --scratch DIR       keep the two runs as DIR/old/<D>/ and DIR/new/<D>/ (a new or empty
                      directory; 'campaign explain --out DIR/new' explains them); default: a temp
                      directory, removed
  --delta-version TABLE=V
                      read a Delta table at version V (repeatable), as 'campaign run' does
  --allow-external-path DIR
                      a directory whose files a Delta log may name by absolute path
                      (repeatable), as 'campaign run' does
${STORAGE_USAGE}
  --html FILE         also write the comparison as a self-contained HTML page
  --sample N          changed accounts listed with their reason (default 20)
  --max-title-share P warn when one title takes more than this share of the new config's sends
                      (0 < P ≤ 1; default 0.2); a scenario or region dropping to zero sends
                      always warns
  --workers N         worker threads (default: number of cores; 0 = run on the main thread)
  --json              print the comparison as JSON
  --quiet             no progress output`;

export const previewCommand: Command = {
  name: 'preview',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        date: { type: 'string' },
        config: { type: 'string' },
        override: { type: 'string' },
        against: { type: 'string' },
        'against-run': { type: 'string' },
        out: { type: 'string' },
        state: { type: 'string' },
        scratch: { type: 'string' },
        html: { type: 'string' },
        'delta-version': { type: 'string', multiple: true },
        'allow-external-path': { type: 'string', multiple: true },
        storage: { type: 'string', multiple: true },
        sample: { type: 'string' },
        'max-title-share': { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.date === undefined) return optionError('--date is required', usage);
    if (tryParseDay(values.date) === null) return optionError(`--date must be a calendar date YYYY-MM-DD, got '${values.date}'`, usage);
    if (values.override !== undefined && values.config === undefined) return optionError('--override needs --config, the file that holds the override', usage);
    if (values.against !== undefined && values['against-run'] !== undefined) return optionError('give at most one of --against and --against-run', usage);
    if (values.data === undefined && values.out === undefined && values['against-run'] === undefined) return optionError('--data is required unless --out or --against-run names a run whose dataset to use', usage);
    const workers = values.workers === undefined ? undefined : wholeNumberOption(values.workers);
    if (workers === null) return optionError(`--workers must be a whole number ≥ 0, got '${values.workers}'`, usage);
    const sampleSize = values.sample === undefined ? undefined : wholeNumberOption(values.sample);
    if (sampleSize === null) return optionError(`--sample must be a whole number ≥ 0, got '${values.sample}'`, usage);
    const shareText = values['max-title-share'];
    const maxTitleShare = shareText === undefined ? undefined : /^(0|1)?\.\d+$|^1$/.test(shareText) && Number(shareText) > 0 && Number(shareText) <= 1 ? Number(shareText) : null;
    if (maxTitleShare === null) return optionError(`--max-title-share must be a share above 0 and at most 1 (e.g. 0.2), got '${shareText}'`, usage);
    const deltaVersions = deltaVersionsOption(values['delta-version'] ?? []);
    if (typeof deltaVersions === 'string') return optionError(deltaVersions, usage);
    const storage = storageOption(values.storage ?? []);
    if (typeof storage === 'string') return optionError(storage, usage);
    // The page must not land where the preview only reads (the runs, the ledger): refused before the long part.
    const outDirs = [values.out, values['against-run'] === undefined ? undefined : dirname(resolve(values['against-run']))].filter((d) => d !== undefined);
    const reads: PreviewReads = { outDirs, stateDirs: [values.state ?? (values.out === undefined ? undefined : join(values.out, 'state'))].filter((d) => d !== undefined) };
    if (values.html !== undefined) checkPreviewHtmlTarget(values.html, { ...reads, scratchDir: values.scratch ?? null });
    const interrupts = catchInterrupts(() => 'aborting the preview');
    const progress = progressReporter(process.stderr, !values.quiet);
    try {
      const preview = await previewCampaign({
        date: values.date,
        ...(values.data === undefined ? {} : { dataDir: values.data }),
        ...(values.config === undefined ? {} : { config: values.config }),
        ...(values.override === undefined ? {} : { override: values.override }),
        ...(values.against === undefined ? {} : { against: values.against }),
        ...(values['against-run'] === undefined ? {} : { againstRun: values['against-run'] }),
        ...(values.out === undefined ? {} : { outDir: values.out }),
        ...(values.state === undefined ? {} : { stateDir: values.state }),
        ...(values.scratch === undefined ? {} : { scratchDir: values.scratch }),
        ...(workers === undefined ? {} : { workers }),
        deltaVersions,
        allowExternalPaths: values['allow-external-path'] ?? [],
        storage,
        ...(sampleSize === undefined ? {} : { sampleSize }),
        ...(maxTitleShare === undefined ? {} : { maxTitleShare }),
        signal: interrupts.stop,
        onProgress: progress,
      });
      progress.close();
      logInputWarnings(preview.inputWarnings);
      const html = values.html === undefined ? null : await writePreviewHtml(preview, values.html, reads);
      for (const w of preview.warnings) console.error(`campaign: warning: preview: ${w.message}`);
      console.log(values.json ? JSON.stringify(preview, null, 2) : formatPreview(preview));
      if (html !== null && !values.json) console.log(`html: ${html}`);
      return 0;
    } finally {
      progress.close();
      interrupts.dispose();
    }
  },
};
