/** Numbers as people read them in text: thousands separators, and nouns that agree with them. */

/** 14411 → "14,411". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `plural(1, 'viewer')` → "1 viewer", `plural(1200, 'viewer')` → "1,200 viewers". */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : nouns}`;
}

/** A share 0..1 as a percentage with one decimal: 0.7259 → "72.6%". */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
