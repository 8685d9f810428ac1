import { afterAll, onTestFinished } from 'vitest';

/**
 * Node's runner's `after()`, which the suite used before vitest, attached cleanup to whatever was
 * running (the test, or the file); vitest splits that into `onTestFinished` (inside a test only) and
 * `afterAll` (only while the file is being collected: one registered from a running `beforeAll` is
 * silently dropped). Helpers that may be called from either place (a temp dir, a server) register
 * here instead.
 */
const atFileEnd: (() => unknown)[] = [];

// Registered when a test file first imports this module, so it belongs to the whole file.
afterAll(async () => {
  for (const fn of atFileEnd.splice(0).reverse()) await fn();
});

/** Runs `fn` when the current test ends, or, outside a test (top level, `beforeAll`), when the test file ends. */
export function cleanup(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch (error) {
    if (!(error instanceof Error && /can only be called inside a test/.test(error.message))) throw error;
    atFileEnd.push(fn);
  }
}
