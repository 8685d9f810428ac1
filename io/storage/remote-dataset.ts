import { rmSync, unlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileInTable } from '../delta/table-paths.js';
import { LAST_CHECKPOINT, parseLogNames, versionPrefix } from '../delta/log-files.js';
import type { LogListing } from '../delta/log-files.js';
import type { DeltaTableStore, TableFile } from '../delta/table-store.js';
import { StorageError } from '../errors.js';
import { compareSegments, isTableFile } from '../input/dataset.js';
import type { Dataset, FileOrigin, TransferSummary } from '../input/dataset.js';
import { CHUNK_BYTES, downloadObject, emptyStats, headObject, MissingObject } from './download.js';
import type { ObjectRef, TransferContext } from './download.js';
import { FileCache, linkInto } from './file-cache.js';
import { StoreFailure } from './object-store.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import { Limiter, retryPolicy, storageFailure, withRetries } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { scrubSecrets } from './storage-options.js';
import type { StorageOptions } from './storage-options.js';
import { checkKey, parseStorageUrl } from './storage-url.js';
import type { StorageLocation } from './storage-url.js';

export interface RemoteDatasetSettings {
  options: StorageOptions;
  /** The cache directory: CACHE_DIR, else the caller's default (`<state>/cache`). */
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Keys per LIST page (1000, the services' maximum; tests use a small one). */
  listPageSize?: number;
  chunkBytes?: number;
  /** A client to use instead of the provider's (tests); its `provider` names it in messages. */
  store?: ObjectStore;
  policy?: RetryPolicy;
}

/**
 * A dataset on object storage, read through a view of the local cache: a directory of hard links
 * (`<cache>/views/<owner>/`) laid out as the dataset is, where each file appears once fetched, so
 * every reader (DuckDB, the Delta log replay, the workers) opens local files with their Hive
 * paths intact. What was listed stays as listed for the whole run: one LIST of the root when it
 * opens (which also proves the credentials), one paginated LIST per plain Parquet table frozen as
 * (key, size, ETag), and for a Delta table its log from the `_last_checkpoint` hint on.
 */
export class RemoteDataset implements Dataset {
  readonly location: string;
  readonly dir: string;
  private readonly entries = new Map<string, 'file' | 'directory'>();
  private readonly rootObjects = new Map<string, ObjectInfo>();
  private readonly origins = new Map<string, FileOrigin>();
  private readonly fetched = new Map<string, Promise<boolean>>();
  /** Cache entries this run uses: never evicted by it. */
  private readonly pinned = new Set<string>();
  private readonly ctx: TransferContext;
  private readonly pageSize: number;

  private constructor(
    readonly root: StorageLocation,
    private readonly store: ObjectStore,
    private readonly cache: FileCache,
    private readonly secrets: readonly string[],
    settings: RemoteDatasetSettings,
  ) {
    this.location = root.url;
    this.dir = cache.newView();
    this.pageSize = settings.listPageSize ?? 1000;
    this.ctx = {
      store,
      policy: settings.policy ?? retryPolicy(settings.options),
      signal: settings.signal ?? new AbortController().signal,
      limiter: new Limiter(settings.options.int('CONCURRENCY')),
      stats: emptyStats(),
      chunkBytes: settings.chunkBytes ?? CHUNK_BYTES,
    };
  }

  /**
   * Opens the dataset at `url` and lists its root once (a credential, permission or region problem
   * is a one-line StorageError here, before any work: the URL, the provider and the credential
   * source tried).
   */
  static async open(url: string, settings: RemoteDatasetSettings): Promise<RemoteDataset> {
    const root = parseStorageUrl(url);
    const signal = settings.signal ?? new AbortController().signal;
    const secrets = settings.options.secrets();
    let store: ObjectStore;
    try {
      store = settings.store ?? (await openStore(root, settings.options, settings.env, signal));
    } catch (err) {
      throw scrubbed(err, secrets);
    }
    const cache = new FileCache(settings.cacheDir, settings.options.int('CACHE_MAX_BYTES'));
    cache.cleanStale();
    const dataset = new RemoteDataset(root, store, cache, secrets, settings);
    try {
      await dataset.listRoot();
    } catch (err) {
      await dataset.close();
      throw scrubbed(err, secrets);
    }
    return dataset;
  }

  private async listRoot(): Promise<void> {
    const prefix = this.root.prefix === '' ? '' : `${this.root.prefix}/`;
    // Full pages: a delimited listing is one level, and some S3-compatible servers (s3rver) count
    // the keys under each common prefix against MaxKeys and then report the page complete.
    const { objects, prefixes } = await this.listAll(prefix, true, undefined, 'LIST of the dataset', 1000);
    for (const o of objects) {
      const name = o.key.slice(prefix.length);
      this.entries.set(name, 'file');
      this.rootObjects.set(name, o);
    }
    for (const p of prefixes) this.entries.set(p.slice(prefix.length).replace(/\/$/, ''), 'directory');
  }

  /**
   * From the root's listing; a directory it does not show is asked for once more (one key under
   * `<name>/`): some S3-compatible servers (s3rver) leave out a common prefix that holds only
   * sub-directories, such as a Delta table's.
   */
  async entry(name: string): Promise<'file' | 'directory' | null> {
    const listed = this.entries.get(name);
    if (listed !== undefined) return listed;
    const page = await this.guard(() => this.listPage({ prefix: `${this.key(name)}/`, delimited: false, pageSize: 1 }), `${this.url(name)}/`, 'LIST');
    const found = page.objects.length > 0 ? 'directory' : null;
    if (found !== null) this.entries.set(name, found);
    return found;
  }

  async isDelta(table: string): Promise<boolean> {
    if ((await this.entry(table)) !== 'directory') return false;
    const page = await this.guard(() => this.listPage({ prefix: `${this.key(table)}/_delta_log/`, delimited: false, pageSize: 1 }), `${this.url(table)}/_delta_log/`, 'LIST');
    return page.objects.length > 0;
  }

  async parquetFiles(table: string): Promise<{ files: string[]; hive: boolean }> {
    const prefix = `${this.key(table)}/`;
    const { objects } = await this.listAll(prefix, false, undefined, `LIST of table '${table}'`);
    const files: { segments: string[]; object: ObjectInfo }[] = [];
    let hive = false;
    for (const o of objects) {
      const segments = o.key.slice(prefix.length).split('/');
      if (!isTableFile(segments)) continue;
      hive ||= segments.slice(0, -1).some((s) => s.includes('='));
      files.push({ segments, object: o });
    }
    files.sort((a, b) => compareSegments(a.segments, b.segments));
    const paths = files.map((f) => join(this.dir, table, ...f.segments));
    await Promise.all(files.map(async (f, i) => this.expect(await this.materialize(f.object, paths[i]!, false), f.object.key)));
    return { files: paths, hive };
  }

  async file(name: string): Promise<string> {
    const object = this.rootObjects.get(name);
    const path = join(this.dir, name);
    if (object === undefined) throw new StorageError(this.url(name), 'is not in the listing of the dataset');
    this.expect(await this.materialize(object, path, false), object.key);
    return path;
  }

  /** A listed file must still be there when it is read. */
  private expect(found: boolean, key: string): void {
    if (!found) throw new StorageError(this.prefixUrl(key), `was listed, then answered 404 when read (${this.store.provider}): the dataset changed while it was read; run again`, true);
  }

  deltaStore(table: string): DeltaTableStore {
    return new RemoteDeltaStore(this, table);
  }

  origin(path: string): FileOrigin | null {
    return this.origins.get(path) ?? null;
  }

  transfer(): TransferSummary {
    const s = this.ctx.stats;
    return {
      list_requests: s.listRequests,
      head_requests: s.headRequests,
      get_requests: s.getRequests,
      bytes_downloaded: s.bytesDownloaded,
      files_downloaded: s.filesDownloaded,
      files_from_cache: s.filesFromCache,
      restarts: s.restarts,
    };
  }

  async close(): Promise<void> {
    this.cache.evict(this.pinned);
    rmSync(this.dir, { recursive: true, force: true });
    this.store.close();
  }

  /** The key of `relative` (a '/'-separated path under the root). */
  key(relative: string): string {
    return this.root.prefix === '' ? relative : `${this.root.prefix}/${relative}`;
  }

  url(relative: string): string {
    return `${this.root.url}/${relative}`;
  }

  /** The path under the root of a file in the view; an Error when it is outside it. */
  relativeOf(file: string): string {
    const rel = relative(this.dir, file);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) throw new Error(`'${file}' is outside the dataset ${this.location}`);
    return rel.split(sep).join('/');
  }

  async listPage(request: { prefix: string; delimited: boolean; startAfter?: string; token?: string | null; pageSize: number }): Promise<{ objects: ObjectInfo[]; prefixes: string[]; next: string | null }> {
    return this.ctx.limiter.run(() =>
      withRetries(this.ctx, `${this.prefixUrl(request.prefix)}`, 'LIST', async (watchdog) => {
        this.ctx.stats.listRequests++;
        return this.store.list(request, watchdog.signal);
      }),
    );
  }

  /**
   * Every key under `prefix` (one level with `delimited`), page by page; with `startAfter`, only
   * keys after it — also filtered here, since some services ignore the offset.
   */
  async listAll(prefix: string, delimited: boolean, startAfter: string | undefined, what: string, pageSize = this.pageSize): Promise<{ objects: ObjectInfo[]; prefixes: string[] }> {
    const objects: ObjectInfo[] = [];
    const prefixes: string[] = [];
    let token: string | null = null;
    const seen = new Set<string>();
    do {
      const page = await this.guard(() => this.listPage({ prefix, delimited, ...(startAfter === undefined ? {} : { startAfter }), token, pageSize }), this.prefixUrl(prefix), what);
      for (const o of page.objects) {
        if (startAfter !== undefined && o.key <= startAfter) continue;
        if (o.key.endsWith('/') || seen.has(o.key)) continue;
        seen.add(o.key);
        checkKey(this.prefixUrl(o.key), o.key);
        objects.push(o);
      }
      prefixes.push(...page.prefixes);
      if (page.next !== null && page.next === token) throw new StorageError(this.prefixUrl(prefix), `${what}: the service returned the same continuation token twice (${this.store.provider})`);
      token = page.next;
    } while (token !== null);
    return { objects, prefixes };
  }

  /** GETs a small object whole, uncached (the Delta `_last_checkpoint` hint); null when it does not exist. */
  async readSmall(key: string): Promise<string | null> {
    const url = this.prefixUrl(key);
    const chunks: Uint8Array[] = [];
    try {
      await this.ctx.limiter.run(() =>
        withRetries(this.ctx, url, 'GET', async (watchdog) => {
          chunks.length = 0;
          this.ctx.stats.getRequests++;
          const answer = await this.store.get(key, 0, 1024 * 1024 - 1, null, watchdog.signal);
          for await (const chunk of answer.body) {
            chunks.push(chunk);
            watchdog.kick();
          }
        }),
      );
    } catch (err) {
      if (err instanceof StoreFailure && (err.status === 404 || err.status === 416)) return null;
      if (err instanceof StoreFailure) throw scrubbed(storageFailure(this.store, url, 'GET', err), this.secrets);
      throw scrubbed(err, this.secrets);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /**
   * Makes the object readable at `path` in the view: a hard link to its cache entry, or a fresh
   * download (temp file, linked into the view, then renamed into the cache). `immutable`: a Delta
   * file, keyed by URL + size; otherwise keyed by URL + ETag + size, and not cached without an
   * ETag. Returns false when the object does not exist.
   */
  materialize(object: { key: string; size: number | null; etag: string | null }, path: string, immutable: boolean): Promise<boolean> {
    let pending = this.fetched.get(path);
    if (pending === undefined) {
      pending = this.materializeOnce(object, path, immutable);
      this.fetched.set(path, pending);
    }
    return pending;
  }

  private async materializeOnce(object: { key: string; size: number | null; etag: string | null }, path: string, immutable: boolean): Promise<boolean> {
    const url = this.prefixUrl(object.key);
    const ref: ObjectRef = { key: object.key, url, size: object.size, etag: object.etag, sizeFixed: immutable && object.size !== null };
    try {
      if (ref.size === null) {
        const head = await headObject(this.ctx, ref).catch((err: unknown) => {
          if (err instanceof StoreFailure && err.status === 404) throw new MissingObject(url, err.answer);
          if (err instanceof StoreFailure) throw storageFailure(this.store, url, 'HEAD', err);
          throw err;
        });
        ref.size = head.size;
        ref.etag ??= head.etag;
      }
      const key = FileCache.keyOf(url, ref.size, immutable ? null : ref.etag, immutable);
      const hit = key === null ? null : this.cache.lookup(key, ref.size);
      if (hit !== null) {
        try {
          linkInto(hit, path);
          this.pinned.add(hit);
          this.ctx.stats.filesFromCache++;
          this.origins.set(this.relativeOf(path), { url, etag: immutable ? null : ref.etag });
          return true;
        } catch (err) {
          // Evicted by another process between lookup and link: download it.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      const temp = this.cache.tempPath();
      try {
        const read = await downloadObject(this.ctx, ref, temp);
        linkInto(temp, path);
        const readKey = FileCache.keyOf(url, read.size, immutable ? null : read.etag, immutable);
        if (readKey === null) unlinkSync(temp);
        else this.pinned.add(this.cache.put(temp, readKey));
        this.ctx.stats.filesDownloaded++;
        this.origins.set(this.relativeOf(path), { url, etag: immutable ? null : read.etag });
        return true;
      } finally {
        rmSync(temp, { force: true });
      }
    } catch (err) {
      if (err instanceof MissingObject) return false;
      throw scrubbed(err, this.secrets);
    }
  }

  /** Runs a listing step; a failure retries cannot fix becomes the one-line StorageError. */
  async guard<T>(work: () => Promise<T>, url: string, what: string): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof StoreFailure) throw scrubbed(storageFailure(this.store, url, what, err), this.secrets);
      throw scrubbed(err, this.secrets);
    }
  }

  private prefixUrl(key: string): string {
    const scheme = this.root.url.slice(0, this.root.url.indexOf('://') + 3);
    const bucket = this.root.account === null ? this.root.bucket : `${this.root.bucket}@${this.root.account}`;
    return `${scheme}${bucket}/${key}`;
  }
}

/** A Delta table of a remote dataset: its log listed as the protocol and the issue of object stores ask, its files fetched into the view. */
class RemoteDeltaStore implements DeltaTableStore {
  readonly dir: string;
  readonly medium = 'in object storage';
  /** Log objects as listed (size, ETag), by path in the view. */
  private readonly logObjects = new Map<string, ObjectInfo>();

  constructor(
    private readonly dataset: RemoteDataset,
    private readonly table: string,
  ) {
    this.dir = join(dataset.dir, table);
  }

  /**
   * Reads `_last_checkpoint` (never cached, only a hint), then lists `_delta_log/` after the
   * hinted version (start-after, filtered here too). The listing is used when it holds a complete
   * checkpoint at or before the version asked and every commit after it; anything else (no hint,
   * a stale or wrong one, an older version pinned, a gap) falls back to listing the whole log,
   * which readSnapshot then checks for contiguous versions.
   */
  async listLog(version: number | undefined): Promise<LogListing> {
    const prefix = `${this.dataset.key(this.table)}/_delta_log/`;
    const hint = parseHint(await this.dataset.readSmall(`${prefix}${LAST_CHECKPOINT}`));
    if (hint !== null && (version === undefined || version >= hint)) {
      const listing = await this.list(prefix, `${prefix}${versionPrefix(hint)}`);
      if (reaches(listing, hint, version)) return listing;
    }
    return this.list(prefix, undefined);
  }

  private async list(prefix: string, startAfter: string | undefined): Promise<LogListing> {
    // Not delimited: `_sidecars/` is listed too (with the sizes of its files), and the log names
    // parseLogNames knows have no '/'.
    const { objects } = await this.dataset.listAll(prefix, false, startAfter, `LIST of the Delta log of '${this.table}'`);
    const names: string[] = [];
    for (const o of objects) {
      const name = o.key.slice(prefix.length);
      names.push(name);
      this.logObjects.set(join(this.dir, '_delta_log', name), o);
    }
    return parseLogNames(names);
  }

  resolve(uri: string, base: string): string {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
    let path: string;
    if (scheme === undefined) path = fileInTable(uri, base, this.dir);
    else {
      let location: StorageLocation;
      try {
        location = parseStorageUrl(uri);
      } catch {
        throw new Error(`'${uri}' is not on ${this.dataset.root.url.split('://')[0]}:// storage: a Delta table on object storage reads its files from inside the table`);
      }
      const table = parseStorageUrl(this.dataset.url(this.table));
      const sameBucket = location.provider === table.provider && location.bucket === table.bucket && (location.account ?? table.account) === (table.account ?? location.account);
      if (!sameBucket || !location.prefix.startsWith(`${table.prefix}/`)) throw new Error(`'${uri}' is outside the table ${table.url}: files of a Delta table on object storage are read from inside its root`);
      path = join(this.dir, ...decodeURIComponent(location.prefix.slice(table.prefix.length + 1)).split('/'));
    }
    this.dataset.relativeOf(path);
    return path;
  }

  async fetch(files: readonly TableFile[]): Promise<string[]> {
    const missing: string[] = [];
    await Promise.all(
      files.map(async (f) => {
        const listed = this.logObjects.get(f.file);
        const rel = this.dataset.relativeOf(f.file);
        // Commits, data files and deletion vectors are never rewritten (protocol); checkpoints may be.
        const immutable = !/(^|\/)_delta_log\/(_sidecars\/|[^/]*\.checkpoint\.)/.test(rel);
        const object = { key: this.dataset.key(rel), size: f.size ?? listed?.size ?? null, etag: listed?.etag ?? null };
        if (!(await this.dataset.materialize(object, f.file, immutable))) missing.push(f.file);
      }),
    );
    return missing.sort();
  }
}

/**
 * The provider's client. Its SDK is imported here, when a dataset lives on it: loading the AWS and
 * Azure SDKs takes ~0.6 s of the main thread, which every run of a local lake would otherwise pay
 * before its first read.
 */
async function openStore(root: StorageLocation, options: StorageOptions, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<ObjectStore> {
  if (root.provider === 'azure') return (await import('./azure-store.js')).AzureStore.open(root, options, env);
  return (await import('./s3-store.js')).S3Store.open(root, options, env, signal);
}

function parseHint(text: string | null): number | null {
  if (text === null) return null;
  try {
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 ? version : null;
  } catch {
    return null;
  }
}

/** Whether a listing from the hint on can read `version`: a complete checkpoint at or before it and every commit after that. */
function reaches(listing: LogListing, hint: number, version: number | undefined): boolean {
  const latest = Math.max(listing.commits.at(-1) ?? -1, listing.checkpoints[0]?.version ?? -1);
  const target = version ?? latest;
  const start = listing.checkpoints.find((c) => c.version <= target && c.version >= hint && c.missingParts.length === 0);
  if (start === undefined) return false;
  const have = new Set(listing.commits);
  for (let v = start.version + 1; v <= latest; v++) if (!have.has(v)) return false;
  return true;
}

function scrubbed(err: unknown, secrets: readonly string[]): unknown {
  if (err instanceof StorageError && secrets.length > 0) {
    const message = scrubSecrets(err.message, secrets);
    if (message !== err.message) {
      const copy = new StorageError(err.url, message.slice(err.url.length + 2), err.retryable);
      return copy;
    }
  }
  return err;
}
