import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Time-based one-time passwords (RFC 6238) over HMAC-based ones (RFC 4226), with node:crypto only: HMAC-SHA-1,
 * 6 digits, 30-second steps, which is what every authenticator app does by default (Google Authenticator ignores
 * any other algorithm, digits or period in the otpauth URI).
 */

/** Seconds in one time step (RFC 6238 X). */
export const TOTP_STEP_SECONDS = 30
/** Digits in a code. */
export const TOTP_DIGITS = 6
/** Steps of clock drift accepted either side of now (RFC 6238 section 5.2 recommends at most one). */
export const TOTP_DRIFT_STEPS = 1
/** 160 bits: the length RFC 4226 recommends for the shared secret (and HMAC-SHA-1's own output). */
export const TOTP_SECRET_BYTES = 20

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/**
 * Base32 (RFC 4648) without padding, the form authenticator apps take a key in.
 *
 * @example base32Encode(Buffer.from('foobar')) // 'MZXW6YTBOI'
 */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/**
 * Decodes base32 as a person might type it: case, spaces, hyphens and `=` padding are ignored. Throws on any
 * other character.
 *
 * @example base32Decode('mzxw 6ytb oi').toString() // 'foobar'
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase()
  const bytes: number[] = []
  let bits = 0
  let value = 0
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char)
    if (index < 0) throw new Error(`Not a base32 character: ${JSON.stringify(char)}`)
    value = ((value << 5) | index) & 0xfff
    bits += 5
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(bytes)
}

/**
 * The HOTP value (RFC 4226 section 5.3) of a counter: HMAC-SHA-1 of the counter as 8 bytes big-endian, dynamic
 * truncation, then the low `digits` decimal digits, zero-padded.
 *
 * @example hotp(Buffer.from('12345678901234567890'), 0) // '755224' (RFC 4226 appendix D)
 */
export function hotp(secret: Uint8Array, counter: number, digits: number = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new Error(`HOTP counter must be a whole number ≥ 0`)
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new Error('HOTP codes have 6 to 10 digits')
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', secret).update(message).digest()
  const offset = (mac[mac.length - 1] as number) & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/**
 * The time step a moment falls in (RFC 6238 T, with T0 = 0).
 *
 * @example timeStep(59_000) // 1
 */
export function timeStep(epochMilliseconds: number): number {
  return Math.floor(epochMilliseconds / 1000 / TOTP_STEP_SECONDS)
}

/**
 * The TOTP code at a moment.
 *
 * @example totp(Buffer.from('12345678901234567890'), 59_000) // '287082' (RFC 6238 appendix B, low 6 digits)
 */
export function totp(secret: Uint8Array, epochMilliseconds: number, digits: number = TOTP_DIGITS): string {
  return hotp(secret, timeStep(epochMilliseconds), digits)
}

/**
 * Checks a code typed by a person against the steps from `TOTP_DRIFT_STEPS` before now to as many after, and
 * returns the step it matched, or null. A step at or before `lastUsedStep` is never accepted: a code works once
 * (RFC 6238 section 5.2), and so does every earlier one. Every candidate is compared in constant time.
 *
 * @example
 *   const step = matchingStep(secret, '287082', 59_000, null) // 1
 *   matchingStep(secret, '287082', 59_000, step) // null: already used
 */
export function matchingStep(
  secret: Uint8Array,
  code: string,
  epochMilliseconds: number,
  lastUsedStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const now = timeStep(epochMilliseconds)
  const typed = Buffer.from(code, 'ascii')
  let matched: number | null = null
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    if (step < 0) continue
    const expected = Buffer.from(hotp(secret, step), 'ascii')
    // No early exit: every candidate is computed and compared whatever matched.
    if (timingSafeEqual(expected, typed) && (lastUsedStep === null || step > lastUsedStep) && matched === null) {
      matched = step
    }
  }
  return matched
}

/**
 * The key as a person types it into an authenticator app: base32 in groups of four.
 *
 * @example keyInGroups('JBSWY3DPEHPK3PXP') // 'JBSW Y3DP EHPK 3PXP'
 */
export function keyInGroups(base32: string): string {
  return (base32.match(/.{1,4}/g) ?? []).join(' ')
}

/**
 * The `otpauth://` URI an authenticator app reads from the QR code (Google Authenticator's Key Uri Format): the
 * label is the issuer (the partnership) and the account (the email), so that a person with several accounts can
 * tell them apart; the issuer is repeated as a parameter, as the format recommends.
 *
 * @example
 *   otpauthUri({ issuer: 'Safer Wolverhampton Partnership', account: 'a@example.org', secret: 'JBSWY3DPEHPK3PXP' })
 *   // 'otpauth://totp/Safer%20Wolverhampton%20Partnership:a%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=…'
 */
export function otpauthUri(values: { issuer: string; account: string; secret: string }): string {
  const issuer = encodeURIComponent(values.issuer)
  const label = `${issuer}:${encodeURIComponent(values.account)}`
  return (
    `otpauth://totp/${label}?secret=${values.secret}&issuer=${issuer}` +
    `&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`
  )
}
