import assert from 'node:assert/strict';
import { vi } from 'vitest';
import type { Command } from '../../cli/command.js';
import { expectEqual } from './expect-equal.js';

/** Runs `command` on each case's arguments: exit 2, the message and the command's usage on stderr. */
export async function usageErrors(command: Command, cases: [string[], RegExp][]): Promise<void> {
  const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    for (const [args, message] of cases) {
      stderr.mockClear();
      expectEqual(await command.run(args), 2, `exit code for ${args.join(' ')}`);
      const printed = stderr.mock.calls.map((c) => String(c[0])).join('\n');
      assert.match(printed, message);
      assert.match(printed, new RegExp(`usage: campaign ${command.name}`));
    }
  } finally {
    stderr.mockRestore();
  }
}
