/**
 * Blanks secrets out of text a server sent back, in the forms an echo may take. Two layers:
 *
 * 1. every occurrence of a secret's encodings is replaced by `[redacted]`, matched ignoring ASCII
 *    case (a lower- or upper-cased echo, `%2f` or `%2F`): as is, JSON-escaped (also `\/` and
 *    `\u00XX` for every character), percent-encoded (reserved characters only, or every byte;
 *    `+` for spaces), hex, and base64 (standard and URL-safe, padded or not, and at each of the
 *    three byte alignments a secret can have inside a larger base64 blob);
 * 2. a check of what is left, decoded every way that may hide a secret (percent- and JSON-
 *    unescaping, twice, in either order; every base64 and hex run decoded): if a secret is still
 *    in there, the whole text is withheld.
 *
 * Nothing here is trusted to be complete on its own; callers also keep only short texts from
 * allow-listed fields of an answer (see server-text.ts).
 */

const REDACTED = '[redacted]';
export const WITHHELD = '[withheld: the server echoed the credentials]';
/** Shorter derived forms (a base64 piece of a short secret) would match ordinary text. */
const MIN_FORM = 6;
/** A secret shorter than this is not looked for in decoded views: it would match by chance. */
const MIN_DECODED_SECRET = 4;

/** Lower-cases A–Z only, keeping every index: positions found in the result are the text's. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

function percentEveryByte(secret: string): string {
  return [...Buffer.from(secret, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** The base64 characters that depend on `secret`'s bytes alone, when it starts `offset` bytes into a 3-byte group. */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const whole = Math.floor((offset + bytes.length) / 3) * 4;
    out.push(text.slice(offset === 0 ? 0 : 4, whole));
  }
  return out;
}

/** A form to look for (lower-cased; see asciiLower); `run`: blank the whole base64/hex run around a match, whose edges hold bits of the secret too. */
interface Form {
  text: string;
  run: boolean;
}

const RUN_CHAR = /[A-Za-z0-9+/=_-]/;

/** Every encoded form of `secret` that is looked for. */
function encodedForms(secret: string): Form[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const escaped = [
    json,
    json.replace(/\//g, '\\/'),
    [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    encodeURI(secret),
    percentEveryByte(secret),
  ];
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const binary = [Buffer.from(secret, 'utf8').toString('hex'), base64, ...base64Cores(secret)];
  const urlSafe = (f: string): string => f.replace(/\+/g, '-').replace(/\//g, '_');
  const forms: Form[] = [
    { text: secret, run: false },
    ...escaped.filter((f) => f.length >= MIN_FORM).map((text) => ({ text, run: false })),
    ...binary.flatMap((f) => [f, urlSafe(f)]).filter((f) => f.length >= MIN_FORM).map((text) => ({ text, run: true })),
  ];
  return forms.map((f) => ({ text: asciiLower(f.text), run: f.run }));
}

function percentDecode(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\+/g, ' ');
}

function jsonUnescape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_, hex: string | undefined, c: string | undefined) => (hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : c === 'n' ? '\n' : c === 't' ? '\t' : c!));
}

/** Each run of base64 or hex characters decoded (base64 from each of its first four characters: any alignment). */
function decodedRuns(text: string): string[] {
  const out: string[] = [];
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}={0,2}/g)) {
    for (let skip = 0; skip < 4; skip++) out.push(Buffer.from(run.slice(skip), 'base64').toString('latin1'));
  }
  for (const [run] of text.matchAll(/(?:[0-9a-fA-F]{2}){4,}/g)) out.push(Buffer.from(run, 'hex').toString('latin1'));
  return out;
}

/** The text decoded every way that may hide a secret (see the module comment). */
function decodedViews(text: string): string[] {
  const layers = new Set<string>([text]);
  for (let round = 0; round < 2; round++) for (const t of [...layers]) layers.add(percentDecode(t)).add(jsonUnescape(t));
  return [...layers].flatMap((t) => [t, ...decodedRuns(t)]);
}

/**
 * A function that blanks `secrets` (and each one's encodings) out of a text; a text in which a
 * decoded secret remains after that is replaced as a whole by WITHHELD.
 */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const present = [...new Set(secrets.filter((s) => s !== ''))];
  const forms = present.flatMap(encodedForms).sort((a, b) => b.text.length - a.text.length);
  const plain = present.filter((s) => s.length >= MIN_DECODED_SECRET).map(asciiLower);
  return (text) => {
    const lower = asciiLower(text);
    const hidden = new Uint8Array(text.length);
    let any = false;
    for (const { text: form, run } of forms) {
      for (let at = lower.indexOf(form); at !== -1; at = lower.indexOf(form, at + 1)) {
        let from = at;
        let to = at + form.length;
        if (run) {
          while (from > 0 && RUN_CHAR.test(text[from - 1]!)) from--;
          while (to < text.length && RUN_CHAR.test(text[to]!)) to++;
        }
        hidden.fill(1, from, to);
        any = true;
      }
    }
    let out = text;
    if (any) {
      out = '';
      for (let i = 0; i < text.length; i++) {
        if (hidden[i] === 0) out += text[i];
        else if (i === 0 || hidden[i - 1] === 0) out += REDACTED;
      }
    }
    const views = decodedViews(out).map(asciiLower);
    return views.some((v) => plain.some((s) => v.includes(s))) ? WITHHELD : out;
  };
}
