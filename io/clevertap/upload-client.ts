import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { uploadUrl } from './credentials.js';
import type { DeliveryCredentials } from '../../engine/delivery/delivery-types.js';

/** What became of one POST: an HTTP answer, or no answer at all. */
export type UploadOutcome =
  | { kind: 'response'; status: number; body: string; retryAfterMs: number | null }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string }
  | { kind: 'aborted' };

/** Error answers can be large HTML pages; only this much is kept (for the dead-letter reason). */
const MAX_BODY_BYTES = 64 << 20;

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * POSTs upload bodies to `{endpoint}/1/upload` over kept-alive connections (one per concurrent
 * request). Never throws for transport problems: they are outcomes the retry logic classifies.
 * The credentials go into headers only; no error message built here can contain them.
 */
export class UploadClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly headers: Record<string, string>;

  constructor(
    credentials: DeliveryCredentials,
    concurrency: number,
    private readonly timeoutMs: number,
  ) {
    this.url = uploadUrl(credentials.endpoint);
    const options = { keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
    this.headers = {
      'X-CleverTap-Account-Id': credentials.accountId,
      'X-CleverTap-Passcode': credentials.passcode,
      'Content-Type': 'application/json; charset=utf-8',
    };
  }

  /** The endpoint's host, safe to print. */
  get host(): string {
    return this.url.host;
  }

  post(body: Buffer, signal?: AbortSignal): Promise<UploadOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: UploadOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.headers, 'Content-Length': String(body.length) },
      });
      const timer = setTimeout(() => {
        finish({ kind: 'timeout' });
        req.destroy();
      }, this.timeoutMs);
      const onAbort = (): void => {
        finish({ kind: 'aborted' });
        req.destroy();
      };
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'network', message: err.code ?? err.message }));
      req.on('response', (res: IncomingMessage) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (part: Buffer) => {
          if (size < MAX_BODY_BYTES) parts.push(part);
          size += part.length;
        });
        res.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'network', message: err.code ?? err.message }));
        res.on('aborted', () => finish({ kind: 'network', message: 'response cut short' }));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString('utf8'),
            retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
          });
        });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
