import { LocalDataset } from './dataset.js';
import type { Dataset } from './dataset.js';
import { RemoteDataset } from '../storage/remote-dataset.js';
import { StorageOptions } from '../storage/storage-options.js';
import { isStorageUrl, localPath } from '../storage/storage-url.js';

/** How to reach a dataset on object storage (unused for a local one). */
export interface DatasetAccess {
  /** Resolved storage options; default: from the environment alone. */
  storage?: StorageOptions;
  /** The cache directory when the options set none (`<state>/cache`). */
  defaultCacheDir: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Directories a local Delta table's log may name by absolute path, besides the dataset (delta/table-paths.ts). */
  allowExternalPaths?: readonly string[];
}

/**
 * Opens the dataset `location` names (SPEC §2): a local directory (a path or a `file://` URL), or a
 * URL of object storage (s3://, s3a://, gs://, az://, abfs[s]://, https://….blob.core.windows.net/),
 * whose root is listed once here. Close it when done.
 */
export async function openDataset(location: string, access: DatasetAccess): Promise<Dataset> {
  if (!isStorageUrl(location)) return new LocalDataset(localPath(location), access.allowExternalPaths);
  const env = access.env ?? process.env;
  const storage = access.storage ?? StorageOptions.resolve({ env });
  return RemoteDataset.open(location, {
    options: storage,
    cacheDir: storage.string('CACHE_DIR') ?? access.defaultCacheDir,
    env,
    ...(access.signal === undefined ? {} : { signal: access.signal }),
  });
}
