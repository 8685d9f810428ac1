/** SVG coordinates to 0.1 px: finer is invisible and only bloats the page. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
