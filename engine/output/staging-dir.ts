import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Outputs are written into a hidden staging directory beside the final one and renamed into
 * place only when complete, so `<out>/<D>/` is either the previous run's or this run's, whole.
 */
export function createStaging(outDir: string, date: string): string {
  mkdirSync(outDir, { recursive: true });
  return mkdtempSync(join(outDir, `.staging-${date}-`));
}

export function publishStaging(staging: string, finalDir: string): void {
  if (!existsSync(finalDir)) {
    renameSync(staging, finalDir);
    return;
  }
  // rename() cannot replace a non-empty directory: move the old run aside first, then drop it.
  const retired = `${staging}.previous`;
  renameSync(finalDir, retired);
  renameSync(staging, finalDir);
  rmSync(retired, { recursive: true, force: true });
}

export function discardStaging(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}
