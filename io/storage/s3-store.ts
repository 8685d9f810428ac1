import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { StorageError } from '../errors.js';
import { bareEtag, networkFailure, serviceFailure, StoreFailure } from './object-store.js';
import type { ListPage, ListRequest, ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';
import type { StorageOptions } from './storage-options.js';
import type { StorageLocation } from './storage-url.js';

// The SDK warns on every process under Node < 22 about its releases after January 2027; the
// release package-lock.json pins supports Node 20, and a warning on stderr would break the CLI's
// one-line errors. A user who sets the variable decides.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** How an S3 client is set up: endpoint, addressing, region and credentials, and what messages say of them. */
interface S3Setup {
  provider: string;
  endpoint: string | null;
  forcePathStyle: boolean;
  region: string | null;
  regionSource: string;
  credentials: (() => Promise<Credentials>) | null;
  credentialSource: string;
  /** A fresh credential provider (the default chain's cache dropped), or null when they cannot change. */
  renew: (() => () => Promise<Credentials>) | null;
}

/**
 * S3 through `@aws-sdk/client-s3`, and GCS through the same client against its S3-compatible XML
 * API with HMAC keys (one client and one code path for both; GCS accepts SigV4 with HMAC keys for
 * GET, HEAD and ListObjectsV2). The SDK's own retries are off (io/storage/retry.ts retries, and the
 * SDK signs each attempt afresh); flexible checksums are only computed when an operation requires
 * them, as S3-compatible services reject what they do not know.
 */
export class S3Store implements ObjectStore {
  private client: S3Client;
  private setup: S3Setup;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  private constructor(
    readonly location: StorageLocation,
    setup: S3Setup,
    concurrency: number,
  ) {
    this.setup = setup;
    this.agents = { http: new HttpAgent({ keepAlive: true, maxSockets: concurrency }), https: new HttpsAgent({ keepAlive: true, maxSockets: concurrency }) };
    this.client = this.makeClient(setup.region ?? 'us-east-1');
  }

  get provider(): string {
    return `${this.setup.provider}${this.setup.region === null ? '' : `, region ${this.setup.region} (${this.setup.regionSource})`}`;
  }

  credentialSource(): string {
    return this.setup.credentialSource;
  }

  /** A client for an s3:// or gs:// location; the region is settled before it returns (see regionOf). */
  static async open(location: StorageLocation, options: StorageOptions, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<S3Store> {
    const setup = location.provider === 'gcs' ? gcsSetup(location, options) : s3Setup(location, options, env);
    const store = new S3Store(location, setup, options.int('CONCURRENCY'));
    if (setup.region === null) await store.discoverRegion(env, signal);
    return store;
  }

  private makeClient(region: string): S3Client {
    const config: S3ClientConfig = {
      region,
      forcePathStyle: this.setup.forcePathStyle,
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { httpAgent: this.agents.http, httpsAgent: this.agents.https, connectionTimeout: 30_000 },
    };
    if (this.setup.endpoint !== null) config.endpoint = this.setup.endpoint;
    if (this.setup.credentials === null) {
      // Unsigned requests: an anonymous identity and a signer that leaves the request as it is.
      config.credentials = { accessKeyId: '', secretAccessKey: '' };
      config.signer = { sign: async (request) => request };
    } else config.credentials = this.setup.credentials;
    return new S3Client(config);
  }

  /**
   * No region in the options, the environment or the profile: asks the bucket (HeadBucket answers
   * with `x-amz-bucket-region`, also on a 301), never assumes one.
   */
  private async discoverRegion(env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<void> {
    const fromChain = await sdkRegion(env);
    if (fromChain !== null) {
      this.setRegion(fromChain, 'the AWS profile');
      return;
    }
    let region: string | null = null;
    let answer = '';
    try {
      const out = await this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket }), { abortSignal: signal });
      region = out.BucketRegion ?? null;
    } catch (err) {
      const failure = this.failure(err);
      region = failure.opts.region ?? null;
      answer = `: HeadBucket answered ${failure.answer}`;
    }
    if (region === null) {
      throw new StorageError(this.location.url, `the bucket's region is unknown: set AWS_REGION (none in the storage options, AWS_REGION, AWS_DEFAULT_REGION or the AWS profile, and the bucket's answer named none${answer})`);
    }
    this.setRegion(region, "the bucket's answer");
  }

  private setRegion(region: string, source: string): void {
    this.setup = { ...this.setup, region, regionSource: source };
    this.client.destroy();
    this.client = this.makeClient(region);
  }

  async list(request: ListRequest, signal: AbortSignal): Promise<ListPage> {
    try {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.location.bucket,
          Prefix: request.prefix,
          ...(request.delimited ? { Delimiter: '/' } : {}),
          ...(request.startAfter === undefined ? {} : { StartAfter: request.startAfter }),
          ...(request.token === undefined || request.token === null ? {} : { ContinuationToken: request.token }),
          MaxKeys: request.pageSize,
        }),
        { abortSignal: signal },
      );
      return {
        objects: (out.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0, etag: bareEtag(o.ETag) })),
        prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
        next: out.IsTruncated === true ? (out.NextContinuationToken ?? null) : null,
      };
    } catch (err) {
      throw this.failure(err);
    }
  }

  async head(key: string, signal: AbortSignal): Promise<ObjectInfo> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }), { abortSignal: signal });
      return { key, size: out.ContentLength ?? 0, etag: bareEtag(out.ETag) };
    } catch (err) {
      throw this.failure(err);
    }
  }

  async get(key: string, start: number, end: number, ifMatch: string | null, signal: AbortSignal): Promise<ObjectBody> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: key, Range: `bytes=${start}-${end}`, ...(ifMatch === null ? {} : { IfMatch: `"${ifMatch}"` }) }),
        { abortSignal: signal },
      );
      const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      return {
        status: out.$metadata.httpStatusCode ?? 200,
        body: body ?? (async function* () {})(),
        etag: bareEtag(out.ETag),
        contentRange: out.ContentRange ?? null,
        contentLength: out.ContentLength ?? null,
        abort: () => body?.destroy?.(),
      };
    } catch (err) {
      throw this.failure(err);
    }
  }

  async recover(failure: StoreFailure): Promise<boolean> {
    if (failure.opts.region !== undefined && failure.opts.region !== null && failure.opts.region !== this.setup.region) {
      this.setRegion(failure.opts.region, "the bucket's answer");
      return true;
    }
    if (failure.recoverable && this.setup.renew !== null) {
      this.setup = { ...this.setup, credentials: this.setup.renew() };
      this.client.destroy();
      this.client = this.makeClient(this.setup.region ?? 'us-east-1');
      return true;
    }
    return false;
  }

  close(): void {
    this.client.destroy();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private failure(err: unknown): StoreFailure {
    if (err instanceof StoreFailure) return err;
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> }; Code?: string; Region?: string };
    const status = e.$metadata?.httpStatusCode ?? null;
    if (status === null || status === undefined) {
      const net = networkFailure(err);
      if (net !== null) return net;
      if (e.name === 'CredentialsProviderError') return new StoreFailure(`no credentials: ${firstLine(e.message)}`, { code: e.name });
      return new StoreFailure(`${e.name ?? 'Error'}: ${firstLine(e.message)}`, { code: e.name ?? null });
    }
    const headers = e.$response?.headers ?? {};
    const code = e.Code ?? e.name ?? null;
    // A HEAD answer has no body: the SDK names the error after the status ("NotFound", "403").
    const message = e.message === undefined || e.message === code || /^UnknownError$/.test(e.message) ? null : e.message;
    return serviceFailure(status, code, message, { retryAfter: headers['retry-after'] ?? null, region: headers['x-amz-bucket-region'] ?? e.Region ?? null });
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!;
}

/** The region of the SDK's own chain (AWS_REGION, the profile's `region`), or null when it has none. */
async function sdkRegion(env: NodeJS.ProcessEnv): Promise<string | null> {
  const probe = new S3Client(env['AWS_PROFILE'] === undefined ? {} : { profile: env['AWS_PROFILE'] });
  try {
    const region = await probe.config.region();
    return region === '' ? null : region;
  } catch {
    return null;
  } finally {
    probe.destroy();
  }
}

function s3Setup(location: StorageLocation, options: StorageOptions, env: NodeJS.ProcessEnv): S3Setup {
  const endpoint = options.string('AWS_ENDPOINT_URL');
  if (endpoint !== null) checkEndpoint(location, endpoint, options.bool('AWS_ALLOW_HTTP'), 'AWS_ENDPOINT_URL', 'AWS_ALLOW_HTTP');
  const virtual = options.get('AWS_VIRTUAL_HOSTED_STYLE_REQUEST');
  const forcePathStyle = virtual === null ? endpoint !== null : !options.bool('AWS_VIRTUAL_HOSTED_STYLE_REQUEST');
  const region = options.string('AWS_REGION');
  const base = {
    provider: endpoint === null ? 'S3' : `S3-compatible endpoint ${endpoint} (${forcePathStyle ? 'path-style' : 'virtual-hosted'})`,
    endpoint,
    forcePathStyle,
    region,
    regionSource: region === null ? '' : options.describe('AWS_REGION'),
  };
  if (options.bool('AWS_SKIP_SIGNATURE')) return { ...base, credentials: null, credentialSource: `none: unsigned requests (${options.describe('AWS_SKIP_SIGNATURE')})`, renew: null };
  const keyId = options.string('AWS_ACCESS_KEY_ID');
  const secret = options.string('AWS_SECRET_ACCESS_KEY');
  if (keyId !== null || secret !== null) {
    if (keyId === null || secret === null) throw new StorageError(location.url, `AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together; only ${keyId === null ? options.describe('AWS_SECRET_ACCESS_KEY') : options.describe('AWS_ACCESS_KEY_ID')} is set`);
    const token = options.string('AWS_SESSION_TOKEN');
    const credentials: Credentials = { accessKeyId: keyId, secretAccessKey: secret, ...(token === null ? {} : { sessionToken: token }) };
    return { ...base, credentials: async () => credentials, credentialSource: `static keys from ${options.describe('AWS_ACCESS_KEY_ID')}`, renew: null };
  }
  const profile = options.string('AWS_PROFILE');
  const chain = (): (() => Promise<Credentials>) => fromNodeProviderChain(profile === null ? {} : { profile });
  return { ...base, credentials: chain(), credentialSource: `the AWS SDK default chain (${chainHint(env, profile)})`, renew: chain };
}

/** What the default chain will find first, from the environment alone (no secret read). */
function chainHint(env: NodeJS.ProcessEnv, profile: string | null): string {
  if (env['AWS_WEB_IDENTITY_TOKEN_FILE'] !== undefined) return 'web identity token file (IRSA), AWS_WEB_IDENTITY_TOKEN_FILE';
  if (profile !== null) return `profile '${profile}'`;
  if (env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] !== undefined || env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] !== undefined) return 'container credentials (ECS, EKS Pod Identity)';
  return 'shared config and credentials files, SSO, container and instance metadata; no AWS_ACCESS_KEY_ID or AWS_PROFILE set';
}

function gcsSetup(location: StorageLocation, options: StorageOptions): S3Setup {
  const endpoint = options.string('GOOGLE_ENDPOINT_URL')!;
  checkEndpoint(location, endpoint, options.bool('GOOGLE_ALLOW_HTTP'), 'GOOGLE_ENDPOINT_URL', 'GOOGLE_ALLOW_HTTP');
  const keyId = options.string('GOOGLE_HMAC_KEY_ID');
  const secret = options.string('GOOGLE_HMAC_SECRET');
  if (keyId === null || secret === null) {
    throw new StorageError(location.url, "gs:// is read through GCS's S3-compatible XML API and needs an HMAC key: set GOOGLE_HMAC_KEY_ID and GOOGLE_HMAC_SECRET (Cloud Storage → Settings → Interoperability); service-account JSON and application default credentials are not used");
  }
  const credentials: Credentials = { accessKeyId: keyId, secretAccessKey: secret };
  return {
    provider: endpoint === 'https://storage.googleapis.com' ? 'GCS (XML API)' : `GCS XML API at ${endpoint}`,
    endpoint,
    forcePathStyle: true,
    // GCS's XML API takes any SigV4 region; `auto` is its documented choice.
    region: 'auto',
    regionSource: 'GCS',
    credentials: async () => credentials,
    credentialSource: `HMAC key from ${options.describe('GOOGLE_HMAC_KEY_ID')}`,
    renew: null,
  };
}

function checkEndpoint(location: StorageLocation, endpoint: string, allowHttp: boolean, name: string, allowName: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new StorageError(location.url, `${name} '${endpoint}' is not a URL`);
  }
  if (url.username !== '' || url.password !== '') throw new StorageError(location.url, `${name} must not hold credentials`);
  if (url.protocol === 'http:' && !allowHttp) throw new StorageError(location.url, `${name} ${endpoint} is plain http: set ${allowName}=true to allow it`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StorageError(location.url, `${name} must be an http(s) URL`);
}
