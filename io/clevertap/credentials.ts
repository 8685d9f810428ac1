import { deliveryInputError } from '../errors.js';
import { secretScrubber } from './secret-scrubber.js';

/** Where and as whom to upload. Secret: never logged, written or put in an error message. */
export interface DeliveryCredentials {
  accountId: string;
  passcode: string;
  /** Base URL without the `/1/upload` path, e.g. `https://in1.api.clevertap.com`. */
  endpoint: string;
}

const REGION = /^[a-z0-9-]*$/i;

/** The upload endpoint's base URL for a CleverTap region (`in1`, `us1`, `eu1`, …; empty = global). */
export function regionEndpoint(region: string): string {
  if (!REGION.test(region)) throw deliveryInputError(`CLEVERTAP_REGION must be a region code like in1, us1 or eu1`);
  return region === '' ? 'https://api.clevertap.com' : `https://${region.toLowerCase()}.api.clevertap.com`;
}

/**
 * Reads `CLEVERTAP_ACCOUNT_ID`, `CLEVERTAP_PASSCODE` and `CLEVERTAP_ENDPOINT` (a full base URL,
 * preferred) or `CLEVERTAP_REGION`. Errors name the variables, never their values.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): DeliveryCredentials {
  const accountId = env['CLEVERTAP_ACCOUNT_ID'] ?? '';
  const passcode = env['CLEVERTAP_PASSCODE'] ?? '';
  const missing = [accountId === '' ? 'CLEVERTAP_ACCOUNT_ID' : null, passcode === '' ? 'CLEVERTAP_PASSCODE' : null].filter((v) => v !== null);
  if (missing.length > 0) throw deliveryInputError(`CleverTap credentials missing: set ${missing.join(' and ')}`);
  const endpoint = env['CLEVERTAP_ENDPOINT'] ?? '';
  const credentials = { accountId, passcode, endpoint: endpoint !== '' ? endpoint : regionEndpoint(env['CLEVERTAP_REGION'] ?? '') };
  checkCredentials(credentials);
  return credentials;
}

function describeChar(c: string): string {
  if (c === '\n') return 'a line break';
  if (c === '\r') return 'a carriage return';
  if (c === '\t') return 'a tab';
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? 'a control character' : 'a non-ASCII character';
}

/**
 * Refuses credentials that cannot travel as HTTP header values (a line break, a control or
 * non-ASCII character, surrounding spaces that HTTP would strip) and an unusable endpoint, before
 * anything is sent or journalled. Errors name the variable and the position, never the value.
 */
export function checkCredentials(credentials: DeliveryCredentials): void {
  for (const [name, value] of [
    ['CLEVERTAP_ACCOUNT_ID', credentials.accountId],
    ['CLEVERTAP_PASSCODE', credentials.passcode],
  ] as const) {
    if (value === '') throw deliveryInputError(`CleverTap credentials missing: set ${name}`);
    const chars = [...value];
    const bad = chars.findIndex((c) => c < ' ' || c > '~');
    if (bad >= 0) throw deliveryInputError(`${name} contains ${describeChar(chars[bad]!)} (character ${bad + 1} of ${chars.length}); CleverTap credentials are printable ASCII`);
    if (value.trim() !== value) throw deliveryInputError(`${name} starts or ends with a space; CleverTap credentials have none`);
  }
  uploadUrl(credentials.endpoint);
}

/**
 * A function that blanks the account id and passcode (each, and `id:passcode` as HTTP Basic
 * authentication would carry them) out of a text a server sent, in every encoding secretScrubber
 * knows, case-insensitively; a text that still hides one is withheld as a whole.
 */
export function credentialRedactor(credentials: Pick<DeliveryCredentials, 'accountId' | 'passcode'>): (text: string) => string {
  return secretScrubber([credentials.accountId, credentials.passcode, `${credentials.accountId}:${credentials.passcode}`]);
}

/** The upload URL for `endpoint`, refusing anything but http(s) without embedded user info. */
export function uploadUrl(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw deliveryInputError('CLEVERTAP_ENDPOINT is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw deliveryInputError('CLEVERTAP_ENDPOINT must be an http(s) URL');
  if (url.username !== '' || url.password !== '') throw deliveryInputError('CLEVERTAP_ENDPOINT must not embed credentials; use CLEVERTAP_ACCOUNT_ID and CLEVERTAP_PASSCODE');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/1/upload`;
  url.search = '';
  url.hash = '';
  return url;
}
