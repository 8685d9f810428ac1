import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../../../bench/workloads/cli/main.js', import.meta.url));

interface Running {
  url: string;
  exited: Promise<number | null>;
  stop: () => void;
}

function start(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, 'sandbox-clevertap', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => {
      const url = /^sandbox-clevertap listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
      if (url === undefined) reject(new Error(`unexpected first line: ${line}`));
      else resolve({ url, exited, stop: () => child.kill('SIGTERM') });
    });
    void exited.then(() => reject(new Error('exited before listening')));
  });
}

const auth = { 'X-CleverTap-Account-Id': 'SANDBOX-ACCOUNT', 'X-CleverTap-Passcode': 'sandbox-passcode' };

function records(from: number, n: number): string {
  return JSON.stringify({ d: Array.from({ length: n }, (_, i) => ({ identity: `c${from + i}`, type: 'event', evtName: 'e', ts: 1, evtData: { profile_id: from + i } })) });
}

test('the crash fault exits the process (status 3) and the dump records what was accepted', async () => {
  const dump = join(tempDir(), 'dump.json');
  const sandbox = await start(['--faults', 'crash:after=100', '--dump', dump]);
  const first = await fetch(`${sandbox.url}/1/upload`, { method: 'POST', headers: auth, body: records(0, 60) });
  expectEqual(first.status, 200);
  await assert.rejects(fetch(`${sandbox.url}/1/upload`, { method: 'POST', headers: auth, body: records(60, 60) }));
  expectEqual(await sandbox.exited, 3);
  const dumped = JSON.parse(readFileSync(dump, 'utf8')) as { accepted: number; unique: number; crashed: boolean; records: Record<string, number> };
  expectEqual([dumped.accepted, dumped.unique, dumped.crashed, Object.keys(dumped.records).length], [60, 60, true, 60]);
});

test('SIGTERM stops it cleanly and writes the dump', async () => {
  const dump = join(tempDir(), 'dump.json');
  const sandbox = await start(['--dump', dump]);
  const res = await fetch(`${sandbox.url}/1/upload`, { method: 'POST', headers: auth, body: records(0, 5) });
  expectEqual(res.status, 200);
  sandbox.stop();
  expectEqual(await sandbox.exited, 0);
  expectEqual((JSON.parse(readFileSync(dump, 'utf8')) as { unique: number }).unique, 5);
});

test('bad arguments exit 2 naming the option', () => {
  const bad = (args: string[]): string => {
    const r = spawnSync(process.execPath, [MAIN, 'sandbox-clevertap', ...args], { encoding: 'utf8', timeout: 10_000 });
    expectEqual(r.status, 2, args.join(' '));
    return r.stderr;
  };
  assert.match(bad(['--faults', 'explode:now=1']), /--faults: unknown fault 'explode'/);
  assert.match(bad(['--port', 'http']), /--port must be a port number/);
  assert.match(bad(['--max-concurrent', '0']), /--max-concurrent must be a positive integer/);
});
