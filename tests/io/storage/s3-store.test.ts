/**
 * The S3 adapter's answers to what emulators cannot produce, with the SDK client mocked
 * (aws-sdk-client-mock): throttling, 503, expired credentials, region redirects, and the region
 * asked of the bucket. Every message is checked whole, and for the absence of the secret key.
 */
import assert from 'node:assert/strict';
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { StorageError } from '../../../io/errors.js';
import { RemoteDataset } from '../../../io/storage/remote-dataset.js';
import { fastPolicy, optionsOf } from '../../support/storage/storage-fixtures.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET };
const s3 = mockClient(S3Client);
const saved = { ...process.env };

/** An error as the SDK raises it for a service answer. */
function answer(status: number, code: string, message: string, headers: Record<string, string> = {}): S3ServiceException {
  const err = new S3ServiceException({ name: code, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
  return Object.assign(err, { $response: { statusCode: status, headers, body: undefined } });
}

const empty = { Contents: [], CommonPrefixes: [], IsTruncated: false, $metadata: { httpStatusCode: 200 } };

function open(options: Record<string, string>): Promise<RemoteDataset> {
  return RemoteDataset.open('s3://lake/crm', { options: optionsOf(options), cacheDir: tempDir(), env: {}, policy: fastPolicy({ maxRetries: 3 }) });
}

/** The StorageError `promise` rejects with, checked to hold no secret. */
async function failure(promise: Promise<unknown>): Promise<StorageError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof StorageError, String(err));
    assert.ok(!err.message.includes(SECRET), err.message);
    return err;
  }
  assert.fail('expected a StorageError');
}

beforeAll(() => {
  // The SDK's own region chain must find nothing here: no region variable, no profile file.
  for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[k];
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/aws-config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/aws-credentials';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
});

afterAll(() => {
  s3.restore();
  process.env = saved;
});

beforeEach(() => s3.reset());

describe('region', () => {
  it("none set anywhere: the bucket's answer (HeadBucket), and messages say where it came from", async () => {
    s3.on(HeadBucketCommand).resolves({ BucketRegion: 'eu-west-1', $metadata: { httpStatusCode: 200 } });
    s3.on(ListObjectsV2Command).rejects(answer(403, 'AccessDenied', 'Access Denied'));
    const e = await failure(open(KEYS));
    expectEqual(e.message, "s3://lake/crm/: LIST of the dataset: HTTP 403 AccessDenied (Access Denied) (S3, region eu-west-1 (the bucket's answer); credentials: static keys from --storage AWS_ACCESS_KEY_ID (command line))");
    expectEqual(e.retryable, false);
    expectEqual(await s3.commandCalls(ListObjectsV2Command)[0]!.thisValue.config.region(), 'eu-west-1');
  });

  it('none set and the bucket names none: refused, never a default', async () => {
    s3.on(HeadBucketCommand).rejects(answer(403, 'Forbidden', 'Forbidden'));
    const e = await failure(open(KEYS));
    expectEqual(e.message, "s3://lake/crm: the bucket's region is unknown: set AWS_REGION (none in the storage options, AWS_REGION, AWS_DEFAULT_REGION or the AWS profile, and the bucket's answer named none: HeadBucket answered HTTP 403 Forbidden)");
  });

  it('a redirect to the bucket\'s region is followed, with a client for that region', async () => {
    s3.on(ListObjectsV2Command).rejectsOnce(answer(301, 'PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint.', { 'x-amz-bucket-region': 'eu-central-1' })).resolves(empty);
    const ds = await open({ ...KEYS, AWS_REGION: 'us-east-1' });
    const calls = s3.commandCalls(ListObjectsV2Command);
    expectEqual(calls.length, 2);
    expectEqual(await calls[1]!.thisValue.config.region(), 'eu-central-1');
    await ds.close();
  });
});

describe('faults', () => {
  it('throttled (503 SlowDown, then 429): retried until answered', async () => {
    s3.on(ListObjectsV2Command).rejectsOnce(answer(503, 'SlowDown', 'Please reduce your request rate.')).rejectsOnce(answer(429, 'TooManyRequests', 'Too many requests')).resolves(empty);
    const ds = await open({ ...KEYS, AWS_REGION: 'us-east-1' });
    expectEqual(s3.commandCalls(ListObjectsV2Command).length, 3);
    await ds.close();
  });

  it('503 on every attempt: bounded, then one retry-later line naming the URL and the last answer', async () => {
    s3.on(ListObjectsV2Command).rejects(answer(503, 'ServiceUnavailable', 'Service is unable to handle request.'));
    const e = await failure(open({ ...KEYS, AWS_REGION: 'us-east-1' }));
    expectEqual(e.message, 's3://lake/crm/: LIST failed after 4 attempts; last answer: HTTP 503 ServiceUnavailable (Service is unable to handle request.) (S3, region us-east-1 (--storage AWS_REGION (command line))); nothing was written, run again later');
    expectEqual([e.retryable, e.code], [true, 'STORAGE_UNAVAILABLE']);
    expectEqual(s3.commandCalls(ListObjectsV2Command).length, 4);
  });

  it('expired credentials from the default chain: fresh credentials (a new client), then the request again', async () => {
    s3.on(ListObjectsV2Command).rejectsOnce(answer(400, 'ExpiredToken', 'The provided token has expired.')).resolves(empty);
    const ds = await open({ AWS_REGION: 'us-east-1' });
    const calls = s3.commandCalls(ListObjectsV2Command);
    expectEqual(calls.length, 2);
    assert.notEqual(calls[0]!.thisValue, calls[1]!.thisValue, 'signed by a client with renewed credentials');
    await ds.close();
  });

  it('expired static keys cannot be renewed: the answer and where the keys came from', async () => {
    s3.on(ListObjectsV2Command).rejects(answer(400, 'ExpiredToken', 'The provided token has expired.'));
    const e = await failure(open({ ...KEYS, AWS_SESSION_TOKEN: 'FQoGZXIvYXdzEXAMPLE', AWS_REGION: 'us-east-1' }));
    expectEqual(e.message, 's3://lake/crm/: LIST of the dataset: HTTP 400 ExpiredToken (The provided token has expired.) (S3, region us-east-1 (--storage AWS_REGION (command line)); credentials: static keys from --storage AWS_ACCESS_KEY_ID (command line))');
    assert.ok(!e.message.includes('FQoGZXIvYXdzEXAMPLE'));
  });

  it('an object that disappeared after the listing is a missing file, not a retry', async () => {
    s3.on(ListObjectsV2Command).resolves({ ...empty, Contents: [{ Key: 'crm/regions.parquet', Size: 10, ETag: '"e1"' }] });
    s3.on(GetObjectCommand).rejects(answer(404, 'NoSuchKey', 'The specified key does not exist.'));
    const ds = await open({ ...KEYS, AWS_REGION: 'us-east-1' });
    const e = await failure(ds.file('regions.parquet'));
    expectEqual(e.message, 's3://lake/crm/regions.parquet: was listed, then answered 404 when read (S3, region us-east-1 (--storage AWS_REGION (command line))): the dataset changed while it was read; run again');
    expectEqual(s3.commandCalls(GetObjectCommand).length, 1);
    await ds.close();
  });
});
