import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { LockError } from '../../../engine/errors.js';
import { acquireStateLock } from '../../../io/ledger/state-lock.js';
import { tempDir } from '../../support/temp-dir.js';

test('a second lock on the same state directory fails with a message naming the owner', async () => {
  const dir = tempDir();
  const lock = await acquireStateLock(dir, 'deliver 2026-11-22');
  await assert.rejects(acquireStateLock(dir, 'purge'), (err: unknown) => err instanceof LockError && err.message.includes(`pid ${process.pid}`) && err.message.includes('deliver 2026-11-22'));
  await lock.release();
  const again = await acquireStateLock(dir, 'purge');
  await again.release();
  assert.equal(existsSync(join(dir, 'deliver.lock')), false);
});

test('a lock left by a process that is gone (kill -9) is taken over', async () => {
  const dir = tempDir();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  writeFileSync(join(dir, 'deliver.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), purpose: 'deliver', since: '2026-11-22T00:00:00Z' }));
  const lock = await acquireStateLock(dir, 'deliver');
  await lock.release();
});
