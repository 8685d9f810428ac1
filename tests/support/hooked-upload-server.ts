/**
 * A CleverTap `/1/upload` stand-in on 127.0.0.1 that accepts every record, after awaiting a
 * per-request hook: tests use it to act at an exact moment of a delivery (swap the published run,
 * hold a request open while another command starts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup } from './cleanup.js';

export interface HookedUploadServer {
  url: string;
  /** Requests answered or being answered so far. */
  requests(): number;
  /** Records accepted so far, with the run id each carried (evtData.run_id). */
  acceptedRunIds(): string[];
}

export async function startHookedUploadServer(onRequest: (n: number) => Promise<void> | void): Promise<HookedUploadServer> {
  let requests = 0;
  const runIds: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++requests;
      void (async () => {
        await onRequest(n);
        const records = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { d: { evtData: { run_id: string } }[] }).d;
        for (const r of records) runIds.push(r.evtData.run_id);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', processed: records.length, unprocessed: [] }));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests, acceptedRunIds: () => runIds };
}
