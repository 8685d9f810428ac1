import { writeFileSync } from 'node:fs';
import { renderGeneratedPages } from './doc-pages.js';

/**
 * `npm run docs`: rewrites the generated parts of docs/ (config keys, input tables, CLI help) from
 * the built code. tests/docs/generated-docs.test.ts fails while a page differs from this output.
 */
for (const [page, { path, current, expected }] of renderGeneratedPages()) {
  if (current === expected) {
    process.stdout.write(`${page}: up to date\n`);
  } else {
    writeFileSync(path, expected);
    process.stdout.write(`${page}: regenerated\n`);
  }
}
