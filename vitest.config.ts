import { defineConfig } from 'vitest/config';

/**
 * The suite runs the compiled tests in `dist/` (built by `tsc` first in `npm test`) and imports them
 * natively, not through Vite: the engine starts Piscina workers and `campaign` child processes from
 * the compiled `.js` files beside the code under test, so the tests run exactly what ships.
 */
export default defineConfig({
  test: {
    include: ['dist/tests/**/*.test.js'],
    // One test file at a time, each in its own process (as Node's runner did before): the files
    // start worker threads, CLI processes, servers and Chromium themselves, on a 2-core machine.
    pool: 'forks',
    maxWorkers: 1,
    isolate: true,
    // Real processes, real Parquet files, real Chromium: generous limits, where Node's runner had none.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    experimental: { viteModuleRunner: false, nodeLoader: false },
    coverage: {
      enabled: true,
      provider: 'custom',
      customProviderModule: './dist/tests/support/v8-coverage.js',
      // Product code only; remapped to the .ts sources through tsc's source maps.
      include: ['dist/{engine,kernels,io,cli}/**/*.js', 'dist/index.js'],
      reportsDirectory: 'dist/coverage',
      reporter: ['text-summary', 'html'],
      // The floor `npm test` enforces: the measured coverage (docs/development.md "Tests") rounded down a few
      // points, so a change that drops tested code fails the suite.
      thresholds: { lines: 93, statements: 90, functions: 92, branches: 80 },
    },
  },
});
