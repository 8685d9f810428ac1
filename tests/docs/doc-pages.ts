import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCliReference } from './cli-reference.js';
import { renderConfigReference } from './config-reference.js';
import { renderInputReference } from './input-reference.js';
import { replaceGenerated } from './generated-sections.js';
import { renderStorageOptions } from './storage-reference.js';

/** The repository root, from dist/tests/docs/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The pages with parts generated from the code, and the renderer of each part. */
const GENERATED: Readonly<Record<string, Readonly<Record<string, () => string>>>> = {
  'docs/configuration.md': { 'config-keys': renderConfigReference },
  'docs/inputs.md': { 'input-tables': renderInputReference },
  'docs/cli.md': { 'cli-help': renderCliReference },
  'docs/object-storage.md': { 'storage-options': renderStorageOptions },
};

/** Each generated page as it should read now: its file with every generated part rendered again. */
export function renderGeneratedPages(): Map<string, { path: string; current: string; expected: string }> {
  const pages = new Map<string, { path: string; current: string; expected: string }>();
  for (const [page, parts] of Object.entries(GENERATED)) {
    const path = join(REPO_ROOT, page);
    const current = readFileSync(path, 'utf8');
    const sections = Object.fromEntries(Object.entries(parts).map(([name, render]) => [name, render()]));
    pages.set(page, { path, current, expected: replaceGenerated(page, current, sections) });
  }
  return pages;
}
