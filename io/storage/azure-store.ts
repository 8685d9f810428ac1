import { DefaultAzureCredential } from '@azure/identity';
import { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { BlobItem, BlobPrefix, ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import { StorageError } from '../errors.js';
import { bareEtag, networkFailure, serviceFailure, StoreFailure } from './object-store.js';
import type { ListPage, ListRequest, ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';
import type { StorageOptions } from './storage-options.js';
import type { StorageLocation } from './storage-url.js';

/** Azurite's documented development account (public, not a secret). */
const EMULATOR_ACCOUNT = 'devstoreaccount1';
const EMULATOR_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * Azure Blob Storage through `@azure/storage-blob`, always on the Blob endpoint (ADLS Gen2 accounts
 * serve their files there too, hierarchical namespace or not). Credentials, first found wins: a
 * connection string, the account key, a SAS token, else `@azure/identity`'s DefaultAzureCredential
 * (environment service principal, workload identity, managed identity, Azure CLI, …). The SDK's
 * retries are off: io/storage/retry.ts retries.
 */
export class AzureStore implements ObjectStore {
  readonly provider: string;

  private constructor(
    private readonly container: ContainerClient,
    private readonly source: string,
    endpoint: string,
  ) {
    this.provider = `Azure Blob (${endpoint})`;
  }

  credentialSource(): string {
    return this.source;
  }

  static open(location: StorageLocation, options: StorageOptions, env: NodeJS.ProcessEnv): AzureStore {
    // One attempt per call (our retry policy decides); a broken body is resumed by our ranged reads.
    const pipeline: StoragePipelineOptions = { retryOptions: { maxTries: 1 }, keepAliveOptions: { enable: true } };
    const connection = options.string('AZURE_STORAGE_CONNECTION_STRING');
    if (connection !== null) {
      let service: BlobServiceClient;
      try {
        service = BlobServiceClient.fromConnectionString(connection, pipeline);
      } catch (err) {
        throw new StorageError(location.url, `${options.describe('AZURE_STORAGE_CONNECTION_STRING')} is not a valid connection string (${(err as Error).message.split('\n')[0]!.split(connection).join('***')})`);
      }
      checkAccount(location, service.accountName, options.describe('AZURE_STORAGE_CONNECTION_STRING'));
      return new AzureStore(service.getContainerClient(location.bucket), `connection string from ${options.describe('AZURE_STORAGE_CONNECTION_STRING')}`, service.url.replace(/\/$/, ''));
    }
    const emulator = options.bool('AZURE_STORAGE_USE_EMULATOR');
    const account = location.account ?? options.string('AZURE_STORAGE_ACCOUNT_NAME') ?? (emulator ? EMULATOR_ACCOUNT : null);
    if (account === null) throw new StorageError(location.url, 'names no storage account: use abfss://container@account.dfs.core.windows.net/… or set AZURE_STORAGE_ACCOUNT_NAME');
    const endpoint = (options.string('AZURE_STORAGE_ENDPOINT') ?? (emulator ? `http://127.0.0.1:10000/${EMULATOR_ACCOUNT}` : `https://${account}.blob.core.windows.net`)).replace(/\/$/, '');
    checkEndpoint(location, endpoint, options.bool('AZURE_ALLOW_HTTP') || emulator);
    const key = options.string('AZURE_STORAGE_ACCOUNT_KEY') ?? (emulator ? EMULATOR_KEY : null);
    if (key !== null) {
      const from = emulator && options.string('AZURE_STORAGE_ACCOUNT_KEY') === null ? "Azurite's development key (AZURE_STORAGE_USE_EMULATOR)" : options.describe('AZURE_STORAGE_ACCOUNT_KEY');
      let credential: StorageSharedKeyCredential;
      try {
        credential = new StorageSharedKeyCredential(account, key);
      } catch {
        throw new StorageError(location.url, `${from} is not a base64 account key`);
      }
      return new AzureStore(new BlobServiceClient(endpoint, credential, pipeline).getContainerClient(location.bucket), `account key from ${from}`, endpoint);
    }
    const sas = options.string('AZURE_STORAGE_SAS_TOKEN');
    if (sas !== null) {
      const url = `${endpoint}?${sas.replace(/^\?/, '')}`;
      return new AzureStore(new BlobServiceClient(url, new AnonymousCredential(), pipeline).getContainerClient(location.bucket), `SAS token from ${options.describe('AZURE_STORAGE_SAS_TOKEN')}`, endpoint);
    }
    const credential = new DefaultAzureCredential();
    return new AzureStore(new BlobServiceClient(endpoint, credential, pipeline).getContainerClient(location.bucket), `DefaultAzureCredential (${identityHint(env)})`, endpoint);
  }

  async list(request: ListRequest, signal: AbortSignal): Promise<ListPage> {
    try {
      const settings = { continuationToken: request.token ?? undefined, maxPageSize: request.pageSize };
      const options = { prefix: request.prefix, abortSignal: signal, ...(request.startAfter === undefined ? {} : { startFrom: request.startAfter }) };
      if (request.delimited) {
        const page = (await this.container.listBlobsByHierarchy('/', options).byPage(settings).next()).value;
        if (page === undefined) return { objects: [], prefixes: [], next: null };
        return {
          objects: page.segment.blobItems.map((b: BlobItem) => ({ key: b.name, size: b.properties.contentLength ?? 0, etag: bareEtag(b.properties.etag) })),
          prefixes: (page.segment.blobPrefixes ?? []).map((p: BlobPrefix) => p.name),
          next: page.continuationToken === '' || page.continuationToken === undefined ? null : page.continuationToken,
        };
      }
      const page = (await this.container.listBlobsFlat(options).byPage(settings).next()).value;
      if (page === undefined) return { objects: [], prefixes: [], next: null };
      return {
        objects: page.segment.blobItems.map((b: BlobItem) => ({ key: b.name, size: b.properties.contentLength ?? 0, etag: bareEtag(b.properties.etag) })),
        prefixes: [],
        next: page.continuationToken === '' || page.continuationToken === undefined ? null : page.continuationToken,
      };
    } catch (err) {
      throw failure(err);
    }
  }

  async head(key: string, signal: AbortSignal): Promise<ObjectInfo> {
    try {
      const p = await this.container.getBlobClient(key).getProperties({ abortSignal: signal });
      return { key, size: p.contentLength ?? 0, etag: bareEtag(p.etag) };
    } catch (err) {
      throw failure(err);
    }
  }

  async get(key: string, start: number, end: number, ifMatch: string | null, signal: AbortSignal): Promise<ObjectBody> {
    try {
      const out = await this.container.getBlobClient(key).download(start, end - start + 1, {
        abortSignal: signal,
        maxRetryRequests: 0,
        ...(ifMatch === null ? {} : { conditions: { ifMatch: `"${ifMatch}"` } }),
      });
      const body = out.readableStreamBody as (NodeJS.ReadableStream & AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      return {
        status: out._response.status,
        body: body ?? (async function* () {})(),
        etag: bareEtag(out.etag),
        contentRange: out.contentRange ?? null,
        contentLength: out.contentLength ?? null,
        abort: () => body?.destroy?.(),
      };
    } catch (err) {
      throw failure(err);
    }
  }

  async recover(): Promise<boolean> {
    // Tokens of DefaultAzureCredential are refreshed by the SDK before they expire; keys do not change.
    return false;
  }

  close(): void {}
}

function failure(err: unknown): StoreFailure {
  if (err instanceof StoreFailure) return err;
  const e = err as { name?: string; message?: string; statusCode?: number; code?: string; response?: { headers?: { get(name: string): string | undefined } } };
  if (e.statusCode === undefined) {
    const net = networkFailure(err);
    if (net !== null) return net;
    const message = (e.message ?? String(err)).split('\n')[0]!;
    if (e.name === 'CredentialUnavailableError' || e.name === 'AggregateAuthenticationError' || e.name === 'AuthenticationError') return new StoreFailure(`no credentials: ${message}`, { code: e.name });
    return new StoreFailure(`${e.name ?? 'Error'}: ${message}`, { code: e.code ?? e.name ?? null });
  }
  const headers = e.response?.headers;
  const code = e.code ?? headers?.get('x-ms-error-code') ?? null;
  // The service's message carries a RequestId and a Time line: keep the first line.
  const message = e.message === undefined || e.message === '' ? null : e.message.split('\n')[0]!;
  return serviceFailure(e.statusCode, code, message === code ? null : message, { retryAfter: headers?.get('retry-after') ?? null });
}

function identityHint(env: NodeJS.ProcessEnv): string {
  if (env['AZURE_FEDERATED_TOKEN_FILE'] !== undefined) return 'workload identity, AZURE_FEDERATED_TOKEN_FILE';
  if (env['AZURE_CLIENT_SECRET'] !== undefined || env['AZURE_CLIENT_CERTIFICATE_PATH'] !== undefined) return 'service principal from AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET or _CERTIFICATE_PATH';
  return 'managed identity, Azure CLI, Azure Developer CLI, PowerShell; no account key, SAS, connection string or AZURE_CLIENT_SECRET set';
}

function checkAccount(location: StorageLocation, account: string, from: string): void {
  if (location.account !== null && location.account !== account.toLowerCase()) {
    throw new StorageError(location.url, `names the account '${location.account}' but ${from} is for '${account}'`);
  }
}

function checkEndpoint(location: StorageLocation, endpoint: string, allowHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new StorageError(location.url, `AZURE_STORAGE_ENDPOINT '${endpoint}' is not a URL`);
  }
  if (url.protocol === 'http:' && !allowHttp) throw new StorageError(location.url, `AZURE_STORAGE_ENDPOINT ${endpoint} is plain http: set AZURE_ALLOW_HTTP=true to allow it`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StorageError(location.url, 'AZURE_STORAGE_ENDPOINT must be an http(s) URL');
}
