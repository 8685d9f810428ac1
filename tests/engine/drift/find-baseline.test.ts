import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { findBaseline } from '../../../engine/drift/find-baseline.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

function manifest(send: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run_id: `run-${send}`,
    effective_config: { selection: { mode: 'behavior' } },
    counts: { status: { send, holdout: 1 }, profiles: { eligible: send * 2 }, send_scenario: { trending: send } },
    ...extra,
  };
}

function writeRun(out: string, name: string, content: Record<string, unknown> | string | null): void {
  mkdirSync(join(out, name), { recursive: true });
  if (content !== null) writeFileSync(join(out, name, 'manifest.json'), typeof content === 'string' ? content : JSON.stringify(content));
}

test('the baseline is the latest earlier date with a usable manifest; later dates, staging and other entries are not runs', async () => {
  const out = tempDir();
  writeRun(out, '2026-11-01', manifest(100));
  writeRun(out, '2026-11-18', manifest(180, { effective_config: { selection: { mode: 'calendar' } } }));
  writeRun(out, '2026-11-19', '{"counts": ');
  writeRun(out, '2026-11-20', manifest(200, { counts: { status: { send: 200 } } }));
  writeRun(out, '2026-11-21', manifest(210, { drift: { status: 'failed' } }));
  writeRun(out, '2026-11-22', manifest(220));
  writeRun(out, '2026-11-23', manifest(230));
  writeRun(out, '.staging-2026-11-21-abc', manifest(999));
  writeRun(out, '2026-11-31', manifest(999));
  writeRun(out, 'state', manifest(999));
  writeRun(out, '2026-11-17', null);
  writeFileSync(join(out, '.2026-11-22.lock'), '{}');

  const found = await findBaseline(out, '2026-11-22');
  expectEqual(found.baseline, { date: '2026-11-18', runId: 'run-180', counts: { sendAccounts: 180, eligibleProfiles: 360, sendScenario: { trending: 180 } }, selectionMode: 'calendar' });
  expectEqual(found.ignored.length, 3);
  expectEqual(found.ignored[0], 'passed over the run of 2026-11-21 as a baseline: it failed the drift guard and was never delivered');
  expectEqual(found.ignored[1], `ignored ${join(out, '2026-11-20', 'manifest.json')} as a baseline: no counts.profiles.eligible`);
  expectEqual(found.ignored[2]!.startsWith(`ignored ${join(out, '2026-11-19', 'manifest.json')} as a baseline: `), true, found.ignored[2]);

  // A failed run that was delivered (with --accept-drift) is a baseline again.
  writeRun(out, '2026-11-21', manifest(210, { drift: { status: 'failed' }, delivery: { accepted: 210 } }));
  expectEqual((await findBaseline(out, '2026-11-22')).baseline?.date, '2026-11-21');
  // Missing manifests are reported; no earlier run at all is no baseline.
  const early = await findBaseline(out, '2026-11-18');
  expectEqual([early.baseline?.date, early.ignored], ['2026-11-01', [`ignored ${join(out, '2026-11-17', 'manifest.json')} as a baseline: ENOENT`]]);
  expectEqual(await findBaseline(out, '2026-11-01'), { baseline: null, ignored: [] });
  expectEqual(await findBaseline(join(out, 'nowhere'), '2026-11-22'), { baseline: null, ignored: [] });
});
