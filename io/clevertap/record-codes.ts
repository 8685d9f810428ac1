/**
 * CleverTap's per-record codes of the Upload Events API (developer.clevertap.com, "API Errors").
 * These describe the record itself, so sending it again can only fail again: the record is
 * dead-lettered at once with the code and CleverTap's message.
 */
export const PERMANENT_RECORD_CODES: ReadonlyMap<number, string> = new Map([
  [509, 'Event name mandatory'],
  [512, 'Invalid event structure'],
  [513, 'Raised a restricted system event'],
  [522, 'Event properties limit exceeded'],
  [523, 'Missing identity'],
  [524, 'Data neither event nor profile'],
  [525, 'Timestamp not in UNIX epoch format'],
  [526, 'objectId invalid'],
  [528, 'Discarded event is raised'],
]);

/**
 * Every other code is retried: 555 ("Miscellaneous server error") is CleverTap's own transient
 * failure, and an undocumented code is retried rather than dropped on a guess. Retries are bounded
 * by `delivery.max_attempts`, after which the record is dead-lettered as `retries_exhausted` with
 * the last code and message, so a misjudged code costs a few requests, never a record.
 */
export function isTransientRecordCode(code: number | null): boolean {
  return code === null || !PERMANENT_RECORD_CODES.has(code);
}
