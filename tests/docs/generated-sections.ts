/**
 * Generated parts of hand-written pages sit between marker comments, so prose around them stays
 * the author's and `npm run docs` rewrites only what the code owns:
 *
 *   <!-- generated: NAME (npm run docs) -->
 *   …
 *   <!-- end generated: NAME -->
 */
export function replaceGenerated(page: string, text: string, sections: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const begin = `<!-- generated: ${name} (npm run docs) -->`;
    const end = `<!-- end generated: ${name} -->`;
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${page}: missing the markers '${begin}' … '${end}'`);
    out = `${out.slice(0, from + begin.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}
