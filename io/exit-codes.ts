/**
 * The one table of what a failure means to whoever runs the engine: every `campaign` command exits
 * with these statuses, and every CampaignError names its row (`error.exit`), so a job runner
 * embedding the library branches on the same names a shell script branches on numbers.
 */
export const EXIT_STATUSES = {
  /** Done. */
  OK: { code: 0, action: 'nothing: the command did what it was asked' },
  /** The command line is wrong: an unknown command or option, a missing or malformed value. */
  USAGE: { code: 2, action: 'fix the command line (the job definition)' },
  /** An input, config, option value, run directory or ledger a person must fix; retrying gives the same error. */
  INVALID: { code: 3, action: 'a person fixes the named file, column, key or value; do not retry' },
  /** The data is stale or empty (the freshness guard, config `freshness`): nothing was published. */
  DATA: { code: 4, action: 'retry once the upstream data has landed; alert if it persists' },
  /** The drift guard (config `drift.mode: fail`) refused the run: published, not delivered. */
  DRIFT: { code: 5, action: "a person reviews the run, then 'campaign deliver --accept-drift' or a fix" },
  /** CleverTap or the object storage could not be reached or stopped answering: retrying later resumes. */
  UNAVAILABLE: { code: 69, action: "retry later: 'campaign deliver' sends only what is not accepted yet; a run re-reads what it could not fetch" },
  /** A bug: an unexpected error or an output that failed its own validation. */
  INTERNAL: { code: 70, action: 'a person (an engineer) looks: the message and stack are on stderr' },
  /** Another run or delivery of the date holds its lock, or the ledger changed while it was read. */
  LOCKED: { code: 75, action: 'retry later (the message names the holder and how to clear a dead one)' },
  /** Stopped by a signal (SIGINT, SIGTERM) or the caller's AbortSignal: nothing was published. */
  ABORTED: { code: 128, action: 'nothing to fix; the exit status is 128 + the signal number (130 SIGINT, 143 SIGTERM)' },
} as const;

export type ExitName = keyof typeof EXIT_STATUSES;

/**
 * Which row of EXIT_STATUSES each CampaignError `code` belongs to. A code not listed is INVALID:
 * the engine throws a CampaignError on purpose for something a person can fix.
 */
export const EXIT_OF_CODE: Readonly<Record<string, ExitName>> = {
  BAD_OPTION: 'USAGE',
  BAD_DATE: 'USAGE',
  INPUT: 'INVALID',
  CONFIG: 'INVALID',
  NO_RUN: 'INVALID',
  BAD_RUN: 'INVALID',
  DELIVERED: 'INVALID',
  DELIVERY_INPUT: 'INVALID',
  LEDGER_CORRUPT: 'INVALID',
  OUTPUT: 'INVALID',
  REPORT: 'INVALID',
  UNKNOWN_ID: 'INVALID',
  AMBIGUOUS_ID: 'INVALID',
  DELETED: 'INVALID',
  STALE_DATA: 'DATA',
  EMPTY_CAMPAIGN: 'DATA',
  DRIFT: 'DRIFT',
  DELIVERY: 'UNAVAILABLE',
  STORAGE: 'INVALID',
  STORAGE_UNAVAILABLE: 'UNAVAILABLE',
  VALIDATION: 'INTERNAL',
  LOCKED: 'LOCKED',
  LEDGER_CHANGED: 'LOCKED',
  ABORTED: 'ABORTED',
};

export function exitNameOf(code: string): ExitName {
  return EXIT_OF_CODE[code] ?? 'INVALID';
}

/** The signals a command stops on, with their numbers for the 128 + n convention. */
export const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
