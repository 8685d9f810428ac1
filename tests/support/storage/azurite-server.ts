import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { ContainerClient } from '@azure/storage-blob';
import { cleanup } from '../cleanup.js';
import { filesUnder } from '../../../bench/workloads/storage/s3-server.js';

/** Azurite's documented development account and key (public). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * An Azurite Blob service (npm `azurite`) in its own process on 127.0.0.1, in memory, telemetry
 * off, any API version accepted; stopped when the test (or file) ends. It has no ADLS Gen2 `dfs`
 * API (the engine reads ADLS through the Blob endpoint anyway) and ignores `startFrom`.
 */
export class AzuriteServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** The Blob endpoint (path-style: the account is the first path segment). */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}/${AZURITE_ACCOUNT}`;
  }

  static async start(): Promise<AzuriteServer> {
    const main = join(dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
    const args = [main, '--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--silent', '--extentMemoryLimit', '256'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    let port = 0;
    for await (const line of lines) {
      const m = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m !== null) {
        port = Number(m[1]);
        break;
      }
    }
    if (port === 0) throw new Error('azurite did not start');
    const server = new AzuriteServer(child, port);
    cleanup(() => server.stop());
    return server;
  }

  container(name: string): ContainerClient {
    return new BlobServiceClient(this.endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY)).getContainerClient(name);
  }

  /** Uploads every file under `dir` to `container` under `prefix/` (the container is created if needed). */
  async upload(dir: string, container: string, prefix: string): Promise<void> {
    const client = this.container(container);
    await client.createIfNotExists();
    for (const file of filesUnder(dir)) {
      const body = readFileSync(file);
      await client.getBlockBlobClient(`${prefix}/${relative(dir, file).split(sep).join('/')}`).upload(body, body.length);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}
