import { createHash, randomInt } from 'node:crypto'

/**
 * Recovery codes: ten one-time codes shown once when two-step sign-in is set up (or made anew), for the day the
 * phone is lost. Each is 16 characters from a 32-letter alphabet without look-alikes, so 80 random bits: far
 * beyond what anyone could guess online (the sign-in throttle allows a few hundred guesses a day) or offline.
 *
 * Stored as SHA-256, not argon2id: a slow hash protects low-entropy secrets (passwords) from offline guessing, and
 * 2^80 candidates cannot be searched at any hash speed, so stretching would only cost every attempt with a
 * recovery code up to ten argon2id verifications (one per unused code, each salted differently) for nothing. A
 * plain hash also lets the database find the code in one lookup and mark it used in one conditional UPDATE.
 */

/** How many codes a set holds. */
export const RECOVERY_CODE_COUNT = 10

/** Crockford's base32 (no I, L, O, U), lower case: easy to read aloud and to copy by hand. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const CODE_LENGTH = 16

/**
 * A new set of recovery codes, each written as four groups of four: `k7q2-9xvd-m3tn-p8aw`.
 *
 * @example generateRecoveryCodes().length // 10
 */
export function generateRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>()
  while (codes.size < count) {
    let code = ''
    for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)]
    codes.add((code.match(/.{4}/g) ?? []).join('-'))
  }
  return [...codes]
}

/**
 * A recovery code as typed, reduced to its 16 characters: case, spaces and hyphens do not matter, and the letters
 * people confuse with digits are read as Crockford reads them (o → 0, i and l → 1). Null when it cannot be one.
 *
 * @example normaliseRecoveryCode(' K7Q2 9XVD-M3TN P8AW ') // 'k7q29xvdm3tnp8aw'
 */
export function normaliseRecoveryCode(typed: string): string | null {
  const text = typed.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1')
  if (text.length !== CODE_LENGTH) return null
  for (const char of text) if (!ALPHABET.includes(char)) return null
  return text
}

/**
 * What is stored of a recovery code: SHA-256 of its normalised form, hex.
 *
 * @example recoveryCodeHash('K7Q2-9XVD-M3TN-P8AW') === recoveryCodeHash('k7q29xvdm3tnp8aw') // true
 */
export function recoveryCodeHash(code: string): string {
  const normalised = normaliseRecoveryCode(code)
  if (normalised === null) throw new Error('Not a recovery code')
  return createHash('sha256').update(`saferhub recovery code\u0000${normalised}`, 'utf8').digest('hex')
}
