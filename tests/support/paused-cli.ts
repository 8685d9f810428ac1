/**
 * A `campaign` CLI child process stopped at a test pause point (engine/output/test-pause.ts), so a
 * test can look at the files at that exact moment, then SIGKILL the process or let it go on.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { CLI } from '../io/input/contract-fixture.js';

export interface PausedCli {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGKILL, and wait until it is gone. */
  kill9(): Promise<void>;
  /** Lets the process go on from the pause point; resolves with its exit code and stderr. */
  resume(): Promise<{ code: number | null; stderr: string }>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts `campaign ...args` and resolves once it is paused at `point`; rejects if it exits first. */
export async function startPaused(args: string[], point: string, env: Record<string, string> = {}): Promise<PausedCli> {
  const pauseDir = mkdtempSync(join(tmpdir(), 'pause-'));
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env, CAMPAIGN_TEST_PAUSE: point, CAMPAIGN_TEST_PAUSE_DIR: pauseDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exit = once(child, 'exit');
  const marker = join(pauseDir, `${point}.paused`);
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (!existsSync(marker)) return;
      clearInterval(poll);
      resolve();
    }, 10);
    void exit.then(([code]) => {
      clearInterval(poll);
      reject(new Error(`campaign ${args[0]} exited (${String(code)}) before pausing at ${point}: ${stderr}`));
    });
  });
  return {
    child,
    stderr: () => stderr,
    async kill9() {
      child.kill('SIGKILL');
      await exit;
    },
    async resume() {
      writeFileSync(join(pauseDir, `${point}.resume`), '');
      const [code] = (await exit) as [number | null];
      return { code, stderr };
    },
  };
}
