/**
 * Vitest's v8 coverage provider, made to see all the code a test runs. The suite runs the compiled
 * `dist/` natively (vitest.config.ts), and much of the product runs outside the test process: in
 * Piscina worker threads and in `campaign` child processes. Two additions:
 *
 * - In each test process, `NODE_V8_COVERAGE` is set before the first test, so every worker thread
 *   and child process started from it writes its own V8 coverage when it ends (a process killed
 *   with SIGKILL writes none). The test process itself was started without it: its coverage comes
 *   from vitest's inspector session, as usual.
 * - In the main process, those files join the test processes' results before vitest merges and
 *   remaps them, and every `dist/*.js` is remapped to its TypeScript source through the `.js.map`
 *   tsc wrote beside it (vitest does this only for code it transformed itself).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from '@vitest/coverage-v8';
import type { V8CoverageProvider as V8Provider } from '@vitest/coverage-v8/dist/provider.js';
import type { AfterSuiteRunMeta } from 'vitest';
import type { CoverageProvider, CoverageProviderModule, ReportContext, TestProject } from 'vitest/node';

/** Set by the main process for the test processes it starts: where worker threads and child processes write coverage. */
const CHILD_COVERAGE = 'CAMPAIGN_CHILD_COVERAGE';

/** One script's V8 coverage, as `NODE_V8_COVERAGE` files and the inspector give it. */
interface ScriptCoverage {
  url: string;
  functions: unknown[];
}

async function childAwareProvider(): Promise<CoverageProvider> {
  const { V8CoverageProvider } = await import('@vitest/coverage-v8/dist/provider.js');

  class ChildAwareV8Provider extends V8CoverageProvider {
    private childDir = '';
    private lastRun: Pick<AfterSuiteRunMeta, 'environment' | 'projectName'> | null = null;

    override initialize(ctx: Parameters<CoverageProvider['initialize']>[0]): void {
      super.initialize(ctx);
      // Inside vitest's own scratch directory, which it empties before the run and removes after it.
      this.childDir = join(this.coverageFilesDirectory, 'children');
      process.env[CHILD_COVERAGE] = this.childDir;
    }

    // Vitest hands these options to the test processes, and each loads the provider they name: kept
    // 'custom' (the stock class says 'v8'), so the test processes run this module's startCoverage.
    override resolveOptions(): ReturnType<V8Provider['resolveOptions']> {
      return { ...super.resolveOptions(), provider: 'custom' } as unknown as ReturnType<V8Provider['resolveOptions']>;
    }

    override onAfterSuiteRun(meta: AfterSuiteRunMeta): void {
      this.lastRun = { environment: meta.environment, projectName: meta.projectName };
      super.onAfterSuiteRun(meta);
    }

    override async generateCoverage(context: ReportContext): Promise<Awaited<ReturnType<V8Provider['generateCoverage']>>> {
      if (this.lastRun !== null && existsSync(this.childDir)) {
        for (const file of readdirSync(this.childDir)) {
          const { result } = JSON.parse(readFileSync(join(this.childDir, file), 'utf8')) as { result: ScriptCoverage[] };
          // Only product files: a child's coverage also lists Node's internals and every dependency.
          const included = result.filter((s) => s.url.startsWith('file://') && this.isIncluded(fileURLToPath(s.url)));
          if (included.length > 0) super.onAfterSuiteRun({ ...this.lastRun, coverage: { result: included }, testFiles: [`child:${file}`] });
        }
      }
      return super.generateCoverage(context);
    }

    override async transformFile(url: string, project: TestProject, environment: string): Promise<Awaited<ReturnType<V8Provider['transformFile']>>> {
      const result = await super.transformFile(url, project, environment);
      const mapFile = `${url.startsWith('file://') ? fileURLToPath(url) : url.split('?')[0]!}.map`;
      if (result == null || result.map != null || !existsSync(mapFile)) return result;
      return { ...result, map: JSON.parse(readFileSync(mapFile, 'utf8')) as NonNullable<typeof result.map> };
    }
  }

  return new ChildAwareV8Provider();
}

const provider: CoverageProviderModule = {
  ...v8,
  startCoverage(options) {
    const dir = process.env[CHILD_COVERAGE];
    if (dir !== undefined) process.env['NODE_V8_COVERAGE'] = dir;
    return v8.startCoverage?.(options);
  },
  getProvider: childAwareProvider,
};

export default provider;
