/**
 * `campaign run --data <URL>` when object storage cannot be read: one line on stderr naming the
 * URL, the provider and the credential source tried, exit 1, nothing published, and no secret in
 * anything printed or written (credentials refused by Azurite, none found by the AWS SDK's
 * default chain, an unsupported URL, a bad option).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { PRODUCT_CLI } from '../support/run-cli.js';
import { AzuriteServer } from '../support/storage/azurite-server.js';
import { startS3Server } from '../support/storage/s3-server.js';
import type { S3Server } from '../support/storage/s3-server.js';
import { tempDir } from '../support/temp-dir.js';

const D = '2026-11-22';
const WRONG_KEY = Buffer.from('not the account key of devstoreaccount1, but base64').toString('base64');
const WRONG_SAS = 'sv=2024-08-04&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=Zm9yZ2VkLXNpZ25hdHVyZQ%3D%3D';

let azurite: AzuriteServer;
let s3: S3Server;

beforeAll(async () => {
  azurite = await AzuriteServer.start();
  await azurite.container('lake').create();
  s3 = await startS3Server(['lake']);
});

/** `campaign run` with only the variables given (no credentials of the test machine leak in). */
function run(data: string, env: Record<string, string>, ...more: string[]): { status: number | null; stderr: string; out: string } {
  const out = tempDir();
  const r = spawnSync(process.execPath, [PRODUCT_CLI, 'run', '--data', data, '--date', D, '--out', out, '--quiet', ...more], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH']!, HOME: tempDir(), AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', ...env },
  });
  return { status: r.status, stderr: r.stderr, out };
}

/** Nothing published and no secret anywhere under the output root. */
function nothingWritten(out: string): void {
  assert.ok(!existsSync(join(out, D)), 'nothing published');
  assert.ok(!readdirSync(out, { recursive: true, encoding: 'utf8' }).some((p) => p.endsWith('.parquet') || p.endsWith('.ndjson')));
}

describe('credentials refused or missing', () => {
  it('Azure: a wrong account key', () => {
    const r = run('az://lake/crm', { AZURE_STORAGE_ACCOUNT_NAME: 'devstoreaccount1', AZURE_STORAGE_ACCOUNT_KEY: WRONG_KEY, AZURE_STORAGE_ENDPOINT: azurite.endpoint, AZURE_ALLOW_HTTP: 'true' });
    assert.equal(r.status, 3);
    assert.equal(
      r.stderr,
      `campaign: az://lake/crm/: LIST of the dataset: HTTP 403 AuthorizationFailure (Server failed to authenticate the request. Make sure the value of the Authorization header is formed correctly including the signature.) (Azure Blob (${azurite.endpoint}); credentials: account key from AZURE_STORAGE_ACCOUNT_KEY (environment))\n`,
    );
    assert.ok(!r.stderr.includes(WRONG_KEY));
    nothingWritten(r.out);
  });

  it('Azure: a SAS token that does not verify (given on the command line), never echoed', () => {
    const r = run('az://lake/crm', { AZURE_STORAGE_ACCOUNT_NAME: 'devstoreaccount1', AZURE_STORAGE_ENDPOINT: azurite.endpoint, AZURE_ALLOW_HTTP: 'true' }, '--storage', `AZURE_STORAGE_SAS_TOKEN=${WRONG_SAS}`);
    assert.equal(r.status, 3);
    assert.match(r.stderr, new RegExp(`^campaign: az://lake/crm/: LIST of the dataset: HTTP 403 AuthorizationFailure \\(.*\\) \\(Azure Blob \\(${azurite.endpoint.replace(/[.:/]/g, '\\$&')}\\); credentials: SAS token from --storage AZURE_STORAGE_SAS_TOKEN \\(command line\\)\\)\\n$`));
    assert.ok(!r.stderr.includes('Zm9yZ2VkLXNpZ25hdHVyZQ'), r.stderr);
    nothingWritten(r.out);
  });

  it('S3: no credentials anywhere the AWS SDK default chain looks', () => {
    const r = run('s3://lake/crm', { AWS_ENDPOINT_URL: s3.endpoint, AWS_ALLOW_HTTP: 'true', AWS_REGION: 'us-east-1' });
    assert.equal(r.status, 3);
    assert.match(
      r.stderr,
      new RegExp(
        `^campaign: s3://lake/crm/: LIST of the dataset: no credentials: [^\\n]+ \\(S3-compatible endpoint ${s3.endpoint.replace(/[.:/]/g, '\\$&')} \\(path-style\\), region us-east-1 \\(AWS_REGION \\(environment\\)\\); credentials: the AWS SDK default chain \\(shared config and credentials files, SSO, container and instance metadata; no AWS_ACCESS_KEY_ID or AWS_PROFILE set\\)\\)\\n$`,
      ),
    );
    nothingWritten(r.out);
  });

  it('GCS without an HMAC key', () => {
    const r = run('gs://lake/crm', {});
    assert.equal(r.status, 3);
    assert.equal(
      r.stderr,
      "campaign: gs://lake/crm: gs:// is read through GCS's S3-compatible XML API and needs an HMAC key: set GOOGLE_HMAC_KEY_ID and GOOGLE_HMAC_SECRET (Cloud Storage → Settings → Interoperability); service-account JSON and application default credentials are not used\n",
    );
  });
});

describe('refused before anything is read', () => {
  it('an http endpoint without AWS_ALLOW_HTTP', () => {
    const r = run('s3://lake/crm', { AWS_ENDPOINT_URL: s3.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    assert.equal(r.stderr, `campaign: s3://lake/crm: AWS_ENDPOINT_URL ${s3.endpoint} is plain http: set AWS_ALLOW_HTTP=true to allow it\n`);
  });

  it('an unknown --storage option is a usage error', () => {
    const r = run('s3://lake/crm', {}, '--storage', 'AWS_REGOIN=eu-west-1');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^campaign: --storage AWS_REGOIN: unknown storage option \(known: AWS_REGION, /);
  });

  it('an unsupported scheme', () => {
    const r = run('hdfs://namenode/lake', {});
    assert.deepEqual([r.status, r.stderr], [3, "campaign: hdfs://namenode/lake: the scheme 'hdfs://' is not supported (s3://, s3a://, gs://, az://, abfs[s]://, https://….blob.core.windows.net/, file:// or a local path)\n"]);
  });
});
