import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { tryParseDay } from '../dates.js';
import { MANIFEST_FILE, SELECTION_FILE } from './run-layout.js';

/**
 * The places a user-named output (`preview --html FILE`, `report --report-dir DIR`) must not be
 * written into, because the engine owns what is there: a published run (a later run would
 * publish over it, or the file would sit among its outputs), the delivery ledger (a snapshot
 * overwritten is a damaged ledger), the output root's own entries (`<D>`, `.runs/`, locks).
 */
export interface EngineRoots {
  /** Output roots: their date entries, dot entries (`.runs/`, locks) and `state/` are the engine's; other names (e.g. `reports/`) are free. */
  outDirs: readonly string[];
  /** Delivery state directories: nothing is written under them. */
  stateDirs: readonly string[];
  /** Directories nothing may be written under at all, with what they are (e.g. a preview's scratch runs). */
  readOnly?: readonly { dir: string; what: string }[];
}

function inside(path: string, root: string): string | null {
  const rel = relative(resolve(root), path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)) ? rel : null;
}

/** `path` as given (absolute) and with the symbolic links of its existing part resolved: `<out>/<D>` is a link into `.runs/`. */
function spellings(path: string): string[] {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    const real = join(realpathSync(existing), relative(existing, path));
    return real === path ? [path] : [path, real];
  } catch {
    return [path];
  }
}

/** What `dir` is, judged by what it holds (whatever the options said), or null. */
function ownedByContent(dir: string): string | null {
  if (existsSync(join(dir, MANIFEST_FILE)) && existsSync(join(dir, SELECTION_FILE))) return `the published run ${dir}`;
  if (existsSync(join(dir, 'snapshot.tsv')) || existsSync(join(dir, 'deliver.lock')) || (existsSync(join(dir, 'ledger')) && existsSync(join(dir, 'history')))) return `the delivery ledger ${dir}`;
  if (basename(dir) === '.runs') return `the run directories ${dir}`;
  return null;
}

/**
 * Why `target` (a file or directory about to be written, itself or anything under it) is a place
 * the engine owns, e.g. `inside the published run /srv/out/2026-11-22`, or null when it is free.
 */
export function engineOwnedPlace(target: string, roots: EngineRoots): string | null {
  for (const path of spellings(resolve(target))) {
    for (const r of roots.readOnly ?? []) if (inside(path, r.dir) !== null) return `inside ${r.what} ${resolve(r.dir)}`;
    for (const s of roots.stateDirs) if (inside(path, s) !== null) return `inside the delivery state directory ${resolve(s)}`;
    for (const o of roots.outDirs) {
      const rel = inside(path, o);
      if (rel === null) continue;
      const first = rel.split(sep)[0]!;
      if (rel === '' || first.startsWith('.') || first === 'state' || tryParseDay(first) !== null) return `inside the published runs of ${resolve(o)}`;
    }
    for (let dir = path; ; dir = dirname(dir)) {
      const owned = ownedByContent(dir);
      if (owned !== null) return `inside ${owned}`;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}
