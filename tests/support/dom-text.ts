import { expectEqual } from './expect-equal.js';

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

/** Visible text of serialised markup (a page's DOM as Chromium dumps it), whitespace collapsed. */
export function text(markup: string): string {
  return markup
    .replace(/<title>[\s\S]*?<\/title>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(lt|gt|amp|quot|#39|nbsp);/g, (e) => ENTITIES[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

export function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The one match of `pattern` in `dom`; fails unless there is exactly one. */
export function one(dom: string, pattern: RegExp, what: string): string {
  const matches = [...dom.matchAll(new RegExp(pattern.source, 'g'))];
  expectEqual(matches.length, 1, `number of ${what}`);
  return matches[0]![0];
}

/** The visible text of the one headline card `data-figure="<figure>"` (engine/report/html/figure-card.ts). */
export function cardText(dom: string, figure: string): string {
  return text(one(dom, new RegExp(`<div class="card" data-figure="${figure}">[\\s\\S]*?(?=\\s*<div class="card"|\\s*</section>)`), `${figure} cards`));
}
