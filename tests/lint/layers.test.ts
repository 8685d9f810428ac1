import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { ESLint } from 'eslint';
import { expectEqual } from '../support/expect-equal.js';

// The repository root (dist/tests/lint/ → ../../..), where eslint.config.js is.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The layer rules' messages for `code` as if it were the file `path` of the repository. */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

test('io/ and kernels/ importing upward fail the lint', async () => {
  expectEqual((await layerErrors('io/ledger/x.ts', "import { ConfigError } from '../../engine/errors.js';\nexport const e = ConfigError;\n")).length, 1);
  expectEqual((await layerErrors('io/x.ts', "export { runCommandLine } from '../cli/dispatch.js';\n")).length, 1);
  expectEqual((await layerErrors('kernels/x.ts', "import type { InputError } from '../io/errors.js';\nexport type E = InputError;\n")).length, 1);
  assert.match((await layerErrors('kernels/x.ts', "export { parseDay } from '../engine/dates.js';\n"))[0]!, /kernels are pure/);
});

test('product code importing the workloads fails the lint, dynamic import() too', async () => {
  expectEqual((await layerErrors('engine/delivery/x.ts', "export { Sandbox } from '../../bench/workloads/index.js';\n")).length, 1);
  expectEqual((await layerErrors('index.ts', "export { generateDataset } from './bench/workloads/index.js';\n")).length, 1);
  expectEqual((await layerErrors('cli/commands/x.ts', "export const load = () => import('../../bench/workloads/cli/commands/demo.js');\n")).length, 1);
});

test('imports down the layers, and anything from bench/ and tests/, pass', async () => {
  expectEqual(await layerErrors('io/input/x.ts', "export { formatDay } from '../../kernels/day-number.js';\n"), []);
  expectEqual(await layerErrors('engine/x.ts', "export { readTable } from '../io/input/read-table.js';\n"), []);
  expectEqual(await layerErrors('cli/x.ts', "export { runCampaign } from '../engine/run-campaign.js';\n"), []);
  expectEqual(await layerErrors('bench/workloads/x.ts', "export { runCommandLine } from '../../cli/dispatch.js';\n"), []);
});
