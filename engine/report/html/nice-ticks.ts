/**
 * Round axis ticks (1, 2, 2.5 or 5 × 10^k apart) covering [min, max]; the returned domain is the
 * first and last tick so bars and points never overflow the axis.
 */
export function niceTicks(min: number, max: number, target = 5): { ticks: number[]; domain: [number, number] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return niceTicks(0, 1, target);
  if (!(max > min)) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.5;
    return niceTicks(min - (min === 0 ? 0 : pad), max + pad, target);
  }
  const raw = (max - min) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  // Multiplying integers avoids accumulating float error (0.1 + 0.2) in the labels.
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
  return { ticks, domain: [ticks[0]!, ticks[ticks.length - 1]!] };
}
