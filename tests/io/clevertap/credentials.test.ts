import assert from 'node:assert/strict';
import { test } from 'vitest';
import { DeliveryError } from '../../../engine/errors.js';
import { checkCredentials, credentialRedactor, credentialsFromEnv, regionEndpoint, uploadUrl } from '../../../io/clevertap/credentials.js';
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

test('credentials that cannot be HTTP header values are refused, naming the variable and position, never the value', () => {
  const ok = { accountId: 'ACCT-7731', passcode: 'PASS-9924', endpoint: 'http://127.0.0.1:9' };
  checkCredentials(ok);
  const cases: [Partial<typeof ok>, RegExp][] = [
    [{ passcode: 'PASS-9924\n' }, /^CLEVERTAP_PASSCODE contains a line break \(character 10 of 10\); CleverTap credentials are printable ASCII$/],
    [{ passcode: 'PA\rSS' }, /^CLEVERTAP_PASSCODE contains a carriage return \(character 3 of 5\)/],
    [{ accountId: 'ACCT\u00077731' }, /^CLEVERTAP_ACCOUNT_ID contains a control character \(character 5 of 9\)/],
    [{ passcode: 'PASS€9924' }, /^CLEVERTAP_PASSCODE contains a non-ASCII character \(character 5 of 9\)/],
    [{ passcode: 'PASSé9924' }, /^CLEVERTAP_PASSCODE contains a non-ASCII character/],
    [{ passcode: 'PASS-😀' }, /^CLEVERTAP_PASSCODE contains a non-ASCII character \(character 6 of 6\)/],
    [{ passcode: ' PASS-9924' }, /^CLEVERTAP_PASSCODE starts or ends with a space/],
    [{ accountId: '' }, /set CLEVERTAP_ACCOUNT_ID$/],
    [{ endpoint: 'ftp://x' }, /must be an http\(s\) URL/],
  ];
  for (const [change, message] of cases) {
    const bad = { ...ok, ...change };
    assert.throws(() => checkCredentials(bad), (err: unknown) => err instanceof DeliveryError && message.test(err.message) && !err.message.includes('9924') && !err.message.includes('7731'), JSON.stringify(change));
  }
  assert.throws(() => credentialsFromEnv({ CLEVERTAP_ACCOUNT_ID: 'a', CLEVERTAP_PASSCODE: 'x\ny', CLEVERTAP_ENDPOINT: 'http://127.0.0.1:9' }), /CLEVERTAP_PASSCODE contains a line break/);
});

test('the redactor blanks both secrets out, raw, JSON-escaped and URL-encoded', () => {
  const redact = credentialRedactor({ accountId: 'ACCT-7731', passcode: 'PA"SS\\9 24' });
  expectEqual(redact('ok'), 'ok');
  expectEqual(redact('id ACCT-7731, pass PA"SS\\9 24.'), 'id [redacted], pass [redacted].');
  expectEqual(redact(JSON.stringify({ h: 'PA"SS\\9 24', a: 'ACCT-7731' })), '{"h":"[redacted]","a":"[redacted]"}');
  expectEqual(redact(`q=${encodeURIComponent('PA"SS\\9 24')}`), 'q=[redacted]');
});

test('the redactor finds the credentials case-folded, percent-encoded in either case, as base64 of id:passcode at any alignment, and withholds a text that still hides them', () => {
  const account = 'ACCT-7731';
  const passcode = 'PA"SS\\9 24';
  const redact = credentialRedactor({ accountId: account, passcode });
  const basic = `${account}:${passcode}`;
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  const everyByte = (t: string): string => [...Buffer.from(t)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  expectEqual(redact('Invalid event: the identity is missing'), 'Invalid event: the identity is missing', 'ordinary text');
  expectEqual(redact(`auth Basic ${b64(basic)} end`), 'auth Basic [redacted] end');
  expectEqual(redact(`auth ${b64(basic).toLowerCase()} end`), 'auth [redacted] end');
  expectEqual(redact(`in a blob: ${b64(`xyz-${basic}-tail`)}.`), 'in a blob: [redacted].');
  expectEqual(redact(`${basic.toLowerCase()} / ${basic.toUpperCase()}`), '[redacted] / [redacted]');
  expectEqual(redact(`${everyByte(basic)} ${everyByte(basic).toUpperCase()} ${encodeURIComponent(passcode).toLowerCase()}`), '[redacted] [redacted] [redacted]');
  expectEqual(redact([...passcode].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')), '[redacted]');
  expectEqual(redact(`hex ${Buffer.from(passcode).toString('hex').toUpperCase()}`), 'hex [redacted]');
  // Encoded twice over: no form matches, the decoded check does.
  expectEqual(redact(`echo ${encodeURIComponent(encodeURIComponent(passcode))}`), '[withheld: the server echoed the credentials]');
});
