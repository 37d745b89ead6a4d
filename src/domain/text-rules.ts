/** Rules for text users send: which characters a name may hold, how an error quotes input. */

/**
 * How an error message quotes a value the user sent: at most `max` characters of it, and its
 * length when cut, so a 900 KB string is not echoed back (twice) in the answer.
 */
export function quoteInput(value: unknown, max = 24): string {
  const text = String(value);
  const chars = [...text];
  if (chars.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(chars.slice(0, max).join(''))}… (${chars.length} characters)`;
}

/**
 * Characters a name must not hold: controls (NUL, newlines, escapes), line and paragraph
 * separators, bidirectional overrides and isolates (U+202E makes "exe.txt" read "txt.exe"),
 * and invisible ones (zero-width space, word joiner, BOM, invisible operators, unpaired tag
 * characters). Letters of any script, marks and emoji stay allowed; the joiners U+200C/U+200D
 * are allowed between two visible characters, where Persian, Indic scripts and emoji
 * sequences (a family, a rainbow flag) need them.
 */
const FORBIDDEN_IN_NAME =
  /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF\u180E\u00AD\u115F\u1160\u3164\uFFA0]|\p{Cs}|\u034F/u;
const JOINER = /[\u200C\u200D]/u;
const VISIBLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Extended_Pictographic}]/u;
const TAG = /[\u{E0020}-\u{E007F}]/u;

const codePoint = (c: string) =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a job name is refused, or null; see FORBIDDEN_IN_NAME. */
export function nameCharacterError(name: string): string | null {
  const chars = [...name];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const bad =
      FORBIDDEN_IN_NAME.test(c) ||
      (JOINER.test(c) && !(VISIBLE.test(chars[i - 1] ?? '') && VISIBLE.test(chars[i + 1] ?? ''))) ||
      // Tag characters only inside an emoji tag sequence (🏴 + tags + U+E007F, a flag).
      (TAG.test(c) && !inTagSequence(chars, i));
    if (bad) {
      return `must not contain control, bidirectional-override or invisible characters (found ${codePoint(c)} at position ${i + 1})`;
    }
  }
  return null;
}

function inTagSequence(chars: string[], i: number): boolean {
  let start = i;
  while (start > 0 && TAG.test(chars[start - 1]!)) start--;
  let end = i;
  while (end < chars.length - 1 && TAG.test(chars[end + 1]!)) end++;
  return chars[start - 1] === '\u{1F3F4}' && chars[end] === '\u{E007F}' && end > start;
}
