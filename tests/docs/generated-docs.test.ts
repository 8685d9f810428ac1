import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../cli/commands/index.js';
import { workloadCommands } from '../../bench/workloads/cli/commands/index.js';
import { PRODUCT_CLI, WORKLOADS_CLI, runCli } from '../support/run-cli.js';
import { CONFIG_KEY_EFFECTS } from './config-key-effects.js';
import { configKeys, effectOf } from './config-reference.js';
import { REPO_ROOT, renderGeneratedPages } from './doc-pages.js';
import { INPUT_NOTES } from './input-column-notes.js';
import { inputNoteKeys } from './input-reference.js';

const page = (name: string): string => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

describe('generated docs', () => {
  it('every generated page is what `npm run docs` writes from the code now', () => {
    for (const [name, { current, expected }] of renderGeneratedPages()) {
      expect(current === expected, `${name} is stale: run 'npm run docs' and commit the result`).toBe(true);
    }
  });

  it('configuration.md has a row for every key of the config schema', () => {
    const text = page('configuration.md');
    const missing = configKeys().filter((k) => !text.includes(`| \`${k.path}\` |`)).map((k) => k.path);
    expect(missing, 'config keys missing from docs/configuration.md (run npm run docs)').toEqual([]);
    expect(configKeys().map((k) => k.path)).toContain('holdout.bps');
  });

  it('every config key has an effect text and every effect text names a key of the schema', () => {
    const paths = configKeys().map((k) => k.path);
    expect(paths.filter((p) => effectOf(p) === undefined)).toEqual([]);
    const matches = (pattern: string): boolean => paths.some((p) => new RegExp(`^${pattern.replace(/[.[\]]/g, '\\$&').replaceAll('*', '[^.]+')}$`).test(p));
    expect(Object.keys(CONFIG_KEY_EFFECTS).filter((k) => !matches(k)), 'entries of tests/docs/config-key-effects.ts for keys the schema does not have').toEqual([]);
  });

  it('inputs.md describes every table and column of the input contract, and nothing else', () => {
    expect(inputNoteKeys().filter((k) => INPUT_NOTES[k] === undefined)).toEqual([]);
    expect(Object.keys(INPUT_NOTES).filter((k) => !inputNoteKeys().includes(k))).toEqual([]);
    const text = page('inputs.md');
    for (const key of inputNoteKeys().filter((k) => k.includes('.'))) expect(text).toContain(`| \`${key.split('.')[1]}\` |`);
  });

  it("cli.md holds every command's --help exactly as the CLI prints it", () => {
    const text = page('cli.md');
    const helps = [
      runCli(PRODUCT_CLI, '--help'),
      ...commands.map((c) => runCli(PRODUCT_CLI, c.name, '--help')),
      ...workloadCommands.map((c) => runCli(WORKLOADS_CLI, c.name, '--help')),
    ];
    for (const help of helps) {
      expect(help.status).toBe(0);
      expect(help.stdout.length).toBeGreaterThan(40);
      expect(text).toContain(help.stdout.trimEnd());
    }
  });

  it('library.md lists every error code the product throws', () => {
    const sources = ['engine', 'io', 'cli'].flatMap((dir) => (readdirSync(join(REPO_ROOT, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(REPO_ROOT, dir, f)));
    const codes = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:CampaignError\(\s*|super\(|_ERROR = |RunDirError\(\s*)'([A-Z][A-Z_]+)'/g)) codes.add(m[1]!);
      for (const m of text.matchAll(/code: '([A-Z][A-Z_]+)'(?: \| '([A-Z][A-Z_]+)')*/g)) for (const c of m.slice(1)) if (c !== undefined) codes.add(c);
    }
    expect(codes).toContain('INPUT');
    expect(codes).toContain('NO_RUN');
    const library = page('library.md');
    expect([...codes].filter((c) => !library.includes(`\`${c}\``)), 'error codes missing from docs/library.md').toEqual([]);
  });
});
