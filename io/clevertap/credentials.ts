import { DeliveryError } from '../../engine/errors.js';
import type { DeliveryCredentials } from '../../engine/delivery/delivery-types.js';

const REGION = /^[a-z0-9-]*$/i;

/** The upload endpoint's base URL for a CleverTap region (`in1`, `us1`, `eu1`, …; empty = global). */
export function regionEndpoint(region: string): string {
  if (!REGION.test(region)) throw new DeliveryError(`CLEVERTAP_REGION must be a region code like in1, us1 or eu1`);
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
  if (missing.length > 0) throw new DeliveryError(`CleverTap credentials missing: set ${missing.join(' and ')}`);
  const endpoint = env['CLEVERTAP_ENDPOINT'] ?? '';
  return { accountId, passcode, endpoint: endpoint !== '' ? endpoint : regionEndpoint(env['CLEVERTAP_REGION'] ?? '') };
}

/** The upload URL for `endpoint`, refusing anything but http(s) without embedded user info. */
export function uploadUrl(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new DeliveryError('CLEVERTAP_ENDPOINT is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DeliveryError('CLEVERTAP_ENDPOINT must be an http(s) URL');
  if (url.username !== '' || url.password !== '') throw new DeliveryError('CLEVERTAP_ENDPOINT must not embed credentials; use CLEVERTAP_ACCOUNT_ID and CLEVERTAP_PASSCODE');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/1/upload`;
  url.search = '';
  url.hash = '';
  return url;
}
