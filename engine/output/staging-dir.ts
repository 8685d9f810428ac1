import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { lstat, open, readdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fsyncDir } from '../../io/ledger/durable-files.js';
import { CampaignError } from '../errors.js';
import { MANIFEST_FILE } from '../run-dir/run-layout.js';
import { pauseForTest } from './test-pause.js';

/**
 * The published layout of a run: `<out>/<D>` is a symbolic link to `.runs/<D>-<suffix>/`, the
 * directory the run wrote. Publishing builds the new link beside the old one and renames it over
 * it, so `<out>/<D>/` always names one whole run, the previous one or the new one, at every instant
 * and after a crash at any point. A `<out>/<D>/` that is a real directory (published by an older
 * version) is moved into `.runs/` first: the one moment without `<out>/<D>/`, undone by
 * recoverRunDir if the process dies right there.
 *
 * The publisher only ever removes directories it created under `.runs/`: whatever else stands at
 * `<out>/<D>` (a link elsewhere, a file, a directory that is not an older version's run of D) is
 * the user's, and the run stops before writing (checkPublishTarget).
 */
const RUNS = '.runs';

function runsDir(outDir: string): string {
  return join(outDir, RUNS);
}

/** A fresh private directory `<out>/.runs/<D>-<suffix>/` for a run's outputs; unpublished until publishStaging. */
export function createStaging(outDir: string, date: string): string {
  mkdirSync(runsDir(outDir), { recursive: true });
  return mkdtempSync(join(runsDir(outDir), `${date}-`));
}

/**
 * Publishes `staging` as `<outDir>/<date>/`: every file and directory of it is fsynced, then the
 * link is swapped (rename of a new link over the old one) and the directory entry fsynced, then
 * the previous run's directory is removed. Owns `staging`: a failure before the swap removes it.
 */
export async function publishStaging(staging: string, outDir: string, date: string): Promise<void> {
  const finalPath = join(outDir, date);
  const suffix = basename(staging).slice(date.length + 1);
  const link = join(outDir, `.${date}.publish-${suffix}`);
  let previous: string | null = null;
  let legacy: string | null = null;
  try {
    await syncTree(staging);
    await fsyncDir(runsDir(outDir));
    // mkdtemp makes the directory private; a published run gets ordinary directory permissions.
    chmodSync(staging, 0o755);
    await symlink(relative(outDir, staging), link);
    await pauseForTest('publish-before-swap');
    // Checked again at the swap: something may have been put at <out>/<D> while the run computed.
    const current = await checkPublishTarget(outDir, date);
    if (current.kind === 'link') previous = current.target;
    if (current.kind === 'legacy') {
      legacy = join(runsDir(outDir), `${date}-legacy-${suffix}`);
      await rename(finalPath, legacy);
      await pauseForTest('publish-legacy-moved');
    }
    await rename(link, finalPath);
  } catch (err) {
    if (legacy !== null && (await lstatOrNull(finalPath)) === null) await rename(legacy, finalPath);
    await rm(link, { force: true });
    discardStaging(staging);
    throw err;
  }
  await fsyncDir(outDir);
  await pauseForTest('publish-after-swap');
  for (const old of [previous, legacy]) if (old !== null && old !== resolve(staging)) await rm(old, { recursive: true, force: true });
}

/** What stands at `<out>/<D>` that a publish may replace (see checkPublishTarget). */
export type PublishTarget =
  /** Nothing: the date was never published. */
  | { kind: 'none' }
  /** The link a publish made, to `target`: `<out>/.runs/<D>-XXXXXX` (absolute; it may be gone). */
  | { kind: 'link'; target: string }
  /** A real directory holding a run of D, as versions before the link layout published it. */
  | { kind: 'legacy' };

/**
 * What is at `<out>/<D>`, refusing (CampaignError `OUTPUT`, one line naming it and what to do)
 * anything the publisher did not make: a link to anywhere but a run directory of D under
 * `<out>/.runs/` (relative links included), a file, or a directory that is not a run of D an
 * older version published (its manifest.json names D). Such things are the user's, and
 * replacing them would delete them. `<out>/.runs` itself must be a real directory.
 */
export async function checkPublishTarget(outDir: string, date: string): Promise<PublishTarget> {
  const finalPath = join(outDir, date);
  const refuse = (what: string): CampaignError =>
    new CampaignError('OUTPUT', `cannot publish ${date}: ${finalPath} ${what}; the engine only replaces what it published there: move it away or use another --out`);
  await checkRunsDir(outDir);
  const stat = await lstatOrNull(finalPath);
  if (stat === null) return { kind: 'none' };
  if (stat.isSymbolicLink()) {
    const raw = await readlink(finalPath);
    const target = resolve(outDir, raw);
    const runDir = new RegExp(`^${date}-[A-Za-z0-9]{6}$`);
    if (dirname(target) !== resolve(runsDir(outDir)) || !runDir.test(basename(target))) {
      throw refuse(`is a symbolic link to ${raw}, not to a run directory of ${date} under ${join(outDir, RUNS)}/`);
    }
    const targetStat = await lstatOrNull(target);
    if (targetStat !== null && !targetStat.isDirectory()) throw refuse(`links to ${raw}, which is not a directory`);
    return { kind: 'link', target };
  }
  if (!stat.isDirectory()) throw refuse('is a file, not a published run');
  if (!(await isRunOf(finalPath, date))) throw refuse(`is a directory that is not a run of ${date} (no ${MANIFEST_FILE} for ${date} in it)`);
  return { kind: 'legacy' };
}

/** `<out>/.runs` is absent or a real directory: never a link, whose target's entries we would remove. */
async function checkRunsDir(outDir: string): Promise<void> {
  const stat = await lstatOrNull(runsDir(outDir));
  if (stat !== null && !stat.isDirectory()) {
    throw new CampaignError('OUTPUT', `${runsDir(outDir)} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'a file'}, not the engine's directory of runs; move it away or use another --out`);
  }
}

/** True when `dir` holds a manifest.json of a run of `date` (what every version wrote). */
async function isRunOf(dir: string, date: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { campaign_date?: unknown; run_id?: unknown } | null;
    return manifest?.campaign_date === date && typeof manifest.run_id === 'string';
  } catch {
    return false;
  }
}

export function discardStaging(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Puts `<outDir>/<date>/` back in order after a run killed at any point; the caller holds the
 * date's run lock, so no run of the date is writing. A killed run never publishes: a real
 * directory it had moved aside (older layout) goes back, its pending link and unpublished
 * directories are removed, and so are the previous runs' directories a publish did not get to
 * remove, and the `.staging-*` and `.previous` directories of older versions.
 */
export async function recoverRunDir(outDir: string, date: string): Promise<void> {
  const finalPath = join(outDir, date);
  await checkRunsDir(outDir);
  const outEntries = await readdirOrEmpty(outDir);
  const runEntries = await readdirOrEmpty(runsDir(outDir));
  if ((await lstatOrNull(finalPath)) === null) {
    // Killed between moving the old directory aside and linking the new run: restore the old one.
    const moved = [
      ...runEntries.filter((n) => n.startsWith(`${date}-legacy-`)).map((n) => join(runsDir(outDir), n)),
      ...outEntries.filter((n) => n.startsWith(`.staging-${date}-`) && n.endsWith('.previous')).map((n) => join(outDir, n)),
    ];
    if (moved.length > 0) {
      await rename(moved[0]!, finalPath);
      await fsyncDir(outDir);
    }
  }
  for (const name of outEntries) {
    if (name.startsWith(`.${date}.publish-`) || name.startsWith(`.staging-${date}-`)) await rm(join(outDir, name), { recursive: true, force: true });
  }
  const keep = await currentTarget(outDir, date);
  for (const name of await readdirOrEmpty(runsDir(outDir))) {
    const path = join(runsDir(outDir), name);
    if (name.startsWith(`${date}-`) && path !== keep) await rm(path, { recursive: true, force: true });
  }
}

/** The directory `<outDir>/<date>` links to (absolute), or null when it is absent or not a link. */
async function currentTarget(outDir: string, date: string): Promise<string | null> {
  try {
    return resolve(outDir, await readlink(join(outDir, date)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return null;
    throw err;
  }
}

/** fsyncs every file and directory under `dir`, bottom up, so nothing published is lost in a power cut. */
async function syncTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return syncTree(path);
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }),
  );
  await fsyncDir(dir);
}

async function lstatOrNull(path: string): Promise<Awaited<ReturnType<typeof lstat>> | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
