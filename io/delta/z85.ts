/** Z85 (ZeroMQ RFC 32), the Base85 variant Delta uses for inline deletion vectors and DV file ids. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes Z85 text (a multiple of 5 characters) into bytes, 4 bytes big-endian per 5 characters.
 * Returns null on a character outside the alphabet, a bad length or a group above 2^32 − 1.
 */
export function decodeZ85(text: string): Uint8Array | null {
  if (text.length % 5 !== 0) return null;
  const out = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(out.buffer);
  for (let g = 0, n = text.length / 5; g < n; g++) {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const code = text.charCodeAt(g * 5 + i);
      const digit = code < 128 ? DIGIT[code]! : -1;
      if (digit < 0) return null;
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) return null;
    view.setUint32(g * 4, value);
  }
  return out;
}
