import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from './cleanup.js';

/** A fresh directory, removed when the test (or, created outside a test, the test file) finishes. */
export function tempDir(prefix = 'campaign-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
