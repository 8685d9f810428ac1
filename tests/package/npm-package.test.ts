/**
 * The package as a user gets it: `npm pack` of the built repository, installed from the tarball
 * into an empty project (dependencies from the npm cache or the registry: the only network CI has),
 * then the library imported with its types and the `campaign` binary run, as `npx` runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { REPO_ROOT } from '../docs/doc-pages.js';
import { WORKLOADS_CLI } from '../support/run-cli.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const D = '2026-11-22';
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function exec(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  assert.equal(r.status, 0, `${command} ${args.join(' ')} in ${cwd} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

let root: string;
let project: string;
let files: string[];

beforeAll(() => {
  root = tempDir('npm-package-');
  // dist/ is built (npm test compiles first), so the pack skips `prepare`.
  const pack = exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], REPO_ROOT);
  const [packed] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path);
  project = join(root, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(root, packed.filename)], project);
});

describe('the npm package', () => {
  it('ships the built library, its types, the CLI, the docs and the licence, and no tests, source maps or bench data', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/bench/workloads/index.js', 'docs/README.md', 'docs/configuration.md']) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    expectEqual(files.filter((f) => /^dist\/tests\/|\.map$|\.tsbuildinfo$|^bench\/|^dist\/bench\/(?!workloads\/)|\.ts$(?<!\.d\.ts)/.test(f)), [], 'nothing else');
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'crm-campaign-engine', 'package.json'), 'utf8')) as { license: string; private?: boolean };
    expectEqual([manifest.license, manifest.private], ['Apache-2.0', undefined], 'licence, not private');
    assert.match(readFileSync(join(project, 'node_modules', 'crm-campaign-engine', 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
  });

  it('npx campaign --version prints the package version', () => {
    expectEqual(exec('npx', ['--offline', '--no-install', 'campaign', '--version'], project).stdout, `campaign ${VERSION}\n`);
  });

  it('the library type-checks against its declarations (and a wrong type is caught), then runs the same campaign as npx campaign run', () => {
    const data = join(root, 'data');
    exec(process.execPath, [WORKLOADS_CLI, 'generate', '--profiles', '2000', '--seed', '3', '--date', D, '--out', data], root);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'build', typeRoots: [join(REPO_ROOT, 'node_modules', '@types')], types: ['node'] }, include: ['main.ts'] }),
    );
    writeFileSync(
      join(project, 'main.ts'),
      `import { CampaignError, defaultConfig, runCampaign } from 'crm-campaign-engine';
import type { CampaignConfig, RunCampaignResult } from 'crm-campaign-engine';
const config: CampaignConfig = defaultConfig();
const result: RunCampaignResult = await runCampaign({ dataDir: process.argv[2]!, date: '${D}', outDir: process.argv[3]!, config, workers: 1 });
const sends: number = result.counts['status']!['send']!;
console.log(JSON.stringify({ runId: result.runId, sends, errorIsError: new CampaignError('X', 'y') instanceof Error }));
`,
    );
    exec(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    const library = JSON.parse(exec(process.execPath, ['build/main.js', data, join(root, 'out-library')], project).stdout) as { runId: string; sends: number; errorIsError: boolean };

    writeFileSync(join(project, 'main.ts'), `import { defaultConfig } from 'crm-campaign-engine';\nconst days: string = defaultConfig().history_days;\nconsole.log(days);\n`);
    const wrong = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit'], { cwd: project, encoding: 'utf8' });
    expectEqual(wrong.status, 2, 'tsc rejects a wrong type');
    assert.match(wrong.stdout, /main\.ts\(2,7\): error TS2322: Type 'number' is not assignable to type 'string'\./);

    const cli = exec('npx', ['--offline', '--no-install', 'campaign', 'run', '--data', data, '--date', D, '--out', join(root, 'out-cli'), '--workers', '1', '--quiet'], project);
    assert.match(cli.stdout, new RegExp(`^${library.sends.toLocaleString('en-US')} pushes for [\\d,]+ households: [\\d.]+%$`, 'm'));
    const manifest = JSON.parse(readFileSync(join(root, 'out-cli', D, 'manifest.json'), 'utf8')) as { run_id: string; engine_version: string };
    expectEqual([library.errorIsError, manifest.run_id, manifest.engine_version], [true, library.runId, VERSION], 'the same run from the library and the binary');
    expectEqual(readdirSync(join(root, 'out-cli', D)).sort(), ['manifest.json', 'payloads.ndjson', 'scenarios', 'selection.parquet']);
    assert.ok(existsSync(join(root, 'out-library', D, 'payloads.ndjson')));
  });
});
