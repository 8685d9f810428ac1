/** A usage error: the message and the command's usage on stderr, exit code 2. */
export function optionError(message: string, usage: string): number {
  console.error(`campaign: ${message}\n\n${usage}`);
  return 2;
}

/** Parses a worker count; null when it is not a whole number ≥ 0. */
export function workersOption(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) : null;
}
