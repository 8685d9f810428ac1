const OFFSET_BASIS = 2166136261;
const PRIME = 16777619;

/** FNV-1a 32-bit over the UTF-8 bytes of `text` (SPEC §7 holdout hash), as an unsigned integer. */
export function fnv1a32(text: string): number {
  let h = OFFSET_BASIS;
  const bytes = utf8(text);
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, PRIME); // 32-bit wrap-around multiply, the "mod 2^32" of the definition
  }
  return h >>> 0;
}

const encoder = new TextEncoder();
const ascii = /^[\x00-\x7f]*$/;

function utf8(text: string): ArrayLike<number> {
  if (!ascii.test(text)) return encoder.encode(text);
  // ASCII strings (salt + decimal id, the common case) are their own UTF-8 encoding.
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
