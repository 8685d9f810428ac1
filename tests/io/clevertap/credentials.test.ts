import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryError } from '../../../engine/errors.js';
import { credentialsFromEnv, regionEndpoint, uploadUrl } from '../../../io/clevertap/credentials.js';
import { expectEqual } from '../../support/expect-equal.js';

test('the region picks the base URL; an explicit endpoint wins', () => {
  expectEqual(regionEndpoint('in1'), 'https://in1.api.clevertap.com');
  expectEqual(regionEndpoint('EU1'), 'https://eu1.api.clevertap.com');
  expectEqual(regionEndpoint(''), 'https://api.clevertap.com');
  const base = { CLEVERTAP_ACCOUNT_ID: 'acct', CLEVERTAP_PASSCODE: 'pass' };
  expectEqual(credentialsFromEnv({ ...base, CLEVERTAP_REGION: 'us1' }), { accountId: 'acct', passcode: 'pass', endpoint: 'https://us1.api.clevertap.com' });
  expectEqual(credentialsFromEnv(base).endpoint, 'https://api.clevertap.com');
  expectEqual(credentialsFromEnv({ ...base, CLEVERTAP_REGION: 'us1', CLEVERTAP_ENDPOINT: 'http://127.0.0.1:9' }).endpoint, 'http://127.0.0.1:9');
});

test('missing credentials are named without their values', () => {
  assert.throws(() => credentialsFromEnv({ CLEVERTAP_PASSCODE: 'SECRET-PASS' }), (err: unknown) => err instanceof DeliveryError && /set CLEVERTAP_ACCOUNT_ID$/.test(err.message) && !err.message.includes('SECRET'));
  assert.throws(() => credentialsFromEnv({}), /set CLEVERTAP_ACCOUNT_ID and CLEVERTAP_PASSCODE/);
  assert.throws(() => credentialsFromEnv({ CLEVERTAP_ACCOUNT_ID: 'a', CLEVERTAP_PASSCODE: 'b', CLEVERTAP_REGION: 'in1.evil.com/x?' }), /CLEVERTAP_REGION must be a region code/);
});

test('the upload URL appends /1/upload and refuses other schemes and embedded credentials', () => {
  expectEqual(uploadUrl('https://in1.api.clevertap.com').href, 'https://in1.api.clevertap.com/1/upload');
  expectEqual(uploadUrl('http://127.0.0.1:8080/proxy/').href, 'http://127.0.0.1:8080/proxy/1/upload');
  assert.throws(() => uploadUrl('ftp://x'), /must be an http\(s\) URL/);
  assert.throws(() => uploadUrl('https://user:SECRET@host'), (err: unknown) => err instanceof DeliveryError && !err.message.includes('SECRET'));
  assert.throws(() => uploadUrl('not a url'), /not a valid URL/);
});
