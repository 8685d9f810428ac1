/**
 * A dead pod's lock, with real `campaign` processes: a run SIGKILLed while it holds the date's lock,
 * its lock file then made to look as if it came from another pod (another host name and PID
 * namespace: its PID cannot be checked from here). The next run is refused while the lease is
 * fresh — the message names the holder, its last refresh and the command — and takes the lock
 * over once it lapses; `campaign unlock` shows the holder and removes it, refusing a fresh lease
 * without --force.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { beforeAll, describe, it } from 'vitest';
import { cli, D, writeBase } from '../io/input/contract-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { startPaused } from '../support/paused-cli.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir('cli-unlock-');
const base = join(root, 'base');
const runArgs = (out: string, ...extra: string[]): string[] => ['run', '--data', base, '--date', D, '--out', out, '--workers', '0', '--quiet', ...extra];

beforeAll(async () => {
  await writeBase(base);
});

/** A run holding the lock of D under `out`, SIGKILLed, its lock rewritten as another pod's (its refresh time kept). */
async function deadPodLock(out: string, leaseSeconds: number): Promise<string> {
  const holder = await startPaused(runArgs(out, '--lock-lease', String(leaseSeconds)), 'publish-before-swap');
  const path = join(out, `.${D}.lock`);
  const owner = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  expectEqual([owner['pid'], owner['lease_ms']], [holder.child.pid, leaseSeconds * 1000], 'the holder’s record');
  await holder.kill9();
  const refreshed = statSync(path).mtime;
  writeFileSync(path, JSON.stringify({ ...owner, host: 'campaign-job-7f9c-pod', pidns: 'pid:[4026532999]' }));
  utimesSync(path, refreshed, refreshed);
  return path;
}

describe('a lock left by a SIGKILLed run in another pod', () => {
  it('refuses the next run while its lease is fresh (exit 75, holder, last refresh, command), then is taken over once it lapses', async () => {
    const out = join(root, 'lapse');
    const path = await deadPodLock(out, 3);
    const refused = await cli(runArgs(out));
    expectEqual([refused.code, refused.stdout], [75, ''], `exit code (stderr: ${refused.stderr})`);
    assert.match(
      refused.stderr,
      new RegExp(
        `^campaign: another run or delivery of ${D} is in progress \\(lock ${path.replaceAll('.', '\\.')}, pid \\d+ on campaign-job-7f9c-pod \\(run ${D}, since [^)]+\\); last refreshed \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, \\d s ago; another host or container, so it counts as running until its lease of 3 s lapses\\); retry later, or if that process is gone: campaign unlock --out ${out.replaceAll('.', '\\.')} --date ${D}\\n$`,
      ),
    );
    expectEqual(existsSync(join(out, D)), false, 'published');
    await delay(Math.max(0, statSync(path).mtimeMs + 3200 - Date.now()));
    const next = await cli(runArgs(out));
    expectEqual(next.code, 0, `exit code after the lease lapsed (stderr: ${next.stderr})`);
    expectEqual([existsSync(join(out, D, 'manifest.json')), existsSync(path)], [true, false], 'published, lock released');
  });

  it('campaign unlock shows the holder and refuses a fresh lease (exit 75); --force removes it and the next run goes', async () => {
    const out = join(root, 'unlock');
    const path = await deadPodLock(out, 120);
    const refused = await cli(['unlock', '--out', out, '--date', D]);
    expectEqual(refused.code, 75, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^campaign: ${path.replaceAll('.', '\\.')} is held by pid \\d+ on campaign-job-7f9c-pod \\(run ${D}, since [^)]+\\); last refreshed .*; not removed: its holder may still be running — wait for its lease to lapse, or add --force if you know it is gone\\n$`));
    expectEqual(existsSync(path), true, 'still locked');
    const forced = await cli(['unlock', '--out', out, '--date', D, '--force']);
    expectEqual(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, new RegExp(`^removed ${path.replaceAll('.', '\\.')}, held by pid \\d+ on campaign-job-7f9c-pod \\(run ${D}, since [^)]+\\); last refreshed `));
    expectEqual(existsSync(path), false, 'removed');
    const again = await cli(['unlock', '--out', out, '--date', D]);
    expectEqual([again.code, again.stdout], [0, `no lock at ${path}\n`]);
    const next = await cli(runArgs(out));
    expectEqual(next.code, 0, next.stderr);
  });

  it('campaign unlock --state removes a ledger lock whose holder on this machine is gone, without --force', async () => {
    const state = join(root, 'state');
    const holder = await startPaused(runArgs(join(root, 'state-out'), '--state', state), 'publish-before-swap');
    await holder.kill9();
    // A dead holder of this machine (the run just killed): stale at once, as its PID shows.
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'deliver.lock'), JSON.stringify({ pid: holder.child.pid, host: JSON.parse(readFileSync(join(root, 'state-out', `.${D}.lock`), 'utf8')).host, purpose: 'purge', since: '2026-11-22T00:00:00.000Z' }));
    const r = await cli(['unlock', '--state', state, '--json']);
    expectEqual(r.code, 0, r.stderr);
    const [shown] = JSON.parse(r.stdout) as { path: string; state: string; removed: boolean; holder: { pid: number } }[];
    expectEqual([shown!.path, shown!.state, shown!.removed, shown!.holder.pid], [join(state, 'deliver.lock'), 'stale', true, holder.child.pid]);
    expectEqual(existsSync(join(state, 'deliver.lock')), false, 'removed');
  });

  it('names a lock or says how: --out and --date together, or --state (exit 2)', async () => {
    for (const [args, message] of [
      [['unlock'], /name a lock: --out DIR --date D, or --state DIR/],
      [['unlock', '--out', root], /--out and --date go together/],
      [['unlock', '--out', root, '--date', '2026-02-30'], /date must be a calendar date YYYY-MM-DD, got '2026-02-30'/],
    ] as const) {
      const r = await cli([...args]);
      expectEqual(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});

it('a live run refreshes its lock: the lock file’s modification time keeps moving while it runs', async () => {
  const out = join(root, 'refresh');
  const holder = await startPaused(runArgs(out, '--lock-lease', '3'), 'publish-before-swap');
  const path = join(out, `.${D}.lock`);
  const first = statSync(path).mtimeMs;
  await delay(1500);
  const later = statSync(path).mtimeMs;
  assert.ok(later > first, `refreshed (${first} → ${later})`);
  expectEqual((await holder.resume()).code, 0, 'the run completes');
});
