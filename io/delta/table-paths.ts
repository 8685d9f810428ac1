import { readdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeltaError } from './delta-error.js';

/** How a user lets a Delta log point outside the dataset (CLI option, library option). */
export const ALLOW_EXTERNAL = '--allow-external-path DIR (library: allowExternalPaths)';

/** A path of the log resolved to a local file, before any check of where it may be. */
export interface LogPath {
  /** The path as the log wrote it (for messages). */
  uri: string;
  /** Absolute, normalised, percent-decoded. */
  file: string;
  /** Written relative to the table (must stay inside it), or absolute / a `file:` URI (must be under an allowed root). */
  relative: boolean;
}

/**
 * The one rule turning a path of a Delta log into a local file (protocol: paths are URIs, "which
 * needs to be decoded"): a `file:` URI or an absolute path names that file; any other scheme is
 * refused (this reader reads local disks); anything else is relative to `base` (the table, or
 * `_delta_log/_sidecars` for a sidecar). Percent-decoding comes first, then normalisation, so
 * `%2E%2E/` is `../` and `./part-0.parquet` is `part-0.parquet`. Encoding that does not decode
 * (`%zz`) and NUL bytes are errors, never a stack trace.
 */
export function resolveLogPath(uri: string, base: string): LogPath {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  let encoded = uri;
  if (scheme !== null) {
    if (scheme[1]!.toLowerCase() !== 'file') throw new DeltaError(null, `path '${uri}': '${scheme[1]}:' paths are not supported (only files on this machine)`);
    const local = /^file:(\/\/([^/]*))?(\/.*)$/i.exec(uri);
    if (local === null || (local[2] !== undefined && local[2] !== '' && local[2].toLowerCase() !== 'localhost')) {
      throw new DeltaError(null, `path '${uri}': a file: URI must name an absolute path on this machine (file:///dir/file)`);
    }
    encoded = local[3]!;
  }
  let path: string;
  try {
    path = encoded.includes('%') ? decodeURIComponent(encoded) : encoded;
  } catch {
    throw new DeltaError(null, `path '${uri}' is not valid percent-encoding`);
  }
  if (path.includes('\0')) throw new DeltaError(null, `path '${JSON.stringify(uri).slice(1, -1)}' holds a NUL byte`);
  const relativePath = scheme === null && !path.startsWith('/');
  // Plain concatenation for the usual `dir/part-….parquet`: path.resolve normalises, and costs
  // ~90 ms over 10,000 files.
  const file = relativePath && !/(^|\/)\.\.?(\/|$)|\/\//.test(path) ? `${base}/${path}` : resolve(base, path);
  return { uri, file, relative: relativePath };
}

/** resolveLogPath's file, with no rule of where it may be (a store applies its own: TablePaths, io/storage). */
export function pathFromUri(uri: string, base: string): string {
  return resolveLogPath(uri, base).file;
}

/** The file of a path written relative to the table; one that resolves out of `tableDir` (absolute, normalised) is an error, for every store. */
export function fileInTable(uri: string, base: string, tableDir: string): string {
  const path = resolveLogPath(uri, base);
  if (path.relative && !inside(tableDir, path.file)) throw outsideTable(path.file);
  return path.file;
}

function outsideTable(file: string): DeltaError {
  return new DeltaError(null, `resolves to ${file}, outside the table; a relative path in a Delta log must stay inside the table directory`);
}

/** Whether `path` is `root` or inside it (both absolute and normalised; a prefix test, as path.relative costs ~10× more over 10,000 files). */
function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/**
 * Where the files of a local Delta table may be (docs/inputs.md "Paths in a Delta log"):
 * - a path written relative to the table must resolve inside the table directory, always;
 * - an absolute path or `file:` URI (shallow clones, `p` deletion vectors) must be under an
 *   allowed root: the dataset directory, and any directory the user allows;
 * - symbolic links are followed, and where a file really is must obey the same rule: a symlinked
 *   data file, deletion vector, sidecar, log file or `_delta_log` that leads out of the table
 *   (or, for an absolute path, out of the allowed roots) is refused. The table directory itself
 *   may be a link: its real location is the table.
 * Existence comes from one listing per directory (10,000 `stat` calls cost ~150 ms where a dozen
 * listings cost ~5), and only entries the listing shows as links are resolved one by one.
 */
export class TablePaths {
  private readonly tableDir: string;
  private readonly tableRoot: string;
  private readonly allowed: string[];
  private readonly realAllowed: string[];
  private readonly listings = new Map<string, Map<string, boolean> | null>();
  private readonly realDirs = new Map<string, string | null>();

  /** `tableDir` and `allowedRoots` absolute; the allowed roots include the dataset directory. */
  constructor(tableDir: string, allowedRoots: readonly string[]) {
    this.tableDir = resolve(tableDir);
    this.tableRoot = realOr(this.tableDir);
    this.allowed = allowedRoots.map((r) => resolve(r));
    this.realAllowed = this.allowed.map(realOr);
  }

  /** The file a path of the log names, if it may be read there; otherwise an error saying why (its caller names the path). */
  check(path: LogPath): string {
    const { file } = path;
    if (path.relative) {
      if (!inside(this.tableDir, file)) throw outsideTable(file);
      this.present(file);
      return file;
    }
    if (![...this.allowed, ...this.realAllowed].some((r) => inside(r, file))) {
      throw new DeltaError(null, `is outside the table and the directories allowed for external paths (${this.allowed.join(', ')}); to read it, allow a directory holding it with ${ALLOW_EXTERNAL}`);
    }
    const real = this.realPath(file);
    if (real !== null && real !== file && !this.realAllowed.some((r) => inside(r, real))) {
      throw new DeltaError(null, `is a symbolic link (or lies under one) to ${real}, outside the directories allowed for external paths (${this.allowed.join(', ')}); to read it, allow a directory holding it with ${ALLOW_EXTERNAL}`);
    }
    return file;
  }

  /**
   * Whether `file` exists (from its directory's listing; a dangling link does not). A file inside
   * the table (log, checkpoint, sidecar, data or deletion-vector file) must really be there: one
   * that is a link out of the table is a DeltaError naming it.
   */
  present(file: string): boolean {
    const real = this.realPath(file);
    if (real === null) return false;
    if (real !== file && inside(this.tableDir, file) && !inside(this.tableRoot, real)) {
      throw new DeltaError(file, `is a symbolic link (or lies under one) to ${real}, outside the table; files of a Delta table must really be inside it`);
    }
    return true;
  }

  /** Where `file` really is, following links; null when it does not exist. */
  private realPath(file: string): string | null {
    // The last '/' splits a resolved path as dirname and basename do, at a fraction of their cost.
    const slash = file.lastIndexOf('/');
    const dir = slash === 0 ? '/' : file.slice(0, slash);
    const name = file.slice(slash + 1);
    const link = this.listing(dir)?.get(name);
    if (link === undefined) return null;
    if (link) return realOrNull(file);
    let real = this.realDirs.get(dir);
    if (real === undefined) {
      real = realOrNull(dir);
      this.realDirs.set(dir, real);
    }
    return real === null ? null : `${real}/${name}`;
  }

  /** The names in `dir`, each with whether it is a symbolic link; null when `dir` cannot be listed. */
  private listing(dir: string): Map<string, boolean> | null {
    let names = this.listings.get(dir);
    if (names === undefined) {
      try {
        names = new Map(readdirSync(dir, { withFileTypes: true }).map((e) => [e.name, e.isSymbolicLink()]));
      } catch {
        names = null;
      }
      this.listings.set(dir, names);
    }
    return names;
  }
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
}

function realOr(path: string): string {
  return realOrNull(path) ?? resolve(path);
}
