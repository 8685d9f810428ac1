import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CampaignError } from '../../../engine/errors.js';

/**
 * Builds a directory so it appears complete or not at all: `build` fills a hidden temp directory
 * beside `outDir`, which is then renamed into place (same filesystem, so the rename is atomic).
 * An existing non-empty `outDir` is never touched; an empty one is replaced.
 */
export async function buildDirectoryAtomically<T>(outDir: string, build: (dir: string) => Promise<T>): Promise<T> {
  const target = resolve(outDir);
  await refuseNonEmpty(target);
  await mkdir(dirname(target), { recursive: true });
  const temp = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    const result = await build(temp);
    // mkdtemp makes the directory private; the published dataset gets ordinary directory permissions.
    await chmod(temp, 0o755);
    await publish(temp, target);
    return result;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

async function refuseNonEmpty(target: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(target)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!isDirectory) throw outputExists(target, 'exists and is not a directory');
  if ((await readdir(target)).length > 0) throw outputExists(target, 'already exists and is not empty');
}

async function publish(temp: string, target: string): Promise<void> {
  try {
    // rename(2) replaces an empty directory and fails on a non-empty one, so a directory filled
    // by someone else while we were generating is still never overwritten.
    await rename(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw outputExists(target, 'was filled by something else while generating');
    if (code === 'ENOTDIR') throw outputExists(target, 'exists and is not a directory');
    throw err;
  }
}

function outputExists(target: string, problem: string): CampaignError {
  return new CampaignError('OUTPUT_EXISTS', `output ${target} ${problem}; remove it or choose another --out`);
}
