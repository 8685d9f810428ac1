import { commands } from '../../cli/commands/index.js';
import type { CommandEntry } from '../../cli/command.js';
import { workloadCommands } from '../../bench/workloads/cli/commands/index.js';
import { PRODUCT_CLI, runCli, WORKLOADS_CLI } from '../support/run-cli.js';

/** What `node <entry> ...args` prints on stdout; a failing help is an error, not a page. */
export function helpText(entry: string, ...args: string[]): string {
  const r = runCli(entry, ...args);
  if (r.status !== 0) throw new Error(`node ${entry} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trimEnd();
}

function block(text: string): string[] {
  return ['```text', text, '```', ''];
}

function commandSections(program: string, entry: string, list: readonly CommandEntry[], level: string): string[] {
  return list.flatMap((c) => [`${level} \`${program === '' ? '' : `${program} `}${c.name}\``, '', c.summary.charAt(0).toUpperCase() + c.summary.slice(1) + '.', '', ...block(helpText(entry, c.name, '--help'))]);
}

/**
 * The reference part of docs/cli.md: the help of `campaign` and of every command, exactly as the
 * built CLI prints it (`--help`), then the workloads' entry the same way.
 */
export function renderCliReference(): string {
  return [
    '## `campaign`',
    '',
    ...block(helpText(PRODUCT_CLI, '--help')),
    ...commandSections('campaign', PRODUCT_CLI, commands, '##'),
    '## Workloads: `node dist/bench/workloads/cli/main.js`',
    '',
    'Synthetic datasets, simulated outcomes and a fake CleverTap, for demos, tests and benchmarks. They are not part of the product and have their own entry point.',
    '',
    ...block(helpText(WORKLOADS_CLI, '--help')),
    ...commandSections('', WORKLOADS_CLI, workloadCommands, '###'),
  ]
    .join('\n')
    .trimEnd();
}
