import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The product CLI and the workloads' CLI, as built into dist/. */
export const PRODUCT_CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
export const WORKLOADS_CLI = fileURLToPath(new URL('../../bench/workloads/cli/main.js', import.meta.url));

/** Runs `node <entry> ...args` to completion and collects its exit status and output. */
export function runCli(entry: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
