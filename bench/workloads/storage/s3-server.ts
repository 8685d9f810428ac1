import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Keys the tests sign with (s3rver does not check signatures). */
export const S3_KEYS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

let legacyFlag: string[] | null = null;

/** The node flags under which DES (s3rver's continuation tokens) works in a child process. */
function desFlags(): string[] {
  if (legacyFlag !== null) return legacyFlag;
  const probe = "require('node:crypto').createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8))";
  for (const flags of [[], ['--openssl-legacy-provider']]) {
    try {
      execFileSync(process.execPath, [...flags, '-e', probe], { stdio: 'ignore' });
      legacyFlag = flags;
      return flags;
    } catch {
      // Try the next.
    }
  }
  throw new Error('DES is unavailable with and without --openssl-legacy-provider: s3rver cannot paginate listings');
}

/**
 * An s3rver process (an S3-compatible server from npm, a dev dependency) on 127.0.0.1 with its
 * objects in a temp directory, for the storage tests and the object-storage benchmark.
 */
export class S3Server {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly client: S3Client,
    private readonly directory: string,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(buckets: readonly string[]): Promise<S3Server> {
    const main = join(fileURLToPath(new URL('.', import.meta.url)), 's3rver-main.js');
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
    const child = spawn(process.execPath, [...desFlags(), main, directory, ...buckets], { stdio: ['ignore', 'pipe', 'inherit'], env });
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { port } = JSON.parse(line) as { port: number };
    const client = new S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: { accessKeyId: S3_KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: S3_KEYS.AWS_SECRET_ACCESS_KEY } });
    return new S3Server(child, port, client, directory);
  }

  async put(bucket: string, key: string, body: Buffer | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  /** Uploads every file under `dir` to `bucket` under `prefix/`, keys as the relative paths. */
  async upload(dir: string, bucket: string, prefix: string): Promise<void> {
    for (const file of filesUnder(dir)) await this.put(bucket, `${prefix}/${relative(dir, file).split(sep).join('/')}`, readFileSync(file));
  }

  /** Stops the server and removes its objects. */
  async stop(): Promise<void> {
    this.client.destroy();
    if (this.child.exitCode === null) {
      this.child.kill('SIGKILL');
      await once(this.child, 'exit');
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .sort();
}
