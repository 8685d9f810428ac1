/**
 * The library surface (index.ts): every type its exports mention is exported too, so a job runner
 * can name what it gets back (RunManifest, RunCounts, FreshnessResult, …) without reaching into
 * dist/engine/…; and the typed results reject typos at compile time.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { EXIT_STATUSES } from '../index.js';
import type { RunCampaignOptions, RunCounts } from '../index.js';
import { expectEqual } from './support/expect-equal.js';

const INDEX = fileURLToPath(new URL('../index.d.ts', import.meta.url));
const DIST = fileURLToPath(new URL('../', import.meta.url));

/** Named types of this package referred to, at any depth, by `index.d.ts`'s exports, and not exported themselves. */
function unexportedTypes(): string[] {
  const program = ts.createProgram([INDEX], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(resolve));
  const ours = (d: ts.Declaration): boolean => d.getSourceFile().fileName.startsWith(DIST) && !d.getSourceFile().fileName.includes('node_modules');
  const seen = new Set<ts.Symbol>();
  const missing = new Set<string>();
  const visitDeclaration = (decl: ts.Node): void => {
    const walk = (node: ts.Node): void => {
      // Private class members are not part of the surface.
      if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword) === true) return;
      if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node) || ts.isTypeQueryNode(node)) {
        const name = ts.isTypeReferenceNode(node) ? node.typeName : ts.isTypeQueryNode(node) ? node.exprName : node.expression;
        const symbol = checker.getSymbolAtLocation(name);
        if (symbol !== undefined) visitSymbol(resolve(symbol));
      }
      ts.forEachChild(node, walk);
    };
    walk(decl);
  };
  const visitSymbol = (symbol: ts.Symbol): void => {
    if (seen.has(symbol)) return;
    seen.add(symbol);
    const decls = (symbol.declarations ?? []).filter(ours);
    if (decls.length === 0) return;
    // Type parameters are local names, not types to export.
    if (decls.every((d) => ts.isTypeParameterDeclaration(d))) return;
    if (!exported.has(symbol)) missing.add(`${symbol.getName()} (${decls[0]!.getSourceFile().fileName.slice(DIST.length)})`);
    for (const d of decls) visitDeclaration(d);
  };
  for (const symbol of exported) {
    seen.add(symbol);
    for (const d of (symbol.declarations ?? []).filter(ours)) visitDeclaration(d);
  }
  return [...missing].sort();
}

test('every type the library surface mentions is exported from index.ts', () => {
  const missing = unexportedTypes();
  expectEqual(missing, [], missing.join("\n"));
});

test('a partial config object type-checks and the counts are literal-keyed', () => {
  const options: RunCampaignOptions = { dataDir: 'd', date: '2026-11-22', outDir: 'o', config: { boosts: { holiday: 2 }, scenarios: { trending: { window_days: 14 } } } };
  expectEqual(typeof options.config, 'object');
  const sends = (counts: RunCounts): number => counts.status.send + counts.chosen_scenario.trending;
  // @ts-expect-error `stauts` is not a counts group, `snd` not a status: both fail to compile.
  const typo = (counts: RunCounts): number => counts.stauts.snd;
  expect(typeof sends).toBe('function');
  expect(typeof typo).toBe('function');
});

test('the exit-status table has distinct codes, the signal row at 128', () => {
  const codes = Object.values(EXIT_STATUSES).map((s) => s.code);
  expectEqual(new Set(codes).size, codes.length, 'distinct');
  expectEqual(EXIT_STATUSES.ABORTED.code, 128);
});
