import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from '../errors.js';
import { networkFailure, StoreFailure } from './object-store.js';
import type { ObjectStore } from './object-store.js';
import { storageFailure, withRetries } from './retry.js';
import type { Limiter, RetryPolicy } from './retry.js';

/** Bytes per ranged GET: big enough to stream at full speed, small enough to resume cheaply. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/** What a run transferred from object storage (the manifest's `inputs.transfer`). */
export interface TransferStats {
  listRequests: number;
  headRequests: number;
  getRequests: number;
  bytesDownloaded: number;
  filesDownloaded: number;
  filesFromCache: number;
  /** Downloads started again because the object changed while it was read. */
  restarts: number;
}

export function emptyStats(): TransferStats {
  return { listRequests: 0, headRequests: 0, getRequests: 0, bytesDownloaded: 0, filesDownloaded: 0, filesFromCache: 0, restarts: 0 };
}

export interface TransferContext {
  store: ObjectStore;
  policy: RetryPolicy;
  signal: AbortSignal;
  limiter: Limiter;
  stats: TransferStats;
  chunkBytes: number;
}

/** An object to read: its size when a listing or the Delta log says it; its ETag when a listing gave one. */
export interface ObjectRef {
  key: string;
  url: string;
  size: number | null;
  etag: string | null;
  /** The size is the Delta log's: a different one is an error, not a change to follow. */
  sizeFixed: boolean;
}

/** The object's identity as it was read. */
export interface ObjectRead {
  size: number;
  etag: string | null;
}

/** The object changed between two requests (ETag or size differ, or If-Match failed). */
class ObjectChanged extends Error {}

const MAX_RESTARTS = 3;

/**
 * Downloads an object into `file` with ranged GETs of `chunkBytes`, several at once (within the
 * shared limiter). Every range is sent with `If-Match` (once the ETag is known) and its answer
 * checked: the `Content-Range` must be the range asked of an object of the expected size and the
 * ETag the expected one (some servers ignore If-Match, so the client checks too). A broken body
 * resumes from the last byte written. An object that changes while it is read is downloaded again
 * from the start at its new version (at most MAX_RESTARTS times); a Delta file whose size differs
 * from its log's is an error.
 */
export async function downloadObject(ctx: TransferContext, ref: ObjectRef, file: string): Promise<ObjectRead> {
  let size = ref.size;
  let etag = ref.etag;
  for (let restart = 0; ; restart++) {
    if (size === null) ({ size, etag } = await headObject(ctx, ref));
    const handle = await open(file, 'w');
    try {
      return { size, etag: await readRanges(ctx, ref, handle, size, etag) };
    } catch (err) {
      if (!(err instanceof ObjectChanged)) throw err;
      ctx.stats.restarts++;
      if (restart + 1 >= MAX_RESTARTS) throw new StorageError(ref.url, `changed ${restart + 1} times while it was being read (${err.message}); nothing was written, run again once writers are done`, true);
      ({ size, etag } = await headObject(ctx, ref));
      if (ref.sizeFixed && size !== ref.size) throw new StorageError(ref.url, `is ${size} bytes but the Delta log says ${ref.size}: a Delta file must never change`);
    } finally {
      await handle.close();
    }
  }
}

/** HEAD of one object; a missing object is a StoreFailure 404 for the caller to name. */
export async function headObject(ctx: TransferContext, ref: { key: string; url: string }): Promise<ObjectRead> {
  const info = await ctx.limiter.run(() =>
    withRetries(ctx, ref.url, 'HEAD', async (watchdog) => {
      ctx.stats.headRequests++;
      return ctx.store.head(ref.key, watchdog.signal);
    }),
  );
  return { size: info.size, etag: info.etag };
}

async function readRanges(ctx: TransferContext, ref: ObjectRef, handle: FileHandle, size: number, knownEtag: string | null): Promise<string | null> {
  if (size === 0) return knownEtag;
  const ranges: [number, number][] = [];
  for (let start = 0; start < size; start += ctx.chunkBytes) ranges.push([start, Math.min(size, start + ctx.chunkBytes) - 1]);
  let etag = knownEtag;
  // Without a known ETag the first range learns it, then every other range is held to it.
  let next = 0;
  if (etag === null) {
    etag = await readRange(ctx, ref, handle, ranges[0]!, size, null);
    next = 1;
  }
  const expected = etag;
  await Promise.all(ranges.slice(next).map((range) => readRange(ctx, ref, handle, range, size, expected)));
  return etag;
}

/** One range into its place in the file; returns the ETag the server answered with. */
async function readRange(ctx: TransferContext, ref: ObjectRef, handle: FileHandle, [start, end]: [number, number], size: number, etag: string | null): Promise<string | null> {
  let written = 0;
  return ctx.limiter.run(() =>
    withRetries(ctx, ref.url, `GET bytes ${start}-${end}`, async (watchdog) => {
      const from = start + written;
      ctx.stats.getRequests++;
      let answer;
      try {
        answer = await ctx.store.get(ref.key, from, end, etag, watchdog.signal);
      } catch (err) {
        if (err instanceof StoreFailure && (err.status === 412 || err.code === 'PreconditionFailed' || err.code === 'ConditionNotMet')) throw new ObjectChanged(`If-Match ${etag} failed: ${err.answer}`);
        if (err instanceof StoreFailure && err.status === 404) throw missingObject(ctx, ref, err);
        throw err;
      }
      watchdog.kick();
      const range = answer.contentRange === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(answer.contentRange.trim());
      const total = range === null ? (answer.status === 200 ? answer.contentLength : null) : Number(range[3]);
      if (total !== null && total !== size) {
        answer.abort();
        throw new ObjectChanged(`it is now ${total} bytes, not ${size}`);
      }
      if (etag !== null && answer.etag !== null && answer.etag !== etag) {
        answer.abort();
        throw new ObjectChanged(`its ETag is now ${answer.etag}, not ${etag}`);
      }
      const rangeOk = range === null ? answer.status === 200 && from === 0 && end === size - 1 : Number(range[1]) === from && Number(range[2]) === end;
      if (!rangeOk) {
        answer.abort();
        throw new StorageError(ref.url, `asked for bytes ${from}-${end}, the server answered ${answer.contentRange === null ? `HTTP ${answer.status} without Content-Range` : `Content-Range ${answer.contentRange}`} (${ctx.store.provider})`);
      }
      try {
        for await (const chunk of answer.body) {
          const length = Math.min(chunk.byteLength, end + 1 - (start + written));
          if (length <= 0) break;
          await handle.write(chunk, 0, length, start + written);
          written += length;
          ctx.stats.bytesDownloaded += length;
          watchdog.kick();
        }
      } catch (err) {
        answer.abort();
        throw networkFailure(err) ?? err;
      }
      if (start + written <= end) throw new StoreFailure(`the connection closed after ${start + written - from} of ${end + 1 - from} bytes`, { retryable: true, code: 'short body' });
      return answer.etag ?? etag;
    }).catch((err: unknown) => {
      if (err instanceof StoreFailure) throw err.status === 404 ? missingObject(ctx, ref, err) : storageFailure(ctx.store, ref.url, 'GET', err);
      throw err;
    }),
  );
}

/** A 404 on an object a listing or the Delta log named. */
export class MissingObject extends Error {
  constructor(
    readonly url: string,
    readonly answer: string,
  ) {
    super(`${url}: ${answer}`);
  }
}

function missingObject(ctx: TransferContext, ref: ObjectRef, failure: StoreFailure): MissingObject {
  void ctx;
  return new MissingObject(ref.url, failure.answer);
}
