import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup } from '../cleanup.js';

/** One request the proxy saw. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  range: string | null;
  status: number;
}

/** What to do instead of forwarding a request as is. */
export type Fault =
  /** Answer this without asking the server. */
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Forward, but close the connection after this many body bytes. */
  | { cutAfter: number }
  /** Forward after this long (a server that does not answer in time). */
  | { delayMs: number };

/**
 * A proxy on 127.0.0.1 in front of an emulator: records every request (to count the GETs a run
 * makes) and injects faults chosen per request (throttling, 5xx, a connection cut mid-body), or
 * runs an action before forwarding one (to replace a file between two ranged reads).
 */
export class StorageProxy {
  readonly seen: SeenRequest[] = [];
  /** The most requests the proxy had open at once since the last reset. */
  maxInFlight = 0;
  private inFlight = 0;
  /** Decides a request's fault; null forwards it unchanged. */
  onRequest: ((req: IncomingMessage) => Promise<Fault | null> | Fault | null) | null = null;

  private constructor(
    private readonly server: Server,
    private readonly target: number,
  ) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(targetPort: number): Promise<StorageProxy> {
    const server = createServer();
    const proxy = new StorageProxy(server, targetPort);
    server.on('request', (req, res) => void proxy.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanup(() => proxy.close());
    return proxy;
  }

  /** Object GETs (ranged reads and whole-object GETs), not listings, by path. */
  objectGets(): string[] {
    return this.seen.filter((r) => r.method === 'GET' && !/[?&](list-type=|comp=list|restype=container)/.test(r.url)).map((r) => decodeURIComponent(r.url.split('?')[0]!));
  }

  listings(): number {
    return this.seen.filter((r) => r.method === 'GET' && /[?&](list-type=|comp=list)/.test(r.url)).length;
  }

  reset(): void {
    this.seen.length = 0;
    this.onRequest = null;
    this.maxInFlight = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', range: (req.headers['range'] as string | undefined) ?? (req.headers['x-ms-range'] as string | undefined) ?? null, status: 0 };
    this.seen.push(seen);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const fault = this.onRequest === null ? null : await this.onRequest(req);
    if (fault !== null && 'status' in fault) {
      seen.status = fault.status;
      req.resume();
      res.writeHead(fault.status, fault.headers ?? {});
      res.end(fault.body ?? '');
      return;
    }
    if (fault !== null && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (res.destroyed || req.destroyed) return;
    const cut = fault !== null && 'cutAfter' in fault ? fault.cutAfter : null;
    const upstream = request({ host: '127.0.0.1', port: this.target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      seen.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (cut === null) {
        answer.pipe(res);
        return;
      }
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        if (sent >= cut) return;
        const part = chunk.subarray(0, cut - sent);
        sent += part.length;
        if (sent < cut) {
          res.write(part);
          return;
        }
        // The last bytes reach the client before the connection drops.
        answer.destroy();
        res.write(part, () => setTimeout(() => res.socket?.destroy(), 50));
      });
      answer.on('end', () => res.end());
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
  }
}
