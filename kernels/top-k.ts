/**
 * A bounded best-first list of (score, key) ordered by score descending then key ascending,
 * kept in caller-owned typed arrays so the hot path allocates nothing. Keys are dense show
 * indexes assigned in show_id order, so "key ascending" is "show_id ascending".
 */
export interface TopK {
  scores: Float64Array;
  keys: Int32Array;
  size: number;
  capacity: number;
}

export function createTopK(capacity: number): TopK {
  return { scores: new Float64Array(capacity), keys: new Int32Array(capacity), size: 0, capacity };
}

/** Inserts (score, key) if it ranks within the first `capacity`; insertion sort, since capacity is 5. */
export function offerTopK(top: TopK, score: number, key: number): void {
  const { scores, keys, capacity } = top;
  let i = top.size;
  if (i === capacity) {
    const lastScore = scores[i - 1]!;
    if (score < lastScore || (score === lastScore && key > keys[i - 1]!)) return;
    i--;
  } else {
    top.size++;
  }
  // Shift worse entries down one place: "worse" = lower score, or same score and larger key.
  while (i > 0 && (scores[i - 1]! < score || (scores[i - 1] === score && keys[i - 1]! > key))) {
    scores[i] = scores[i - 1]!;
    keys[i] = keys[i - 1]!;
    i--;
  }
  scores[i] = score;
  keys[i] = key;
}
