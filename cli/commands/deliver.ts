import { parseArgs } from 'node:util';
import { effectiveConfig, loadConfigFile } from '../../engine/config/resolve-config.js';
import { tryParseDay } from '../../engine/dates.js';
import type { Command } from '../command.js';
import { acceptHeldRecords } from '../../engine/delivery/accept-held.js';
import { defaultStateDir } from '../../engine/delivery/deliver-run.js';
import { deliverAndReport } from '../delivery-report.js';
import { catchInterrupts, DRAINING } from '../interrupts.js';
import { leaseOption, optionError } from '../options.js';

const usage = `usage: campaign deliver --out DIR --date YYYY-MM-DD [--state DIR] [--config FILE]
                        [--dry-run] [--retry-dead-letters] [--accept-drift] [--json]
       campaign deliver --out DIR --date YYYY-MM-DD [--state DIR] --accept-held

Sends the date's 'send' records (<out>/<date>/payloads.ndjson) to CleverTap's Upload API and
records every outcome in the delivery ledger (--state, default <out>/state). Re-running resumes:
accepted records are never sent again. Delivery settings come from --config, else from the
run manifest's effective config.

  --dry-run             validate the run files and count what would be sent; send nothing
  --retry-dead-letters  also re-attempt the date's dead-lettered and held records (held ones may
                        then reach CleverTap twice: check it has not got them first)
  --accept-held         send nothing; record the date's held records as accepted, for when
                        CleverTap was checked and has them (they then enter the dedup history)
  --accept-drift        deliver a run that failed the drift guard (drift.mode fail); without it
                        such a run is refused (exit 5); the acceptance is recorded in the summary
  --lock-lease S        the lease of the date's and the ledger's locks in seconds (default 120; see
                        'campaign run --help')
  --json                print the summary as JSON

Credentials (never printed): CLEVERTAP_ACCOUNT_ID, CLEVERTAP_PASSCODE, and CLEVERTAP_REGION
(in1, us1, eu1, …; empty = global) or CLEVERTAP_ENDPOINT (full base URL, wins over the region).
Exit status: 0 when every record has an outcome (dead letters and held records included); 69 when
the delivery stopped on an outage — the endpoint failed every attempt of some records, or the
circuit opened: those records stay pending, never dead-lettered — retry later; 3 when CleverTap
refused the credentials or the request (fix them); 130/143 when interrupted; the ledger is intact
either way and the next deliver sends what is left. All statuses: 'campaign --help'. Ctrl-C (SIGINT) or SIGTERM sends nothing new and waits for the requests out to answer
or time out (delivery.timeout_ms), recording each outcome; a second one cuts them (their records
are then held, or re-sent by the next delivery, per delivery.in_flight_policy).`;

export const deliverCommand: Command = {
  name: 'deliver',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        date: { type: 'string' },
        state: { type: 'string' },
        config: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'retry-dead-letters': { type: 'boolean', default: false },
        'accept-drift': { type: 'boolean', default: false },
        'accept-held': { type: 'boolean', default: false },
        'lock-lease': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.out === undefined) return optionError('--out is required', usage);
    if (values.date === undefined) return optionError('--date is required', usage);
    if (tryParseDay(values.date) === null) return optionError(`--date must be a calendar date YYYY-MM-DD, got '${values.date}'`, usage);
    const date = values.date;
    if (values['accept-held']) {
      if (values['dry-run'] || values['retry-dead-letters']) return optionError('--accept-held sends nothing: it goes without --dry-run and --retry-dead-letters', usage);
      const accepted = await acceptHeldRecords(values.state ?? defaultStateDir(values.out), date);
      console.log(`${accepted} held record${accepted === 1 ? '' : 's'} of ${date} recorded as accepted; nothing was sent`);
      return 0;
    }
    const lease = leaseOption(values['lock-lease']);
    if (lease === null) return optionError(`--lock-lease must be a whole number of seconds ≥ 1, got '${values['lock-lease']}'`, usage);
    const config = values.config === undefined ? undefined : effectiveConfig(loadConfigFile(values.config), date).config.delivery;

    const interrupts = catchInterrupts(() => DRAINING);
    try {
      await deliverAndReport(
        {
          outDir: values.out,
          date,
          ...(values.state === undefined ? {} : { stateDir: values.state }),
          ...(config === undefined ? {} : { config }),
          dryRun: values['dry-run'],
          retryDeadLetters: values['retry-dead-letters'],
          acceptDrift: values['accept-drift'],
          signal: interrupts.stop,
          cutSignal: interrupts.cut,
          ...(lease === undefined ? {} : { lockLeaseMs: lease }),
        },
        values.json,
      );
      return 0;
    } finally {
      interrupts.dispose();
    }
  },
};
