import type { CommandEntry } from '../../../../cli/command.js';

/**
 * The commands that only serve the synthetic workloads (`node dist/bench/workloads/cli/main.js
 * <command>`, `npm run demo`), in the order its `--help` lists them. Modules load on use.
 */
export const workloadCommands: CommandEntry[] = [
  { name: 'demo', summary: 'generate the built-in demo dataset and run a campaign on it', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'generate', summary: 'write a synthetic input dataset for tests and benchmarks', load: async () => (await import('./generate.js')).generateCommand },
  { name: 'simulate-outcomes', summary: "write simulated plays after a date's campaign, with a chosen true uplift", load: async () => (await import('./simulate-outcomes.js')).simulateOutcomesCommand },
  { name: 'sandbox-clevertap', summary: 'run a local CleverTap-compatible upload server with fault injection', load: async () => (await import('./sandbox-clevertap.js')).sandboxClevertapCommand },
];
