import tseslint from 'typescript-eslint';

/**
 * Layers (docs/architecture.md "Layout and layers"): kernels < io < engine < cli, and the synthetic workloads in
 * bench/workloads/ beside the product, never under it. Each entry forbids a layer's upward (or
 * sideways-into-workloads) imports; `import()` expressions are held to the same rule.
 */
const layers = [
  { files: ['kernels/**/*.ts'], forbidden: ['io', 'engine', 'cli', 'bench'], why: 'kernels are pure typed-array functions and import no other layer' },
  { files: ['io/**/*.ts'], forbidden: ['engine', 'cli', 'bench'], why: 'io/ holds adapters only: it may import kernels/, never the engine, the CLI or the workloads' },
  { files: ['engine/**/*.ts'], forbidden: ['cli', 'bench'], why: 'the engine never imports the CLI or the workloads' },
  { files: ['cli/**/*.ts', 'index.ts'], forbidden: ['bench'], why: 'product code never imports bench/ (the workloads and benchmarks)' },
];

/** A relative specifier that reaches a top-level folder, e.g. `../../engine/x.js` (or `./bench/x.js` from index.ts). */
const upInto = (folders) => `^(\\./|(\\.\\./)+)(${folders.join('|')})/`;

const layerRules = layers.map(({ files, forbidden, why }) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ regex: upInto(forbidden), message: why }] }],
    'no-restricted-syntax': ['error', { selector: `ImportExpression > Literal[value=/${upInto(forbidden).replaceAll('/', '\\/')}/]`, message: why }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': ['error', { allow: ['error'] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'eqeqeq': ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
    },
  },
  { files: ['cli/**', 'bench/**'], rules: { 'no-console': 'off' } },
  ...layerRules,
);
