import { StorageError } from '../errors.js';

/** The object stores this engine reads; GCS goes through its S3-compatible XML API. */
export type Provider = 's3' | 'gcs' | 'azure';

/** A bucket (or Azure container) and a key prefix in it: a dataset root, a table, or one object. */
export interface StorageLocation {
  provider: Provider;
  /** Bucket (S3, GCS) or container (Azure). */
  bucket: string;
  /** Azure storage account named by the URL (abfss://c@account.dfs…, https://account.blob…); null when the URL does not name one. */
  account: string | null;
  /** Key prefix inside the bucket, without leading or trailing `/` ('' for the bucket root). */
  prefix: string;
  /** The URL in one canonical form, for messages and the manifest: `s3://`, `gs://` or `az://` (Azure, with the account when the URL named it: `az://container@account/…`). */
  url: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Whether `text` names object storage (a URL with a scheme other than `file:`). A bare path, or a
 * `file://` URL, is a local path (see localPath).
 */
export function isStorageUrl(text: string): boolean {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme !== 'file';
}

/** The local path a `file://` URL or a bare path names; keys are literal, so `%` is not decoded. */
export function localPath(text: string): string {
  if (!/^file:\/\//i.test(text)) return text;
  const rest = text.slice('file://'.length);
  // file:///abs/path or file://localhost/abs/path; another host is not this machine.
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (host !== '' && host.toLowerCase() !== 'localhost') throw new StorageError(text, `names the host '${host}': file:// URLs must name a path on this machine (file:///path)`);
  return slash < 0 ? '/' : rest.slice(slash);
}

/**
 * Parses an object-storage URL. Accepted forms (delta-rs / object_store spellings):
 * `s3://bucket/key`, `s3a://bucket/key`, `gs://bucket/key`, `az://container/key` (`az://container@account/key`),
 * `abfs[s]://container@account.dfs.core.windows.net/key` (also `.blob.`), `wasb[s]://container@account.blob.core.windows.net/key`,
 * `https://account.blob.core.windows.net/container/key` (also `.dfs.`). Azure is always read
 * through the Blob endpoint. The key part is literal: no glob, no percent-decoding.
 */
export function parseStorageUrl(text: string): StorageLocation {
  const m = SCHEME.exec(text);
  if (m === null) throw new StorageError(text, 'is not a URL');
  const scheme = m[1]!.toLowerCase();
  const rest = text.slice(m[0].length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  switch (scheme) {
    case 's3':
    case 's3a':
      return location(text, 's3', bucketName(text, authority), null, path);
    case 'gs':
      return location(text, 'gcs', bucketName(text, authority), null, path);
    case 'az':
    case 'azure': {
      // `az://container@account/…` is how the manifest and messages name an account's container.
      const at = authority.lastIndexOf('@');
      if (at < 0) return location(text, 'azure', bucketName(text, authority), null, path);
      if (!/^[a-z0-9]+$/i.test(authority.slice(at + 1))) throw new StorageError(text, `storage account '${authority.slice(at + 1)}' is not valid`);
      return location(text, 'azure', bucketName(text, authority.slice(0, at)), authority.slice(at + 1).toLowerCase(), path);
    }
    case 'abfs':
    case 'abfss':
    case 'wasb':
    case 'wasbs': {
      const at = /^([^@]+)@([a-z0-9]+)\.(dfs|blob)\.core\.windows\.net$/i.exec(authority);
      if (at === null) throw new StorageError(text, `must name container@account.dfs.core.windows.net (or .blob.core.windows.net) after ${scheme}://`);
      return location(text, 'azure', bucketName(text, at[1]!), at[2]!.toLowerCase(), path);
    }
    case 'https':
    case 'http': {
      // A query string would be a SAS token: never echo it, and never take a secret from a URL.
      if (text.includes('?')) throw new StorageError(`${text.slice(0, text.indexOf('?'))}?…`, 'holds a query string: put a SAS token in AZURE_STORAGE_SAS_TOKEN, not in the URL (URLs are printed and recorded in the manifest)');
      const host = /^([a-z0-9]+)\.(dfs|blob)\.core\.windows\.net$/i.exec(authority);
      if (host === null) throw new StorageError(text, 'is an http(s) URL but not an Azure storage one (https://account.blob.core.windows.net/container/…); S3-compatible endpoints are set with AWS_ENDPOINT_URL and named as s3://bucket/…');
      const cut = path.indexOf('/');
      const container = cut < 0 ? path : path.slice(0, cut);
      return location(text, 'azure', bucketName(text, container), host[1]!.toLowerCase(), cut < 0 ? '' : path.slice(cut + 1));
    }
    default:
      throw new StorageError(text, `the scheme '${scheme}://' is not supported (s3://, s3a://, gs://, az://, abfs[s]://, https://….blob.core.windows.net/, file:// or a local path)`);
  }
}

function bucketName(url: string, name: string): string {
  if (name === '') throw new StorageError(url, 'names no bucket or container');
  if (/[/\\?#]/.test(name)) throw new StorageError(url, `bucket or container name '${name}' is not valid`);
  return name;
}

function location(url: string, provider: Provider, bucket: string, account: string | null, path: string): StorageLocation {
  const prefix = path.replace(/\/+$/, '');
  checkKey(url, prefix);
  const scheme = provider === 's3' ? 's3' : provider === 'gcs' ? 'gs' : 'az';
  const root = account === null ? bucket : `${bucket}@${account}`;
  return { provider, bucket, account, prefix, url: `${scheme}://${root}${prefix === '' ? '' : `/${prefix}`}` };
}

/**
 * Keys map to local file names in the cache's views, so a key is refused when it could not be one
 * or could leave its directory: an empty, `.` or `..` segment, a NUL or a backslash.
 */
export function checkKey(url: string, key: string): void {
  if (key === '') return;
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new StorageError(url, `has an empty, '.' or '..' path segment, which cannot be read as a file of the dataset`);
  }
  if (key.includes('\0') || key.includes('\\')) throw new StorageError(url, 'holds a NUL or a backslash, which cannot be read as a file of the dataset');
}
