import { randomBytes, randomInt } from 'node:crypto'
import { createRequire } from 'node:module'
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2'
import type * as LanguageCommon from '@zxcvbn-ts/language-common'

/**
 * Password hashing with argon2id at the OWASP Password Storage Cheat Sheet's parameters (19 MiB of memory,
 * two passes, one lane), and the password rules (ASVS 6.2: a minimum length, long passwords and pasting
 * allowed, no composition rules, no expiry, common and context words refused).
 */
export const passwordHashing: Readonly<Options> = Object.freeze({
  // Algorithm.Argon2id; @node-rs/argon2 declares its enums `const`, which cannot be imported under isolatedModules.
  algorithm: 2 as Algorithm,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
})

/** Fewer characters than this are refused (ASVS 6.2.1 asks for at least 8; NCSC and ASVS suggest longer). */
export const MINIMUM_PASSWORD_LENGTH = 12
/** More than this is refused, only so that a megabyte "password" cannot be used to waste the server's time. */
export const MAXIMUM_PASSWORD_LENGTH = 256

/**
 * Hashes a password for storage: an argon2id PHC string with its own random salt.
 *
 * @example
 *   const stored = await hashPassword('correct horse battery staple') // '$argon2id$v=19$m=19456,t=2,p=1$…'
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashing)
}

/** True when the password matches the stored hash. A malformed hash is a mismatch, never an error for the caller. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password)
  } catch {
    return false
  }
}

/** True when a stored hash was made with weaker parameters than today's, so it should be replaced at sign-in. */
export function needsRehash(storedHash: string): boolean {
  try {
    const used = parseOptions(storedHash)
    return (
      used.algorithm !== passwordHashing.algorithm ||
      used.memoryCost < (passwordHashing.memoryCost ?? 0) ||
      used.timeCost < (passwordHashing.timeCost ?? 0)
    )
  } catch {
    return true
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Verifies against a throw-away hash and returns false. Used when the email is not an account, so that the
 * answer takes as long as for a real account and the timing does not tell an attacker which emails exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64'))
  await verifyPassword(await dummyHash, password)
  return false
}

/**
 * A one-time password for a new account or a reset: five groups of four letters and digits (about 100 bits),
 * without look-alike characters, so it can be read out or copied by hand.
 */
export function generateOneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const groups: string[] = []
  for (let g = 0; g < 5; g++) {
    let group = ''
    for (let i = 0; i < 4; i++) group += alphabet[randomInt(alphabet.length)]
    groups.push(group)
  }
  return groups.join('-')
}

/**
 * Passwords that appear at the top of every breached-password list, and words an attacker would try first
 * against this system. Only those of the minimum length or more matter (shorter ones are refused anyway).
 * The breached-password list below (`isBreachedPassword`) holds few passwords of 12 characters or more, so these
 * words, likely here, stay as well.
 */
const commonPasswords = new Set(
  [
    'password1234',
    'password12345',
    'password123456',
    'passwordpassword',
    'qwertyuiopasdf',
    'qwertyuiop123',
    'qwerty123456',
    'qwerty1234567',
    '123456789012',
    '1234567890123',
    '12345678901234',
    '123123123123',
    '111111111111',
    '000000000000',
    '123456123456',
    '1q2w3e4r5t6y',
    '1qaz2wsx3edc',
    'zaq12wsxcde3',
    'abc123456789',
    'iloveyou1234',
    'letmein12345',
    'welcome12345',
    'welcome123456',
    'administrator',
    'administrator1',
    'changeme1234',
    'changemenow123',
    'trustno1trustno1',
    'football1234',
    'liverpool123',
    'manchester123',
    'chelsea12345',
    'arsenal12345',
    'monkey123456',
    'sunshine1234',
    'princess1234',
    'superman1234',
    'starwars1234',
    'baseball1234',
    'asdfghjkl123',
    "asdfghjkl;'",
    'qazwsxedcrfv',
    'computer1234',
    'internet1234',
    'wolverhampton',
    'wolverhampton1',
    'wolverhampton123',
    'saferhub1234',
    'saferhubsaferhub',
    'communitysafety',
    'saferwolverhampton',
    'partnership123',
    'westmidlands123',
  ].map((p) => p.toLowerCase()),
)

/** How many of the breached-password list's most common entries are refused (ASVS 6.2.4 asks for 3,000 at least). */
export const BREACHED_PASSWORDS_REFUSED = 10_000

let breachedPasswords: ReadonlySet<string> | undefined

/**
 * The most common breached passwords, lower case: the first `BREACHED_PASSWORDS_REFUSED` of zxcvbn-ts's
 * `passwords-common` list (49,233 passwords from breaches, most common first; MIT). Loaded on first use and kept:
 * decompressing the list takes about 15 ms, which only password changes should pay, not every start of the CLI.
 * Loaded with `require` so that the check stays synchronous.
 */
function breachedPasswordSet(): ReadonlySet<string> {
  if (!breachedPasswords) {
    const require = createRequire(import.meta.url)
    const { dictionary } = require('@zxcvbn-ts/language-common') as typeof LanguageCommon
    const list = dictionary['passwords-common']
    if (!Array.isArray(list) || list.length < BREACHED_PASSWORDS_REFUSED) {
      // A broken or truncated package must not silently turn the check off.
      throw new Error('The breached-password list (@zxcvbn-ts/language-common) is missing or too short')
    }
    breachedPasswords = new Set(list.slice(0, BREACHED_PASSWORDS_REFUSED).map((p) => p.toLowerCase()))
  }
  return breachedPasswords
}

/**
 * True when the password, ignoring case, is one of the most common breached passwords (whatever its length).
 *
 * @example
 *   isBreachedPassword('Password1') // true
 *   isBreachedPassword('maple-quartz-ribbon') // false
 */
export function isBreachedPassword(password: string): boolean {
  return breachedPasswordSet().has(password.toLowerCase())
}

/**
 * Checks a new password against the rules; returns the reason it is refused, or null when it is acceptable.
 * Length is counted in characters as a person sees them (code points), and the password is never trimmed.
 *
 * @example
 *   passwordProblem('short', {}) // 'Password must be 12 characters or more'
 */
export function passwordProblem(password: string, context: { email?: string; name?: string }): string | null {
  const length = [...password].length
  if (length < MINIMUM_PASSWORD_LENGTH) return `Password must be ${MINIMUM_PASSWORD_LENGTH} characters or more`
  if (length > MAXIMUM_PASSWORD_LENGTH) return `Password must be ${MAXIMUM_PASSWORD_LENGTH} characters or fewer`
  const lower = password.toLowerCase()
  if (commonPasswords.has(lower) || new Set(lower).size <= 2) {
    return 'Password is too common: choose a different one, for example three or four random words'
  }
  if (isBreachedPassword(password)) {
    return (
      'Password is in a list of passwords stolen in data breaches: choose a different one, ' +
      'for example three or four random words'
    )
  }
  const localPart = context.email?.split('@')[0]?.toLowerCase() ?? ''
  if (
    context.email &&
    (lower === context.email.toLowerCase() || (localPart.length >= 4 && lower.includes(localPart)))
  ) {
    return 'Password must not contain your email address'
  }
  const name = context.name?.toLowerCase().replace(/\s+/g, '') ?? ''
  if (name.length >= 4 && lower.replace(/\s+/g, '').includes(name)) return 'Password must not contain your name'
  return null
}
