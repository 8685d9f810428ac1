import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { credentialRedactor, uploadUrl } from './credentials.js';
import { serverText } from './server-text.js';
import type { DeliveryCredentials } from './credentials.js';

/**
 * What became of one POST: an HTTP answer, or no answer at all. `sent` tells whether the whole
 * request had been handed to the network when the answer failed to come: if it had, CleverTap may
 * have processed it (the outcome is unknown); if not, it cannot have (the request was incomplete).
 */
export type UploadOutcome =
  | { kind: 'response'; status: number; body: string; retryAfterMs: number | null }
  | { kind: 'timeout'; sent: boolean }
  | { kind: 'network'; message: string; sent: boolean }
  | { kind: 'aborted'; sent: boolean };

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
 * The credentials go into headers only; `redact` blanks them out of what the server sends back.
 *
 * A request that times out or is aborted is cut (its socket destroyed) and `post` resolves only
 * once that socket is closed: the caller's next request cannot overlap it, so no more than
 * `concurrency` connections ever carry requests, even against a server slower than the timeout.
 */
export class UploadClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly headers: Record<string, string>;
  /** Blanks the credentials out of a server-provided text (see credentialRedactor). */
  readonly redact: (text: string) => string;

  constructor(
    credentials: DeliveryCredentials,
    concurrency: number,
    private readonly timeoutMs: number,
  ) {
    this.url = uploadUrl(credentials.endpoint);
    this.redact = credentialRedactor(credentials);
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
    if (signal?.aborted === true) return Promise.resolve({ kind: 'aborted', sent: false });
    return new Promise((resolve) => {
      const cut = new AbortController();
      let outcome: UploadOutcome | null = null;
      // The request left only once its last byte was handed over (`finished`) on a connection that
      // was established — and, for https, whose TLS handshake completed (`connected`). Node hands
      // the body to a TLS socket before the handshake: a handshake that fails (EPROTO, a bad
      // certificate) then looks finished, though not a byte reached the server.
      let finished = false;
      let connected = false;
      const sent = (): boolean => finished && connected;
      const settle = (o: UploadOutcome): void => {
        outcome ??= o;
      };
      const giveUp = (o: UploadOutcome): void => {
        settle(o);
        cut.abort();
      };
      // Built first: should it throw, no timer or listener is left behind.
      const https = this.url.protocol === 'https:';
      const send = https ? httpsRequest : httpRequest;
      const req = send(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.headers, 'Content-Length': String(body.length) },
        signal: cut.signal,
      });
      const timer = setTimeout(() => giveUp({ kind: 'timeout', sent: sent() }), this.timeoutMs);
      const onAbort = (): void => giveUp({ kind: 'aborted', sent: sent() });
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('socket', (socket) => {
        // A kept-alive socket was connected (and its handshake done) by an earlier request.
        if (req.reusedSocket) connected = true;
        else
          socket.once(https ? 'secureConnect' : 'connect', () => {
            connected = true;
          });
      });
      // 'finish': the last byte of the request was handed to the OS (or the TLS layer), see above.
      req.on('finish', () => {
        finished = true;
      });
      req.on('error', (err: NodeJS.ErrnoException) => settle({ kind: 'network', message: this.errorText(err), sent: sent() }));
      req.on('response', (res: IncomingMessage) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (part: Buffer) => {
          if (size < MAX_BODY_BYTES) parts.push(part);
          size += part.length;
        });
        res.on('error', (err: NodeJS.ErrnoException) => settle({ kind: 'network', message: this.errorText(err), sent: true }));
        res.on('aborted', () => settle({ kind: 'network', message: 'response cut short', sent: true }));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          settle({
            kind: 'response',
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString('utf8'),
            retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
          });
        });
      });
      // 'close' comes last, once the socket is released or destroyed: only then is the slot free.
      req.on('close', () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome ?? { kind: 'network', message: 'connection closed without an answer', sent: sent() });
      });
      req.end(body);
    });
  }

  /** A transport error as the ledger and messages say it: its code (ECONNREFUSED, EPROTO, …), else its scrubbed, shortened message. */
  private errorText(err: NodeJS.ErrnoException): string {
    return err.code ?? serverText(err.message, this.redact) ?? 'unknown error';
  }

  close(): void {
    this.agent.destroy();
  }
}
