import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/ledger/durable-files.js';
import { CampaignError } from '../errors.js';
import { engineOwnedPlace } from '../run-dir/engine-owned.js';
import type { EngineRoots } from '../run-dir/engine-owned.js';
import { renderPreviewHtml } from './html/render-preview-html.js';
import type { CampaignPreview } from './preview-types.js';

/** Where a preview reads: its output roots and state directories, nothing of which it writes. */
export interface PreviewReads {
  outDirs: readonly string[];
  stateDirs: readonly string[];
  /** The scratch directory the runs are kept in, if any: its `old/` and `new/` runs are not written over either. */
  scratchDir?: string | null;
}

/**
 * Refuses (CampaignError `BAD_OPTION`, one line) an HTML target a preview must not write: under
 * the output roots or state directories it reads, under the scratch runs, or anywhere the engine
 * owns files (a published run, a ledger, whatever the options named). Returns the absolute path.
 */
export function checkPreviewHtmlTarget(file: string, reads: PreviewReads): string {
  const target = resolve(file);
  const scratch = reads.scratchDir === undefined || reads.scratchDir === null ? [] : ['old', 'new'].map((side) => ({ dir: join(reads.scratchDir!, side), what: 'the preview run' }));
  const roots: EngineRoots = {
    outDirs: reads.outDirs,
    stateDirs: reads.stateDirs,
    readOnly: [...reads.outDirs.map((dir) => ({ dir, what: 'the output root' })), ...scratch],
  };
  const owned = engineOwnedPlace(target, roots);
  if (owned !== null) throw new CampaignError('BAD_OPTION', `cannot write the preview page ${target}: it is ${owned}; a preview writes nothing there — choose a file outside the runs, the state directory and the scratch runs`);
  return target;
}

/**
 * Writes the preview's self-contained HTML page to `file` (a temp file renamed over it: never
 * half-written), once checkPreviewHtmlTarget allows it; returns its absolute path.
 */
export async function writePreviewHtml(preview: CampaignPreview, file: string, reads: Omit<PreviewReads, 'scratchDir'> = { outDirs: [], stateDirs: [] }): Promise<string> {
  const target = checkPreviewHtmlTarget(file, { ...reads, scratchDir: preview.scratchDir });
  const page = renderPreviewHtml(preview);
  await mkdir(dirname(target), { recursive: true });
  await writeFileAtomic(target, [page]);
  return target;
}
