import { EXIT_STATUSES } from '../io/exit-codes.js';
import { log, logBlock } from './log.js';
import { STORAGE_OPTIONS } from '../io/storage/storage-options.js';

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
/** Parses repeated `--storage KEY=VALUE` (object storage options, either case); a string is the usage error. */
export function storageOption(pairs: readonly string[]): Record<string, string> | string {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    if (at <= 0) return `--storage must be KEY=VALUE (e.g. AWS_REGION=eu-west-1), got '${key}'`;
    if (!STORAGE_OPTIONS.some((o) => o.name === key.toUpperCase())) return `--storage ${key}: unknown storage option (known: ${STORAGE_OPTIONS.map((o) => o.name).join(', ')})`;
    if (key.toUpperCase() in options) return `--storage sets ${key.toUpperCase()} twice`;
    options[key.toUpperCase()] = pair.slice(at + 1);
  }
  return options;
}

/** The usage lines of `--storage`, shared by every command that reads a dataset. */
export const STORAGE_USAGE = `  --storage KEY=VALUE
                    an object storage option (repeatable), e.g. AWS_REGION=eu-west-1, over the
                    config's storage: section and the environment (docs/object-storage.md)`;
