import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PERMANENT_RECORD_CODES } from '../../../io/clevertap/record-codes.js';
import type { RequestFault, SandboxFaults } from './sandbox-faults.js';
import { SandboxParsePool } from './sandbox-parse-pool.js';
import { parseUpload } from './sandbox-upload-parse.js';
import type { ParsedUpload } from './sandbox-upload-parse.js';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  accountId?: string;
  passcode?: string;
  /** Concurrent uploads per account beyond which the sandbox answers 429, as CleverTap does; default 15. */
  maxConcurrent?: number;
  faults?: SandboxFaults;
  /** Called once the crash fault fired and the server is closed (the CLI exits the process). */
  onCrash?: () => void;
  /** Worker threads parsing upload bodies; 0 (default) parses on the main thread. */
  parseThreads?: number;
}

export interface SandboxStats {
  /** Upload requests that passed authentication. */
  requests: number;
  rateLimited: number;
  serverErrors: number;
  dropped: number;
  badRequests: number;
  unauthorized: number;
  /** Records accepted, counting every duplicate. */
  accepted: number;
  /** Distinct records accepted. */
  unique: number;
  /** Records accepted more than once, counted once per extra copy. */
  duplicates: number;
  unprocessed: number;
  peakConcurrent: number;
  crashed: boolean;
}

export const SANDBOX_DEFAULT_ACCOUNT_ID = 'SANDBOX-ACCOUNT';
export const SANDBOX_DEFAULT_PASSCODE = 'sandbox-passcode';
const MAX_BODY_BYTES = 32 << 20;

/** A small seeded PRNG: the same seed gives the same faults, so a failing test can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hash of a record key: decides a permanent refusal once per record, the same on every attempt. */
function fnv1a(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A local stand-in for CleverTap's Upload Events API (`POST /1/upload`) with fault injection, for
 * tests, benchmarks and dry rehearsals. It checks the auth headers (401), the body shape and the
 * 1000-record limit (400), each record's required fields (refused records come back in
 * `unprocessed` with CleverTap's code and message) and the 15-concurrent-requests limit (429),
 * and keeps a count of every record it accepted, so a test can prove each was accepted exactly
 * once. `GET /_sandbox/accepted` returns the stats (`?records=1` adds the per-record counts).
 */
export class Sandbox {
  private readonly counts = new Map<string, number>();
  private readonly statsValue: SandboxStats = {
    requests: 0,
    rateLimited: 0,
    serverErrors: 0,
    dropped: 0,
    badRequests: 0,
    unauthorized: 0,
    accepted: 0,
    unique: 0,
    duplicates: 0,
    unprocessed: 0,
    peakConcurrent: 0,
    crashed: false,
  };
  private faults: SandboxFaults = {};
  private remaining = new Map<string, number>();
  private random: () => number = Math.random;
  private concurrent = 0;
  private readonly pool: SandboxParsePool | null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: Required<Pick<SandboxOptions, 'accountId' | 'passcode' | 'maxConcurrent'>> & SandboxOptions,
  ) {
    this.pool = (options.parseThreads ?? 0) > 0 ? new SandboxParsePool(options.parseThreads!) : null;
  }

  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const server = createServer();
    server.keepAliveTimeout = 30_000;
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const sandbox = new Sandbox(server, `http://${host}:${port}`, {
      ...options,
      accountId: options.accountId ?? SANDBOX_DEFAULT_ACCOUNT_ID,
      passcode: options.passcode ?? SANDBOX_DEFAULT_PASSCODE,
      maxConcurrent: options.maxConcurrent ?? 15,
    });
    sandbox.setFaults(options.faults ?? {});
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      sandbox.route(req, res).catch(() => res.destroy());
    });
    return sandbox;
  }

  /** Replaces the faults; `next` counters start again from now. */
  setFaults(faults: SandboxFaults): void {
    this.faults = faults;
    this.random = mulberry32(faults.seed ?? 1);
    this.remaining = new Map();
    for (const [name, fault] of Object.entries(faults)) {
      const next = (fault as RequestFault | undefined)?.next;
      if (typeof next === 'number') this.remaining.set(name, next);
    }
  }

  stats(): SandboxStats {
    return { ...this.statsValue };
  }

  /** How many times each record (sandboxRecordKey) was accepted. */
  acceptedCounts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  /** The stats and per-record counts as JSON, for `--dump`. */
  dump(path: string): void {
    writeFileSync(path, `${JSON.stringify({ ...this.stats(), records: Object.fromEntries(this.counts) })}\n`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.pool?.close();
  }

  private hits(name: keyof SandboxFaults, fault: RequestFault | undefined): boolean {
    if (fault === undefined) return false;
    const left = this.remaining.get(name) ?? 0;
    if (left > 0) {
      this.remaining.set(name, left - 1);
      return true;
    }
    return fault.probability !== undefined && this.random() < fault.probability;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname === '/_sandbox/accepted' && req.method === 'GET') {
      const body: Record<string, unknown> = { ...this.stats() };
      if (url.searchParams.get('records') === '1') body['records'] = Object.fromEntries(this.counts);
      sendJson(res, 200, body);
      return;
    }
    if (url.pathname !== '/1/upload') {
      sendJson(res, 404, { status: 'fail', error: 'Not found', code: 404 });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { status: 'fail', error: 'Method not allowed', code: 405 }, { Allow: 'POST' });
      return;
    }
    if (req.headers['x-clevertap-account-id'] !== this.options.accountId || req.headers['x-clevertap-passcode'] !== this.options.passcode) {
      this.statsValue.unauthorized++;
      req.resume();
      sendJson(res, 401, { status: 'fail', error: 'Invalid Account ID or Passcode', code: 401 });
      return;
    }
    if (this.concurrent >= this.options.maxConcurrent) {
      this.statsValue.rateLimited++;
      req.resume();
      sendJson(res, 429, { status: 'fail', error: `Too many concurrent requests (max ${this.options.maxConcurrent})`, code: 429 });
      return;
    }
    this.concurrent++;
    this.statsValue.peakConcurrent = Math.max(this.statsValue.peakConcurrent, this.concurrent);
    let released = false;
    const release = (): void => {
      if (!released) this.concurrent--;
      released = true;
    };
    res.on('close', release);
    try {
      await this.upload(req, res);
    } finally {
      if (res.writableEnded || res.destroyed) release();
    }
  }

  private async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === null) {
      this.statsValue.badRequests++;
      sendJson(res, 413, { status: 'fail', error: 'Payload too large', code: 413 });
      return;
    }
    this.statsValue.requests++;
    const f = this.faults;
    let gone = false;
    res.on('close', () => {
      gone ||= !res.writableFinished;
    });
    const dropAfter = this.hits('drop', f.drop);
    if (dropAfter && f.drop?.afterProcessing !== true) {
      this.statsValue.dropped++;
      req.socket.destroy();
      return;
    }
    if (this.hits('rateLimit', f.rateLimit)) {
      this.statsValue.rateLimited++;
      const retryAfter = f.rateLimit?.retryAfterSeconds;
      sendJson(res, 429, { status: 'fail', error: 'Rate limit exceeded', code: 429 }, retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) });
      return;
    }
    if (this.hits('serverError', f.serverError)) {
      this.statsValue.serverErrors++;
      const status = f.serverError?.status ?? 503;
      sendJson(res, status, { status: 'fail', error: 'Service unavailable', code: status });
      return;
    }
    const slow = this.hits('slow', f.slow) ? (f.slow?.ms ?? 0) : 0;
    if (slow > 0 && f.slow?.afterProcessing !== true) {
      await sleep(slow);
      if (gone && f.slow?.processLate !== true) return;
    }
    // Injected refusals echo the record, so they need the parsed records here, not in a worker.
    const parsed: ParsedUpload = this.pool === null || f.unprocessed !== undefined ? parseUpload(body, f.unprocessed !== undefined) : await this.pool.parse(body);
    if (parsed.kind === 'bad') {
      this.statsValue.badRequests++;
      sendJson(res, 400, { status: 'fail', error: parsed.error, code: 400 });
      return;
    }
    if (f.crash !== undefined && this.statsValue.accepted + parsed.count > f.crash.afterRecords) {
      await this.crash();
      return;
    }
    const answer = this.process(parsed);
    if (dropAfter) {
      this.statsValue.dropped++;
      req.socket.destroy();
      return;
    }
    if (slow > 0 && f.slow?.afterProcessing === true) await sleep(slow);
    if (gone) return;
    sendJson(res, 200, answer);
  }

  private process(parsed: Extract<ParsedUpload, { kind: 'records' }>): { status: 'success'; processed: number; unprocessed: unknown[] } {
    const u = this.faults.unprocessed;
    const unprocessed: unknown[] = parsed.invalid.map(({ code, error, record }) => ({ status: 'fail', code, error, record }));
    parsed.keys.forEach((key, index) => {
      if (key === null) return;
      if (u !== undefined) {
        let refusal: { code: number; error: string } | null = null;
        if (u.permanent !== undefined && fnv1a(key) / 4294967296 < u.permanent) {
          const code = u.permanentCode ?? 512;
          refusal = { code, error: PERMANENT_RECORD_CODES.get(code) ?? 'Permanent failure (sandbox)' };
        } else if (u.transient !== undefined && this.random() < u.transient) {
          refusal = { code: u.transientCode ?? 555, error: 'Miscellaneous server error' };
        }
        if (refusal !== null) {
          unprocessed.push({ status: 'fail', ...refusal, record: parsed.records![index] });
          return;
        }
      }
      const seen = this.counts.get(key) ?? 0;
      this.counts.set(key, seen + 1);
      if (seen === 0) this.statsValue.unique++;
      else this.statsValue.duplicates++;
    });
    const processed = parsed.count - unprocessed.length;
    this.statsValue.accepted += processed;
    this.statsValue.unprocessed += unprocessed.length;
    return { status: 'success', processed, unprocessed };
  }

  private async crash(): Promise<void> {
    this.statsValue.crashed = true;
    await this.close();
    this.options.onCrash?.();
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts);
}
