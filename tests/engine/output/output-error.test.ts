/**
 * A disk that fills up under `--out` (a real 8 KiB tmpfs mounted in a private mount namespace, so
 * no root is needed where unprivileged user namespaces are allowed): one line naming the file that
 * could not be written and the system's reason, exit 3, nothing published.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, it } from 'vitest';
import { CLI, D, writeBase } from '../../io/input/contract-fixture.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const root = tempDir('output-error-');
const data = join(root, 'data');
beforeAll(() => writeBase(data));

const namespaces = spawnSync('unshare', ['-rm', 'true']).status === 0;

it('disk full on --out: one line naming the file and ENOSPC, exit 3, nothing published', ({ skip }) => {
  skip(!namespaces, 'unshare -rm (user and mount namespaces) is not available');
  const out = join(root, 'out');
  mkdirSync(out);
  // The run and a listing of what it left, inside the namespace that has the small filesystem.
  const script = `mount -t tmpfs -o size=8k tmpfs "$1" && "$2" "$3" run --data "$4" --date "$5" --out "$1" --workers 1 --quiet; echo "exit=$?"; ls -A "$1" "$1/.runs"`;
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', script, 'sh', out, process.execPath, CLI, data, D], { encoding: 'utf8' });
  const stderr = r.stderr.split('\n').filter((l) => l !== '');
  expectEqual(stderr.length, 1, `one line on stderr: ${r.stderr}`);
  assert.match(stderr[0]!, new RegExp(`^campaign: cannot write ${out}/\\.runs/${D}-\\w+/(selection\\.parquet|payloads\\.ndjson|manifest\\.json|scenarios/\\w+\\.parquet): ENOSPC \\(no space left on device\\)$`));
  const [exit, ...listing] = r.stdout.split('\n').filter((l) => l !== '');
  expectEqual(exit, 'exit=3', 'exit code');
  // `state/` holds the plays cache the load wrote (derived data, whatever happens to the outputs).
  expectEqual(listing, [`${out}:`, '.runs', 'state', `${out}/.runs:`], 'no run published, no staging, no lock left');
});
