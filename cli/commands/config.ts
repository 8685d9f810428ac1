import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { defaultConfig } from '../../engine/config/default-config.js';
import { effectiveConfig, loadConfigFile } from '../../engine/config/resolve-config.js';
import { redactStorage } from '../../engine/config/storage-config.js';
import type { Command } from '../command.js';
import { optionError } from '../options.js';

const usage = `usage: campaign config --date YYYY-MM-DD [--config FILE] [--json]

Prints the effective config for the date (base config with every active override merged in)
and the names of the active overrides.`;

export const configCommand: Command = {
  name: 'config',
  usage,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { date: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
    if (values.date === undefined) return optionError('--date is required', usage);
    const base = values.config === undefined ? defaultConfig() : loadConfigFile(values.config);
    const effective = effectiveConfig(base, values.date);
    // Storage secrets (keys, SAS tokens) are never printed.
    const shown = redactStorage(effective.config);
    if (values.json) console.log(JSON.stringify({ date: effective.date, active_overrides: effective.activeOverrides, config: shown }, null, 2));
    else {
      console.log(`# effective config for ${effective.date}`);
      console.log(`# active overrides: ${effective.activeOverrides.length === 0 ? '(none)' : effective.activeOverrides.join(', ')}`);
      console.log(stringify(shown).trimEnd());
    }
    return 0;
  },
};
