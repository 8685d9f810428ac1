import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './doc-pages.js';

/** The pages a user reads: the README, the changelog and every page of docs/. */
const PAGES = ['README.md', 'CHANGELOG.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown outside fenced code blocks (links and headings in code are text). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('docs links', () => {
  it('every link between pages names a file of the repository and an anchor that exists', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const path = join(REPO_ROOT, page);
      for (const m of prose(readFileSync(path, 'utf8')).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const resolved = file === '' ? path : resolve(dirname(path), file);
        if (relative(REPO_ROOT, resolved).startsWith('..')) broken.push(`${page}: ${target} leaves the repository`);
        else if (!existsSync(resolved)) broken.push(`${page}: ${target} does not exist`);
        else if (anchor !== undefined && !anchors(resolved).has(anchor)) broken.push(`${page}: ${target}: no heading with the anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the link checker sees a missing anchor', () => {
    expect(anchors(join(REPO_ROOT, 'docs/analyst-guide.md'))).toContain('why-this-title-explain');
    expect(anchors(join(REPO_ROOT, 'docs/outputs.md'))).toContain('payloadsndjson');
    expect(anchors(join(REPO_ROOT, 'docs/outputs.md'))).not.toContain('no-such-heading');
  });

  it('pages refer to sections by link, not to a specification outside the repository', () => {
    for (const page of PAGES) {
      const text = readFileSync(join(REPO_ROOT, page), 'utf8');
      expect(text.includes('§'), `${page} has a § reference`).toBe(false);
      expect(text.includes('../shared'), `${page} points outside the repository`).toBe(false);
    }
  });

  it('the README stays a front page: at most 150 lines, with every docs page linked', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
    for (const page of PAGES.filter((p) => p.startsWith('docs/') && p !== 'docs/README.md')) expect(readme).toContain(`](${page})`);
  });
});
