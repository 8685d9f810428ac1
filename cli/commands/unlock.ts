import { parseArgs } from 'node:util';
import { unlock } from '../../engine/output/unlock.js';
import type { Command } from '../command.js';
import { optionError } from '../options.js';

const usage = `usage: campaign unlock --out DIR --date YYYY-MM-DD [--force] [--json]
       campaign unlock --state DIR [--force] [--json]

Removes the lock of an output date (<out>/.<date>.lock, held by run and deliver) and/or of a
delivery ledger (<state>/deliver.lock), after showing who holds it. A lock whose holder is gone is
cleared by the next run anyway when the holder ran on this machine, or once its lease lapses (2
minutes by default) when it ran elsewhere (another pod or container): unlock is for not waiting, or
for a lock from a version without leases.

  --out DIR, --date D   the output date's lock
  --state DIR           the ledger's lock
  --force               remove it even though its holder may be running (a fresh lease, or a live
                        process on this machine): only when you know it is gone
  --json                print what was found and removed as JSON

A lock whose holder may be running is refused (exit 75) unless --force.`;

export const unlockCommand: Command = {
  name: 'unlock',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, date: { type: 'string' }, state: { type: 'string' }, force: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    if ((values.out === undefined) !== (values.date === undefined)) return optionError('--out and --date go together (the lock of one output date)', usage);
    if (values.out === undefined && values.state === undefined) return optionError('name a lock: --out DIR --date D, or --state DIR', usage);
    const results = await unlock({
      ...(values.out === undefined ? {} : { outDir: values.out }),
      ...(values.date === undefined ? {} : { date: values.date }),
      ...(values.state === undefined ? {} : { stateDir: values.state }),
      force: values.force,
    });
    if (values.json) console.log(JSON.stringify(results.map((r) => ({ path: r.path, holder: r.holding?.owner ?? null, state: r.holding?.state ?? null, refreshed: r.holding?.refreshed.toISOString() ?? null, removed: r.removed })), null, 2));
    else for (const r of results) console.log(r.holding === null ? `no lock at ${r.path}` : `removed ${r.path}, held by ${r.holder}`);
    return 0;
  },
};
