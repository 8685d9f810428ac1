/** A usage error: the message and the command's usage on stderr, exit code 2. */
export function optionError(message: string, usage: string): number {
  console.error(`campaign: ${message}\n\n${usage}`);
  return 2;
}

/**
 * A whole number ≥ 0 written in digits only (no sign, exponent, fraction or spaces) that a double
 * holds exactly; null otherwise. Every numeric option of the CLI is read through it.
 */
export function wholeNumberOption(text: string): number | null {
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}
