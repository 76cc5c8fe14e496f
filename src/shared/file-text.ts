/**
 * Text taken from a user's file (a CSV header cell, a field, a file or zip entry name) and put into a message that is
 * printed on a terminal or shown on a page. Such text can hold bytes a terminal obeys rather than shows: ESC starts
 * escape sequences that move the cursor, recolour or retitle the window, or hide what follows; NUL and the other C0
 * and C1 controls are invisible or act; the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)
 * make a name read differently from its bytes ("Trojan Source", CVE-2021-42574). Every message that quotes a
 * file's content or name passes it through `escapeControlCharacters`, so that it shows each such character as a
 * visible escape (`\x1b`, `\u202e`) and nothing else changes.
 */

/**
 * C0 controls (tab and line breaks included: a quoted field is shown on one line), DEL, C1 controls, the bidi marks,
 * embeddings, overrides and isolates, the line and paragraph separators, and the byte-order mark / zero-width no-break
 * space (invisible, and a sign that a file's bytes are not what they look like when found mid-text).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g

/** `\x1b` for characters up to U+00FF, `\u202e` above: the forms JavaScript and most terminals' users read. */
function escapeOne(character: string): string {
  const code = character.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * The text with every control and bidirectional-formatting character shown as an escape; other characters (accents,
 * Welsh circumflexes, emoji) are kept as they are. A backslash already in the text is left alone: the message is
 * for reading, not for parsing back.
 *
 * @example escapeControlCharacters('Crime ID\u001b[31m') // 'Crime ID\\x1b[31m'
 * @example escapeControlCharacters('Ynys Môn') // 'Ynys Môn'
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE, escapeOne)
}
