import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Makes a directory's entries (a created, renamed or removed file) survive a power loss.
 * Some platforms cannot open a directory for fsync; there the rename itself is all we get.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with the concatenation of `chunks`, atomically: readers see the old file or the
 * new one, never a mix, and a crash at any point leaves one of the two. Temp file, fsync, rename,
 * fsync of the directory.
 */
export async function writeFileAtomic(path: string, chunks: Iterable<string | Buffer>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, 'w');
  try {
    for (const chunk of chunks) await handle.writeFile(chunk);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/**
 * Calls `onLine` for every line of a file with the line's bytes `buf[start, end)` (valid only
 * during the call), streaming: ledgers can exceed the largest JS string. `complete` is false only
 * for a last line that has no terminating newline.
 */
export async function forEachLineBytes(path: string, onLine: (buf: Buffer, start: number, end: number, lineNo: number, complete: boolean) => void): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const chunkSize = 8 << 20;
    let carry = Buffer.alloc(0);
    let lineNo = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await handle.read(chunk, 0, chunkSize, null);
      if (bytesRead === 0) break;
      const data = carry.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
      let start = 0;
      for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
        onLine(data, start, end, ++lineNo, true);
        start = end + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) onLine(carry, 0, carry.length, ++lineNo, false);
  } finally {
    await handle.close();
  }
}

/** forEachLineBytes with each line decoded as UTF-8. */
export function forEachLine(path: string, onLine: (line: string, lineNo: number, complete: boolean) => void): Promise<void> {
  return forEachLineBytes(path, (buf, start, end, lineNo, complete) => onLine(buf.toString('utf8', start, end), lineNo, complete));
}
