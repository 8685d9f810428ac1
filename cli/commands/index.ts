import type { CommandEntry } from '../command.js';
import type { OtherEntry } from '../dispatch.js';

/**
 * Every sub-command, in the order `campaign --help` lists them. Modules load on use, so a
 * command pays only for its own imports (DuckDB's native module costs ~0.4 s to load).
 */
export const commands: CommandEntry[] = [
  { name: 'run', summary: 'run the daily campaign for a date and write its outputs', load: async () => (await import('./run.js')).runCommand },
  { name: 'config', summary: 'print the effective config for a date and its active overrides', load: async () => (await import('./config.js')).configCommand },
  { name: 'deliver', summary: "send a date's payloads to CleverTap, resuming from the delivery ledger", load: async () => (await import('./deliver.js')).deliverCommand },
  { name: 'dead-letters', summary: "list a date's dead-lettered and held delivery records with their reasons", load: async () => (await import('./dead-letters.js')).deadLettersCommand },
  { name: 'explain', summary: "why this title: one account's eligibility, scores, exclusions and choices in a run", load: async () => (await import('./explain.js')).explainCommand },
  { name: 'preview', summary: 'what a config change would do: the date run under two configs, compared (text, JSON, HTML)', load: async () => (await import('./preview.js')).previewCommand },
  { name: 'report', summary: 'measure campaigns over a date range against their holdouts (JSON + HTML report)', load: async () => (await import('./report.js')).reportCommand },
  { name: 'unlock', summary: 'remove the lock of an output date or a ledger whose holder is gone, after showing it', load: async () => (await import('./unlock.js')).unlockCommand },
];

/** The workloads' commands (bench/workloads/cli), named here only to point users there. */
export const workloadEntry: OtherEntry = {
  program: 'node dist/bench/workloads/cli/main.js',
  commands: ['demo', 'generate', 'simulate-outcomes', 'sandbox-clevertap'],
};
