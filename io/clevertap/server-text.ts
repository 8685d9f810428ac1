/** Longest text kept from a server's answer (a dead-letter reason, a stop message). */
export const MAX_SERVER_TEXT = 200;
/** Read of a server text before it is scrubbed: far more than is kept, far less than a body may be. */
const SCRUB_AT_MOST = 4096;

/**
 * What the engine keeps of one text a server sent: only a string field the caller allow-listed
 * (an answer's `error`, a record's `error`), scrubbed of the credentials (before it is cut, so no
 * prefix of a secret survives), control characters and line breaks turned into spaces (it is
 * printed on a terminal and written into one-line records), cut to MAX_SERVER_TEXT. Null for a
 * value that is not a string or is blank.
 */
export function serverText(value: unknown, scrub: (text: string) => string): string | null {
  if (typeof value !== 'string') return null;
  const text = scrub(value.slice(0, SCRUB_AT_MOST))
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : text.slice(0, MAX_SERVER_TEXT);
}
