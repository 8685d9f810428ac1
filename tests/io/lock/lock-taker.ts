/**
 * A child process for lock-file.test.ts, driven line by line on stdin:
 * `take <path>` tries the lock once and answers `won` or `busy`; `release` releases what it holds
 * and answers `released`. Answers go to stdout, one line each.
 */
import { createInterface } from 'node:readline';
import { LockError } from '../../../engine/errors.js';
import { acquireLockFile } from '../../../io/lock/lock-file.js';
import type { LockFile } from '../../../io/lock/lock-file.js';

let held: LockFile | null = null;
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(' ', 2) as [string, string | undefined];
  if (command === 'take') {
    try {
      held = await acquireLockFile(arg!, 'lock-taker', (who) => `busy: ${who}`);
      process.stdout.write('won\n');
    } catch (err) {
      if (!(err instanceof LockError)) throw err;
      process.stdout.write('busy\n');
    }
  } else if (command === 'release') {
    await held?.release();
    held = null;
    process.stdout.write('released\n');
  }
}
