/**
 * Turning the bytes of an uploaded CSV file into text, or refusing to. Only UTF-8 is read (with or without the
 * byte-order mark Excel writes for "CSV UTF-8"). Anything else is refused with what to do, never guessed at: a
 * Windows-1252 "£" read as UTF-8 would become "�" in the database, and UTF-16 would become a NUL after each letter.
 */
export type DecodedText =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly row: number; readonly reason: string }

const SAVE_AS_UTF8 = 'save it from Excel as "CSV UTF-8 (Comma delimited)" (or from another program as UTF-8)'

/** The line (1-based) that a byte offset falls on: for pointing at the row of a bad byte. */
function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++
  return line
}

/**
 * The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. Follows the
 * Unicode definition of well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  const n = bytes.length
  while (i < n) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min = 0x80
    let max = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) min = 0xa0 // overlong
      if (b === 0xed) max = 0x9f // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) min = 0x90 // overlong
      if (b === 0xf4) max = 0x8f // above U+10FFFF
    } else return i
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined) return i
      const lo = k === 1 ? min : 0x80
      const hi = k === 1 ? max : 0xbf
      if (c < lo || c > hi) return i
    }
    i += need + 1
  }
  return -1
}

/**
 * Decodes a CSV file's bytes as UTF-8, refusing empty files, UTF-16, NUL bytes and bytes that are not UTF-8.
 * `row` in a refusal is the line the problem is on (0 for the whole file).
 *
 * @example decodeCsvBytes(Buffer.from('\uFEFFid,name\n')) // { ok: true, text: 'id,name\n' }
 */
export function decodeCsvBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) return { ok: false, row: 0, reason: 'the file is empty (0 bytes)' }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, row: 0, reason: `the file is saved as UTF-16 ("Unicode Text"): ${SAVE_AS_UTF8}` }
  }
  const nul = bytes.indexOf(0)
  if (nul !== -1) {
    return {
      ok: false,
      row: lineOf(bytes, nul),
      reason: `the file contains NUL bytes (first at byte ${nul + 1}), so it is not a text CSV file (perhaps UTF-16 or a spreadsheet saved with a .csv name): ${SAVE_AS_UTF8}`,
    }
  }
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  const body = hasBom ? bytes.subarray(3) : bytes
  const bad = firstInvalidUtf8(body)
  if (bad !== -1) {
    const byte = (body[bad] as number).toString(16).toUpperCase().padStart(2, '0')
    const hint = byte === 'A3' ? ' (0xA3 is "£" in the Windows-1252 encoding)' : ''
    return {
      ok: false,
      row: lineOf(body, bad),
      reason: `byte 0x${byte} at byte ${bad + 1 + (hasBom ? 3 : 0)} is not UTF-8${hint}: the file was saved in another encoding; ${SAVE_AS_UTF8}`,
    }
  }
  if (body.length === 0) return { ok: false, row: 0, reason: 'the file is empty (it holds only a byte-order mark)' }
  return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body) }
}
