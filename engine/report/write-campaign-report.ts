import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CampaignError } from '../errors.js';
import { engineOwnedPlace } from '../run-dir/engine-owned.js';
import type { EngineRoots } from '../run-dir/engine-owned.js';
import { renderReportHtml } from './html/render-report-html.js';
import type { CampaignReport } from './report-types.js';

export interface WrittenReport {
  dir: string;
  json: string;
  html: string;
}

/**
 * Refuses (CampaignError `BAD_OPTION`, one line) a report directory where the engine owns files:
 * a published run, `<out>/<D>` or `.runs/`, the delivery state directory, a ledger. A report may
 * go anywhere else under `<out>` (its default is `<out>/reports/<from>_<to>`). Returns it absolute.
 */
export function checkReportDir(dir: string, roots: EngineRoots): string {
  const target = resolve(dir);
  const owned = engineOwnedPlace(target, roots);
  if (owned !== null) throw new CampaignError('BAD_OPTION', `cannot write the report into ${target}: it is ${owned}; choose a --report-dir outside the published runs and the state directory`);
  return target;
}

/**
 * Writes `report.json` and the self-contained `report.html` into `dir` (created if needed), once
 * checkReportDir allows it (`roots`: the output roots and state directories the report read). Both
 * are rendered before anything is written, and each file is written to a hidden temp file in `dir`
 * and renamed over the old one, so a reader sees the previous report or the new one, never half.
 * `report.json` is renamed last: when it is new, so is the HTML.
 */
export async function writeCampaignReport(report: CampaignReport, dir: string, roots: EngineRoots = { outDirs: [], stateDirs: [] }): Promise<WrittenReport> {
  const target = checkReportDir(dir, roots);
  const html = renderReportHtml(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  await mkdir(target, { recursive: true });
  const files = { html: join(target, 'report.html'), json: join(target, 'report.json') };
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps: string[] = [];
  try {
    for (const [file, text] of [[files.html, html], [files.json, json]] as const) {
      const temp = join(target, `.${file.slice(target.length + 1)}.tmp-${suffix}`);
      temps.push(temp);
      await writeFile(temp, text);
    }
    await rename(temps[0]!, files.html);
    await rename(temps[1]!, files.json);
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
  return { dir: target, ...files };
}
