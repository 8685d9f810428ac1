/**
 * The lock file under contention from real processes: a stale lock is taken over by exactly one of
 * many concurrent takers, and an owner is judged gone by PID, process start time and boot id, so an
 * empty lock file or a PID reused since does not block runs.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type { Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it, onTestFinished } from 'vitest';
import { LockError } from '../../../engine/errors.js';
import { acquireLockFile, inspectLock } from '../../../io/lock/lock-file.js';
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

  it('another host’s lock from a version without leases is never taken over', async () => {
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

describe('leases: a holder on another host or in another container (its PID cannot be checked)', () => {
  /** The lock file a holder in another pod writes: its own host name and PID namespace, and its lease. */
  const podOwner = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ pid: 7, host: 'campaign-job-7f9c-pod', pidns: 'pid:[4026532999]', lease_ms: 120_000, refresh_ms: 10_000, nonce: 'a1b2c3d4e5f60718', ...extra });
  const backdate = backdateFile;

  it('is busy while refreshed within its lease; the message names the holder, its last refresh and the lease', async () => {
    const path = join(tempDir('lock-lease-'), 'pod.lock');
    writeOwner(path, podOwner());
    backdate(path, 30);
    await assert.rejects(acquireLockFile(path, 'test', busy), (err: unknown) => {
      assert.ok(err instanceof LockError);
      assert.match(err.message, /^busy: pid 7 on campaign-job-7f9c-pod \(test, since 2026-11-22T00:00:00\.000Z\); last refreshed \d{4}-\d\d-\d\dT[\d:.]+Z, 3\d s ago; another host or container, so it counts as running until its lease of 120 s lapses$/);
      return true;
    });
    expectEqual((await inspectLock(path))?.state, 'fresh');
  });

  it('is taken over once not refreshed for its lease (a SIGKILLed pod)', async () => {
    const path = join(tempDir('lock-lapsed-'), 'pod.lock');
    writeOwner(path, podOwner());
    backdate(path, 121);
    expectEqual((await inspectLock(path))?.state, 'stale');
    expectEqual(await takes(path), true, 'taken over');
  });

  it('a lease is the holder’s own: a short one lapses sooner', async () => {
    const path = join(tempDir('lock-short-'), 'pod.lock');
    writeOwner(path, podOwner({ lease_ms: 5_000 }));
    backdate(path, 6);
    expectEqual(await takes(path), true, 'taken over after 6 s of a 5 s lease');
  });

  it('the same host in another PID namespace (another container) is judged by the lease, not by the PID', async () => {
    const path = join(tempDir('lock-ns-'), 'ns.lock');
    // Our own PID, alive here: in another namespace it names another process, so it proves nothing.
    writeOwner(path, podOwner({ host: hostname(), pid: process.pid }));
    expectEqual((await inspectLock(path))?.state, 'fresh');
    backdate(path, 121);
    expectEqual(await takes(path), true, 'taken over once the lease lapsed');
  });

  it('the holder refreshes its lock while it runs; a holder whose lock was taken over learns it (lost)', async () => {
    const path = join(tempDir('lock-refresh-'), 'mine.lock');
    const lock = await acquireLockFile(path, 'test', busy, { leaseMs: 600, refreshMs: 100 });
    backdate(path, 60);
    await delay(400);
    const age = Date.now() - statSync(path).mtimeMs;
    assert.ok(age < 300, `refreshed ${age} ms ago`);
    expectEqual(lock.lost.aborted, false, 'not lost');
    // Another process takes it over (as it would once the lease lapsed, were this holder frozen).
    rmSync(path);
    writeOwner(path, podOwner());
    await delay(400);
    expectEqual(lock.lost.aborted, true, 'lost');
    assert.match(String((lock.lost.reason as Error).message), /was taken over by pid 7 on campaign-job-7f9c-pod/);
    await lock.release();
    expectEqual(existsSync(path), true, 'the new holder’s lock stays');
  });
});

describe('leftovers of processes killed inside the protocol', () => {
  it('temp and takeover files of dead processes are removed when the lock is next taken; a live process’s are kept', async () => {
    const dir = tempDir('lock-leftovers-');
    const path = join(dir, '.2026-11-22.lock');
    const dead = deadPid();
    // What a SIGKILL between link(2) and rm leaves: the temp file beside the lock, with its writer's record.
    writeOwner(`${path}.0123456789abcdef.tmp`, { pid: dead, nonce: '0123456789abcdef' });
    // A taker killed while it held the takeover lock of a holding that is long gone.
    writeOwner(`${path}.takeover-fedcba9876543210`, { pid: dead, nonce: '1111111111111111' });
    writeOwner(`${path}.takeover-fedcba9876543210.2222222222222222.tmp`, { pid: dead, nonce: '2222222222222222' });
    // A killed writer's temp file it never got to write into: removed once old.
    writeFileSync(`${path}.3333333333333333.tmp`, '');
    backdateFile(`${path}.3333333333333333.tmp`, 60);
    // A live process in the middle of the protocol, and a file that is not the lock's.
    writeOwner(`${path}.4444444444444444.tmp`, { pid: process.pid, nonce: '4444444444444444' });
    writeFileSync(join(dir, '.2026-11-23.lock.5555555555555555.tmp'), '');
    backdateFile(join(dir, '.2026-11-23.lock.5555555555555555.tmp'), 60);
    const lock = await acquireLockFile(path, 'test', busy);
    await lock.release();
    expectEqual(readdirSync(dir).sort(), ['.2026-11-22.lock.4444444444444444.tmp', '.2026-11-23.lock.5555555555555555.tmp']);
  });
});

function backdateFile(path: string, seconds: number): void {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
}
