/**
 * Go text primitives admission needs: `%q` quoting and `sort.Strings` ordering (byte-wise UTF-8, i.e. code-point
 * order). Kept local until the engine's shared primitives are exported from `src/policy`.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** Go's `strconv.Quote` (spec §0.3). Lone surrogates become U+FFFD first, as Go's JSON decoder would have done. */
export function goQuote(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0) ?? 0xfffd;
    let text = ch;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd;
      text = '\ufffd';
    }
    const short = SHORT_ESCAPES[cp];
    if (short !== undefined) out += short;
    else if (cp === 0x20 || PRINTABLE.test(text)) out += text;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Compares like Go's `<` on strings (UTF-8 bytes = code points), not like JavaScript's UTF-16 `<`. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// Surrogates encode code points >= U+10000, which sort above U+E000..U+FFFF in code-point order.
function rank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
