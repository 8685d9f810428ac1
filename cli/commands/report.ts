import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCampaignReport, DEFAULT_MIN_ACCOUNTS, DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS } from '../../engine/report/build-campaign-report.js';
import type { CampaignReport, Estimate, Lift } from '../../engine/report/report-types.js';
import { checkReportDir, writeCampaignReport } from '../../engine/report/write-campaign-report.js';
import type { WrittenReport } from '../../engine/report/write-campaign-report.js';
import type { Command } from '../command.js';
import { optionError, STORAGE_USAGE, storageOption, wholeNumberOption } from '../options.js';

const usage = `usage: campaign report --out DIR --data DIR|URL --from YYYY-MM-DD --to YYYY-MM-DD [options]

Measures the campaigns of every date from --from to --to: accounts sent (status send) and held
out (status holdout), conversions — a play of at least the run's min_play_seconds, by any profile
of the account, of the recommended show (for holdouts: the show they would have been sent) within
the window from the campaign date — and the lift of sent over holdout with 95% intervals, per date,
overall and by scenario, RFM segment, treatment and region. Writes report.json and a
self-contained report.html.

  --out DIR           output root holding the published runs <out>/<date>/
  --data DIR|URL      dataset whose plays now reach past the campaign dates (a directory or a URL)
  --from D            first campaign date (UTC, inclusive)
  --to D              last campaign date (UTC, inclusive)
  --report-dir DIR    where report.json and report.html go (default <out>/reports/<from>_<to>)
  --window-days N     conversion window in days, [D, D + N) (default ${DEFAULT_WINDOW_DAYS})
  --min-accounts N    a lift with fewer accounts in either group is marked "too few accounts" (default ${DEFAULT_MIN_ACCOUNTS})
  --state DIR         delivery ledger for the delivered counts (default <out>/state)
  --allow-external-path DIR
                      a directory whose files a Delta log may name by absolute path
                      (repeatable), as 'campaign run' does
${STORAGE_USAGE}
  --json              print report.json instead of the text summary`;

export const reportCommand: Command = {
  name: 'report',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        data: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'report-dir': { type: 'string' },
        'window-days': { type: 'string' },
        'min-accounts': { type: 'string' },
        state: { type: 'string' },
        'allow-external-path': { type: 'string', multiple: true },
        storage: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    for (const required of ['out', 'data', 'from', 'to'] as const) if (values[required] === undefined) return optionError(`--${required} is required`, usage);
    const windowDays = values['window-days'] === undefined ? DEFAULT_WINDOW_DAYS : wholeNumberOption(values['window-days']);
    if (windowDays === null || windowDays < 1 || windowDays > MAX_WINDOW_DAYS) return optionError(`--window-days must be a whole number from 1 to ${MAX_WINDOW_DAYS}, got '${values['window-days']}'`, usage);
    const minAccounts = values['min-accounts'] === undefined ? DEFAULT_MIN_ACCOUNTS : wholeNumberOption(values['min-accounts']);
    if (minAccounts === null || minAccounts < 1) return optionError(`--min-accounts must be a whole number ≥ 1, got '${values['min-accounts']}'`, usage);
    const storage = storageOption(values.storage ?? []);
    if (typeof storage === 'string') return optionError(storage, usage);
    const reportDir = values['report-dir'] ?? join(values.out!, 'reports', `${values.from}_${values.to}`);
    const roots = { outDirs: [values.out!], stateDirs: [values.state ?? join(values.out!, 'state')] };
    checkReportDir(reportDir, roots);
    const report = await buildCampaignReport({
      storage,
      outDir: values.out!,
      dataDir: values.data!,
      from: values.from!,
      to: values.to!,
      windowDays,
      minAccounts,
      ...(values.state === undefined ? {} : { stateDir: values.state }),
      allowExternalPaths: values['allow-external-path'] ?? [],
    });
    const written = await writeCampaignReport(report, reportDir, roots);
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatReportSummary(report, written));
    return 0;
  },
};

const count = (n: number): string => n.toLocaleString('en-US');
const percent = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);
const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

function relative(e: Estimate | null): string {
  return e === null ? 'n/a' : `${signed(e.value * 100, 1)}% [${signed(e.ci95[0] * 100, 1)}%, ${signed(e.ci95[1] * 100, 1)}%]`;
}

function absolute(e: Estimate | null): string {
  return e === null ? 'n/a' : `${signed(e.value * 100, 2)} pt [${signed(e.ci95[0] * 100, 2)}, ${signed(e.ci95[1] * 100, 2)}]`;
}

/** The text summary: one line per date and overall, then where the files went. */
export function formatReportSummary(report: CampaignReport, written: WrittenReport): string {
  // The delivered column only when some date has a delivery ledger: without one nothing says what was sent.
  const withLedger = report.dates.filter((d) => d.delivered !== null);
  const delivered = withLedger.length > 0;
  const header = ['date', 'targeted', ...(delivered ? ['delivered'] : []), 'conv.', 'rate', 'control', 'conv.', 'rate', 'relative lift [95% CI]', 'absolute lift [95% CI]', ''];
  const line = (label: string, lift: Lift, notes: string[], accepted: number | null): string[] => [
    label,
    count(lift.sent.accounts),
    ...(delivered ? [accepted === null ? '–' : count(accepted)] : []),
    count(lift.sent.conversions),
    percent(lift.sent.rate),
    count(lift.holdout.accounts),
    count(lift.holdout.conversions),
    percent(lift.holdout.rate),
    relative(lift.relative),
    absolute(lift.absolute),
    [...(lift.sufficient ? [] : ['too few accounts']), ...notes].join('; '),
  ];
  const rows: string[][] = [];
  const byDate = new Map(report.dates.map((d) => [d.date, d]));
  const dates = [...report.dates.map((d) => d.date), ...report.missing_dates].sort();
  for (let i = 0; i < dates.length; i++) {
    const d = byDate.get(dates[i]!);
    if (d !== undefined) {
      rows.push(line(d.date, d.lift, d.window_complete ? [] : ['window incomplete'], d.delivered?.accepted ?? null));
      continue;
    }
    // A run of consecutive missing dates is one line.
    let j = i;
    while (j + 1 < dates.length && !byDate.has(dates[j + 1]!)) j++;
    rows.push([dates[i]!, j === i ? 'no published run' : `to ${dates[j]}: no published run (${j - i + 1} dates)`, ...header.slice(2).map(() => '')]);
    i = j;
  }
  rows.push(line('overall', report.overall.lift, [], delivered ? withLedger.reduce((a, d) => a + d.delivered!.accepted, 0) : null));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r[2] !== '').map((r) => r[i]!.length)));
  const right = new Set(header.map((_, i) => i).filter((i) => i >= 1 && i <= (delivered ? 7 : 6)));
  const format = (cells: string[]): string =>
    cells[2] === '' && cells[0] !== 'date'
      ? `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]}`
      : cells
          .map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd();
  const days = `${report.conversion_window_days} day${report.conversion_window_days === 1 ? '' : 's'}`;
  return [
    `campaign report ${report.from} to ${report.to}`,
    '  targeted: chosen for a push, whether delivered or not (intent-to-treat) · control: never sent',
    delivered
      ? `  delivered: pushes CleverTap accepted (delivery records for ${withLedger.length} of ${report.dates.length} date${report.dates.length === 1 ? '' : 's'})`
      : '  no delivery is recorded for these dates: the figures describe targeting, not pushes received',
    `  conversion: a play of the recommended show within ${days} · lift: targeted vs control, ≥ ${count(report.min_accounts)} accounts each`,
    '',
    format(header),
    ...rows.map(format),
    '',
    `wrote ${written.json}`,
    `      ${written.html}`,
  ].join('\n');
}
