import { EXIT_STATUSES } from '../io/exit-codes.js';
import { log, logBlock } from './log.js';

/** A usage error: the message and the command's usage on stderr, exit code 2. */
export function optionError(message: string, usage: string): number {
  log('error', 'usage', message);
  logBlock('info', 'usage', `\n${usage}`);
  return EXIT_STATUSES.USAGE.code;
}

/**
 * A whole number ≥ 0 written in digits only (no sign, exponent, fraction or spaces) that a double
 * holds exactly; null otherwise. Every numeric option of the CLI is read through it.
 */
export function wholeNumberOption(text: string): number | null {
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

/** Parses repeated `--delta-version TABLE=VERSION`; a string is the usage error. */
export function deltaVersionsOption(pins: readonly string[]): Record<string, number> | string {
  const versions: Record<string, number> = {};
  for (const pin of pins) {
    const m = /^([a-z_]+)=(\d+)$/.exec(pin);
    if (m === null) return `--delta-version must be TABLE=VERSION (e.g. plays=12), got '${pin}'`;
    if (m[1]! in versions) return `--delta-version pins '${m[1]}' twice`;
    versions[m[1]!] = Number(m[2]);
  }
  return versions;
}

/** `--lock-lease SECONDS` in milliseconds; undefined when not given, null when not a whole number ≥ 1. */
export function leaseOption(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const seconds = wholeNumberOption(text);
  return seconds === null || seconds < 1 ? null : seconds * 1000;
}
