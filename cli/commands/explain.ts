import { parseArgs } from 'node:util';
import { tryParseDay } from '../../engine/dates.js';
import { explainAccount } from '../../engine/explain/explain-account.js';
import { formatExplanation } from '../../engine/explain/explanation-text.js';
import type { Command } from '../command.js';
import { optionError, STORAGE_USAGE, storageOption, wholeNumberOption } from '../options.js';

const usage = `usage: campaign explain --out DIR --date YYYY-MM-DD (--account ID | --profile ID | --crm-id ID) [options]

Why this title: for one account of the run <out>/<date>/, each profile's eligibility, the RFM
segment and treatment, every eligible profile's scenarios (top 5 with scores, and the shows passed
over with the reason: watched, recently sent, unavailable, category filter, below min_viewers,
outside pool_size), the rollup and the scenario choice. Recomputed with the run's effective config
from its inputs and the ledger as they were on the date, and checked against the run's files.

  --out DIR         output root the run was published under
  --date D          campaign date of the run
  --account ID      the account to explain
  --profile ID      or a profile: explains its account, detailing that profile
  --crm-id ID       or the account's CleverTap identity (accounts.crm_id, the payload's identity)
  --data DIR|URL    dataset, a directory or a URL (default: the one the run's manifest names)
  --state DIR       delivery state / ledger (default: <out>/state)
  --allow-external-path DIR
                    a directory whose files a Delta log may name by absolute path
                    (repeatable), as 'campaign run' does
${STORAGE_USAGE}
  --json            print the explanation as JSON`;

export const explainCommand: Command = {
  name: 'explain',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        date: { type: 'string' },
        account: { type: 'string' },
        profile: { type: 'string' },
        'crm-id': { type: 'string' },
        data: { type: 'string' },
        state: { type: 'string' },
        'allow-external-path': { type: 'string', multiple: true },
        storage: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    for (const required of ['out', 'date'] as const) if (values[required] === undefined) return optionError(`--${required} is required`, usage);
    if (tryParseDay(values.date!) === null) return optionError(`--date must be a calendar date YYYY-MM-DD, got '${values.date}'`, usage);
    const crmId = values['crm-id'];
    if ([values.account, values.profile, crmId].filter((x) => x !== undefined).length !== 1) return optionError('give exactly one of --account, --profile and --crm-id', usage);
    if (crmId === '') return optionError('--crm-id must not be empty', usage);
    let target: { accountId: number } | { profileId: number } | { crmId: string };
    if (crmId !== undefined) target = { crmId };
    else {
      const [option, text] = values.account === undefined ? ['--profile', values.profile!] : ['--account', values.account];
      const id = wholeNumberOption(text);
      if (id === null) return optionError(`${option} must be a whole number below 2^53, got '${text}'`, usage);
      target = values.account === undefined ? { profileId: id } : { accountId: id };
    }
    const storage = storageOption(values.storage ?? []);
    if (typeof storage === 'string') return optionError(storage, usage);
    const explanation = await explainAccount({
      storage,
      outDir: values.out!,
      date: values.date!,
      ...target,
      ...(values.data === undefined ? {} : { dataDir: values.data }),
      ...(values.state === undefined ? {} : { stateDir: values.state }),
      allowExternalPaths: values['allow-external-path'] ?? [],
    });
    console.log(values.json ? JSON.stringify(explanation, null, 2) : formatExplanation(explanation));
    return 0;
  },
};
