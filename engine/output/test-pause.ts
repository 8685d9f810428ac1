import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Test hook for crash tests: when the environment variable CAMPAIGN_TEST_PAUSE names `point`, the
 * process writes `<CAMPAIGN_TEST_PAUSE_DIR>/<point>.paused` (its PID) and waits there until
 * `<point>.resume` appears, so a test can SIGKILL it at that exact moment, or let it go on. Without
 * the variable (production) it returns at once.
 */
export async function pauseForTest(point: string): Promise<void> {
  const at = process.env['CAMPAIGN_TEST_PAUSE'];
  const dir = process.env['CAMPAIGN_TEST_PAUSE_DIR'];
  if (at !== point || dir === undefined) return;
  writeFileSync(join(dir, `${point}.paused`), String(process.pid));
  while (!existsSync(join(dir, `${point}.resume`))) await delay(10);
}
