/**
 * The lock file under contention from real processes: a stale lock is taken over by exactly one of
 * many concurrent takers, and an owner is judged gone by PID, process start time and boot id, so an
 * empty lock file or a PID reused since does not block runs.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it, onTestFinished } from 'vitest';
import { LockError } from '../../../engine/errors.js';
import { acquireLockFile } from '../../../io/lock/lock-file.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const TAKER = fileURLToPath(new URL('./lock-taker.js', import.meta.url));
const busy = (who: string): string => `busy: ${who}`;

/** One lock-taker child process, answering one line per command. */
class Taker {
  private readonly lines: AsyncIterator<string>;
  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    reader: Interface,
  ) {
    this.lines = reader[Symbol.asyncIterator]();
  }

  static async start(): Promise<Taker> {
    const child = spawn(process.execPath, [TAKER], { stdio: ['pipe', 'pipe', 'inherit'] }) as unknown as ChildProcessWithoutNullStreams;
    const taker = new Taker(child, createInterface({ input: child.stdout }));
    expectEqual(await taker.answer(), 'ready', 'child started');
    return taker;
  }

  send(command: string): void {
    this.child.stdin.write(`${command}\n`);
  }

  async answer(): Promise<string> {
    const next = await this.lines.next();
    if (next.done === true) throw new Error(`lock-taker ${this.child.pid} exited`);
    return next.value;
  }

  async stop(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null && this.child.signalCode === null) await once(this.child, 'exit');
  }
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

/** Field 22 of /proc/<pid>/stat: the process start time in clock ticks since boot. */
function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

function writeOwner(path: string, owner: Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify({ host: hostname(), purpose: 'test', since: '2026-11-22T00:00:00.000Z', ...owner }));
}

async function takes(path: string): Promise<boolean> {
  try {
    const lock = await acquireLockFile(path, 'test', busy);
    await lock.release();
    return true;
  } catch (err) {
    if (err instanceof LockError) return false;
    throw err;
  }
}

describe('taking over a stale lock', () => {
  it('six processes taking over the same stale lock at once: exactly one wins, in every round', async () => {
    const dir = tempDir('lock-race-');
    const takers = await Promise.all(Array.from({ length: 6 }, () => Taker.start()));
    onTestFinished(async () => {
      await Promise.all(takers.map((t) => t.stop()));
    });
    const dead = deadPid();
    const winners: number[] = [];
    for (let round = 0; round < 30; round++) {
      const path = join(dir, `round-${round}.lock`);
      writeOwner(path, { pid: dead });
      for (const t of takers) t.send(`take ${path}`);
      const answers = await Promise.all(takers.map((t) => t.answer()));
      winners.push(answers.filter((a) => a === 'won').length);
      for (const t of takers) t.send('release');
      await Promise.all(takers.map((t) => t.answer()));
      expectEqual(existsSync(path), false, `round ${round}: the winner released the lock`);
    }
    expectEqual(winners, winners.map(() => 1), 'winners per round');
    expectEqual(readdirSync(dir), [], 'no temp or takeover files left');
  });

  it('an empty lock file (left by a crash or a power loss) is taken over', async () => {
    const path = join(tempDir('lock-empty-'), 'empty.lock');
    writeFileSync(path, '');
    expectEqual(await takes(path), true, 'taken over');
  });

  it('a lock naming a running PID that started at another time (a reused PID) is taken over', async () => {
    const dir = tempDir('lock-reused-');
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    onTestFinished(() => {
      sleeper.kill('SIGKILL');
    });
    await once(sleeper, 'spawn');
    const pid = sleeper.pid!;
    writeOwner(join(dir, 'reused.lock'), { pid, start: startTicks(pid) - 1 });
    expectEqual(await takes(join(dir, 'reused.lock')), true, 'reused PID: taken over');
    writeOwner(join(dir, 'same.lock'), { pid, start: startTicks(pid) });
    expectEqual(await takes(join(dir, 'same.lock')), false, 'the very process: busy');
  });

  it('a lock from before a reboot is taken over even though its PID runs now', async () => {
    const path = join(tempDir('lock-reboot-'), 'reboot.lock');
    writeOwner(path, { pid: process.pid, boot: '00000000-0000-0000-0000-000000000000' });
    expectEqual(await takes(path), true, 'taken over');
  });

  it('another host’s lock is never taken over', async () => {
    const path = join(tempDir('lock-host-'), 'host.lock');
    writeOwner(path, { pid: deadPid(), host: `not-${hostname()}` });
    expectEqual(await takes(path), false, 'busy');
  });
});

describe('a live holder', () => {
  it('blocks others (named in the message) until it is killed with SIGKILL; then its lock is taken over', async () => {
    const path = join(tempDir('lock-live-'), 'live.lock');
    const holder = await Taker.start();
    holder.send(`take ${path}`);
    expectEqual(await holder.answer(), 'won', 'holder');
    await assert.rejects(acquireLockFile(path, 'test', busy), (err: unknown) => err instanceof LockError && err.message.includes(`busy: pid ${holder.child.pid} on ${hostname()} (lock-taker, since `));
    const exited = once(holder.child, 'exit');
    holder.child.kill('SIGKILL');
    await exited;
    expectEqual(await takes(path), true, 'taken over after the holder died');
  });

  it('release leaves alone a lock that is no longer this holding', async () => {
    const path = join(tempDir('lock-release-'), 'mine.lock');
    const lock = await acquireLockFile(path, 'test', busy);
    writeOwner(path, { pid: process.pid, nonce: '0123456789abcdef' });
    await lock.release();
    expectEqual(existsSync(path), true, 'the other holding stays');
  });
});
