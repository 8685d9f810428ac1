import { isPlainObject } from '../config/validate-config.js';
import type { DriftCounts } from './drift-types.js';

/** Reads the guard's counts out of a manifest's `counts`; a string says what is missing. */
export function driftCounts(counts: unknown): DriftCounts | string {
  if (!isPlainObject(counts)) return 'no counts';
  const group = (name: string): Record<string, unknown> | null => (isPlainObject(counts[name]) ? counts[name] : null);
  const sendAccounts = group('status')?.['send'];
  const eligibleProfiles = group('profiles')?.['eligible'];
  if (!isCount(sendAccounts)) return 'no counts.status.send';
  if (!isCount(eligibleProfiles)) return 'no counts.profiles.eligible';
  const scenarios = group('send_scenario');
  const sendScenario = scenarios !== null && Object.values(scenarios).every(isCount) ? (scenarios as Record<string, number>) : null;
  return { sendAccounts, eligibleProfiles, sendScenario };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
