import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { StorageError } from '../../../io/errors.js';
import { isStorageUrl, localPath, parseStorageUrl } from '../../../io/storage/storage-url.js';
import { REDACTED, scrubSecrets, StorageOptions } from '../../../io/storage/storage-options.js';
import { redactStorage, resolveStorage } from '../../../engine/config/storage-config.js';
import { configFromObject } from '../../../engine/config/resolve-config.js';
import { expectEqual } from '../../support/expect-equal.js';

const parsed = (url: string): [string, string, string | null, string, string] => {
  const l = parseStorageUrl(url);
  return [l.provider, l.bucket, l.account, l.prefix, l.url];
};

const refused = (url: string, message: string): void => {
  assert.throws(() => parseStorageUrl(url), (e: unknown) => e instanceof StorageError && e.message === message);
};

describe('URL forms', () => {
  it('S3, S3A and GCS', () => {
    expectEqual(parsed('s3://lake/crm/2026-11-22'), ['s3', 'lake', null, 'crm/2026-11-22', 's3://lake/crm/2026-11-22']);
    expectEqual(parsed('s3a://lake/crm/'), ['s3', 'lake', null, 'crm', 's3://lake/crm']);
    expectEqual(parsed('s3://lake'), ['s3', 'lake', null, '', 's3://lake']);
    expectEqual(parsed('gs://lake/crm'), ['gcs', 'lake', null, 'crm', 'gs://lake/crm']);
  });

  it('Azure: az://, abfs[s]:// on dfs or blob, wasbs://, https:// on blob or dfs — all read through the Blob endpoint', () => {
    expectEqual(parsed('az://data/crm'), ['azure', 'data', null, 'crm', 'az://data/crm']);
    // The canonical form names the account, and reads back the same.
    expectEqual(parsed('az://data@acct/crm'), ['azure', 'data', 'acct', 'crm', 'az://data@acct/crm']);
    expectEqual(parsed('abfss://data@acct.dfs.core.windows.net/crm'), ['azure', 'data', 'acct', 'crm', 'az://data@acct/crm']);
    expectEqual(parsed('abfs://data@Acct.blob.core.windows.net/crm'), ['azure', 'data', 'acct', 'crm', 'az://data@acct/crm']);
    expectEqual(parsed('wasbs://data@acct.blob.core.windows.net/crm'), ['azure', 'data', 'acct', 'crm', 'az://data@acct/crm']);
    expectEqual(parsed('https://acct.blob.core.windows.net/data/crm'), ['azure', 'data', 'acct', 'crm', 'az://data@acct/crm']);
    expectEqual(parsed('https://acct.dfs.core.windows.net/data/crm'), ['azure', 'data', 'acct', 'crm', 'az://data@acct/crm']);
  });

  it('paths are literal: glob characters, spaces and % are key characters', () => {
    expectEqual(parsed('s3://lake/crm/*/day=[1]/a%20b c'), ['s3', 'lake', null, 'crm/*/day=[1]/a%20b c', 's3://lake/crm/*/day=[1]/a%20b c']);
  });

  it('file:// URLs and bare paths are local', () => {
    assert.equal(isStorageUrl('/lake/crm'), false);
    assert.equal(isStorageUrl('file:///lake/crm'), false);
    assert.equal(isStorageUrl('crm'), false);
    assert.equal(isStorageUrl('s3://lake'), true);
    assert.equal(localPath('file:///lake/crm'), '/lake/crm');
    assert.equal(localPath('file://localhost/lake/crm'), '/lake/crm');
    assert.equal(localPath('/lake/a%20b'), '/lake/a%20b');
    assert.throws(() => localPath('file://server/lake'), (e: unknown) => e instanceof StorageError && e.message === "file://server/lake: names the host 'server': file:// URLs must name a path on this machine (file:///path)");
  });

  it('refused, with the whole one-line message', () => {
    refused('hdfs://nn/lake', "hdfs://nn/lake: the scheme 'hdfs://' is not supported (s3://, s3a://, gs://, az://, abfs[s]://, https://….blob.core.windows.net/, file:// or a local path)");
    refused('s3:///crm', 's3:///crm: names no bucket or container');
    refused('s3://lake/crm/../secret', "s3://lake/crm/../secret: has an empty, '.' or '..' path segment, which cannot be read as a file of the dataset");
    refused('s3://lake/crm//x', "s3://lake/crm//x: has an empty, '.' or '..' path segment, which cannot be read as a file of the dataset");
    refused('abfss://data/crm', 'abfss://data/crm: must name container@account.dfs.core.windows.net (or .blob.core.windows.net) after abfss://');
    refused('https://example.com/data', 'https://example.com/data: is an http(s) URL but not an Azure storage one (https://account.blob.core.windows.net/container/…); S3-compatible endpoints are set with AWS_ENDPOINT_URL and named as s3://bucket/…');
    // A SAS token in the URL is never echoed.
    refused('https://acct.blob.core.windows.net/data/crm?sv=2024&sig=SECRET', 'https://acct.blob.core.windows.net/data/crm?…: holds a query string: put a SAS token in AZURE_STORAGE_SAS_TOKEN, not in the URL (URLs are printed and recorded in the manifest)');
  });
});

describe('storage options', () => {
  it('command line over config over environment over default; where each came from', () => {
    const o = StorageOptions.resolve({
      env: { AWS_DEFAULT_REGION: 'us-west-2', AWS_ENDPOINT_URL: 'http://env', AWS_ALLOW_HTTP: 'true' },
      config: { aws_endpoint_url: 'http://config' },
      cli: { AWS_REGION: 'eu-west-1' },
    });
    expectEqual([o.string('AWS_REGION'), o.describe('AWS_REGION')], ['eu-west-1', '--storage AWS_REGION (command line)']);
    expectEqual([o.string('AWS_ENDPOINT_URL'), o.describe('AWS_ENDPOINT_URL')], ['http://config', 'storage.aws_endpoint_url (config)']);
    expectEqual([o.bool('AWS_ALLOW_HTTP'), o.describe('AWS_ALLOW_HTTP')], [true, 'AWS_ALLOW_HTTP (environment)']);
    expectEqual([o.int('CONCURRENCY'), o.describe('CONCURRENCY')], [8, 'CONCURRENCY (default)']);
    // AWS_REGION wins over AWS_DEFAULT_REGION in the environment.
    expectEqual(StorageOptions.resolve({ env: { AWS_DEFAULT_REGION: 'a', AWS_REGION: 'b' } }).string('AWS_REGION'), 'b');
  });

  it('an unknown option or a bad value names it', () => {
    assert.throws(() => StorageOptions.resolve({ config: { aws_regoin: 'x' } }), (e: unknown) => e instanceof StorageError && e.message.startsWith('storage.aws_regoin: unknown storage option (known: aws_region, '));
    assert.throws(() => StorageOptions.resolve({ env: { AWS_ALLOW_HTTP: 'maybe' } }), (e: unknown) => e instanceof StorageError && e.message === 'AWS_ALLOW_HTTP: must be true or false');
    assert.throws(() => resolveStorage(configFromObject({}, 'test'), { CONCURRENCY: '0' }), (e: unknown) => e instanceof Error && e.message === '--storage CONCURRENCY: must be at least 1');
  });

  it('the config section is checked like any other; secrets are shown as (set) and never written back', () => {
    assert.throws(() => configFromObject({ storage: { aws_regoin: 'x' } }, 'c.yaml'), /storage\.aws_regoin: unknown config key/);
    const config = configFromObject({ storage: { aws_region: 'eu-west-1', azure_storage_account_key: 'S3CR3T', aws_allow_http: true }, overrides: [{ name: 'x', from: '2026-01-01', to: '2026-01-02', set: { storage: { aws_secret_access_key: 'S3CR3T2' } } }] }, 'c.yaml');
    const shown = JSON.stringify(redactStorage(config));
    assert.ok(!shown.includes('S3CR3T'), shown);
    expectEqual(redactStorage(config).storage, { aws_region: 'eu-west-1', azure_storage_account_key: REDACTED, aws_allow_http: true });
    // Read back from a manifest, a redacted secret is left to the environment.
    const back = resolveStorage(redactStorage(config), {}, { AZURE_STORAGE_ACCOUNT_KEY: 'from-env' });
    expectEqual([back.string('AZURE_STORAGE_ACCOUNT_KEY'), back.bool('AWS_ALLOW_HTTP')], ['from-env', true]);
  });

  it('messages are scrubbed of secrets, SAS signatures and presigned credentials', () => {
    expectEqual(scrubSecrets('failed with key abc/def+1 and abc%2Fdef%2B1', ['abc/def+1']), 'failed with key *** and ***');
    expectEqual(scrubSecrets('GET https://a.blob.core.windows.net/c/x?sv=1&sig=AbC%3D&se=2', []), 'GET https://a.blob.core.windows.net/c/x?sv=1&sig=***&se=2');
  });
});
