import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/ledger/durable-files.js';
import { renderPreviewHtml } from './html/render-preview-html.js';
import type { CampaignPreview } from './preview-types.js';

/** Writes the preview's self-contained HTML page to `file` (a temp file renamed over it: never half-written); returns its absolute path. */
export async function writePreviewHtml(preview: CampaignPreview, file: string): Promise<string> {
  const target = resolve(file);
  const page = renderPreviewHtml(preview);
  await mkdir(dirname(target), { recursive: true });
  await writeFileAtomic(target, [page]);
  return target;
}
