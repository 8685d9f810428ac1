/** An object as a listing or HEAD reports it. `etag` is without quotes; null when the service sent none. */
export interface ObjectInfo {
  key: string;
  size: number;
  etag: string | null;
}

/** One page of a listing: objects, and with a delimiter the common prefixes (`dir/`). */
export interface ListPage {
  objects: ObjectInfo[];
  prefixes: string[];
  /** Continuation token of the next page; null on the last. */
  next: string | null;
}

export interface ListRequest {
  prefix: string;
  /** List one level (`/` delimiter) instead of every key under the prefix. */
  delimited: boolean;
  /** Keys after this one only (S3 StartAfter; Azure startFrom, which is inclusive and some servers ignore: callers filter too). */
  startAfter?: string;
  token?: string | null;
  pageSize: number;
}

/** A ranged GET's answer: the bytes, and what the server said they are. */
export interface ObjectBody {
  /** 200 or 206. */
  status: number;
  body: AsyncIterable<Uint8Array>;
  etag: string | null;
  /** `bytes a-b/total`, or null (a 200 answer). */
  contentRange: string | null;
  contentLength: number | null;
  /** Stops reading the body (closes the connection). */
  abort(): void;
}

/**
 * One provider's client (S3 and GCS through the S3 API, Azure Blob). Adapters do no retrying of
 * their own: every failure is a StoreFailure, and io/storage/retry.ts decides.
 */
export interface ObjectStore {
  /** How messages name the service: `S3`, `S3-compatible endpoint http://…`, `GCS (XML API)`, `Azure Blob`. */
  readonly provider: string;
  /** Which credentials are used (never their values), e.g. `static keys from AWS_ACCESS_KEY_ID (environment)`. */
  credentialSource(): string;
  list(request: ListRequest, signal: AbortSignal): Promise<ListPage>;
  /** The object's size and ETag; a StoreFailure with status 404 when it does not exist. */
  head(key: string, signal: AbortSignal): Promise<ObjectInfo>;
  /** Bytes `start`..`end` (inclusive); with `ifMatch`, only while the object still has that ETag. */
  get(key: string, start: number, end: number, ifMatch: string | null, signal: AbortSignal): Promise<ObjectBody>;
  /**
   * Called before a retry the last failure asks for: fresh credentials after an expired token, the
   * region a redirect named. Returns false when it has nothing to change.
   */
  recover(failure: StoreFailure): Promise<boolean>;
  close(): void;
}

/** What a request to the store ended with, normalised across providers. */
export class StoreFailure extends Error {
  constructor(
    /** One line: the status, the service's code and message, or the network error. */
    readonly answer: string,
    readonly opts: {
      status?: number | null;
      code?: string | null;
      /** Worth retrying as is: 5xx, 429, SlowDown, throttling, timeouts, resets. */
      retryable?: boolean;
      /** The server's Retry-After, in ms. */
      retryAfterMs?: number | null;
      /** Retry after recover(): expired credentials, a region redirect. */
      recoverable?: boolean;
      /** The region a redirect or error named. */
      region?: string | null;
    } = {},
  ) {
    super(answer);
    this.name = 'StoreFailure';
  }

  get status(): number | null {
    return this.opts.status ?? null;
  }
  get code(): string | null {
    return this.opts.code ?? null;
  }
  get retryable(): boolean {
    return this.opts.retryable ?? false;
  }
  get recoverable(): boolean {
    return this.opts.recoverable ?? false;
  }
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);
const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'ServerBusy', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'OperationTimedOut', 'ServiceUnavailable']);
const EXPIRED_CODES = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'InvalidToken']);

/** A failure from an error that is not the service's answer: a reset, a timeout, DNS. */
export function networkFailure(err: unknown): StoreFailure | null {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | null;
  if (e === null || typeof e !== 'object') return null;
  const code = typeof e.code === 'string' ? e.code : null;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message.split('\n')[0]! : String(err);
  if ((code !== null && NETWORK_CODES.has(code)) || /socket hang up|premature close|aborted|ECONNRESET|timed? ?out/i.test(message) || name === 'TimeoutError') {
    return new StoreFailure(code === null ? message : `${code} (${message})`, { code, retryable: true });
  }
  if (e.cause !== undefined && e.cause !== err) return networkFailure(e.cause);
  return null;
}

/** Classifies an answer the service sent (status, code, message) into a StoreFailure. */
export function serviceFailure(status: number | null, code: string | null, message: string | null, headers: { retryAfter?: string | null; region?: string | null } = {}): StoreFailure {
  const retryAfterMs = parseRetryAfter(headers.retryAfter ?? null);
  const text = [status === null ? null : `HTTP ${status}`, code, message === null || message === '' ? null : `(${message.split('\n')[0]!.slice(0, 300)})`].filter((x) => x !== null).join(' ');
  const expired = code !== null && EXPIRED_CODES.has(code);
  const redirect = (status === 301 || status === 400 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed') && (headers.region ?? null) !== null;
  const retryable = !expired && !redirect && ((status !== null && (status >= 500 || status === 429 || status === 408)) || (code !== null && THROTTLE_CODES.has(code)));
  return new StoreFailure(text === '' ? 'no answer' : text, { status, code, retryable, retryAfterMs, recoverable: expired || redirect, region: headers.region ?? null });
}

/** `Retry-After` as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** An ETag without its quotes (and without a weak `W/` marker). */
export function bareEtag(etag: string | null | undefined): string | null {
  if (etag === undefined || etag === null || etag === '') return null;
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
