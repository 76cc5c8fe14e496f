import { createHmac } from 'node:crypto'

/**
 * FOR TESTS ONLY: a second, deliberately separate TOTP (RFC 6238 / RFC 4226) written straight from the RFCs, so that
 * tests of the sign-in flow compute the codes a phone would show without using the code under test
 * (src/accounts/two-step/totp.ts). Checked against the RFCs' own vectors in independent-totp.test.ts.
 */

/** The key as the set-up page shows it ("ABCD EFGH …", base32) → bytes. */
export function keyBytes(keyText: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const bits = [...keyText.replace(/\s/g, '')]
    .map((c) => {
      const value = alphabet.indexOf(c)
      if (value < 0) throw new Error(`not base32: ${c}`)
      return value.toString(2).padStart(5, '0')
    })
    .join('')
  const bytes: number[] = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

/** RFC 4226 section 5.3 HOTP, 6 digits unless told. */
export function independentHotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8)
  message.writeUInt32BE(Math.floor(counter / 2 ** 32), 0)
  message.writeUInt32BE(counter % 2 ** 32, 4)
  const hash = createHmac('sha1', key).update(message).digest()
  const offset = hash[19]! & 0xf
  const code = ((hash[offset]! & 0x7f) << 24) | (hash[offset + 1]! << 16) | (hash[offset + 2]! << 8) | hash[offset + 3]!
  return String(code % 10 ** digits).padStart(digits, '0')
}

/** The 30-second step of a moment (milliseconds since 1970). */
export function stepAt(milliseconds: number): number {
  return Math.floor(milliseconds / 30_000)
}

/** The code a phone shows at a moment. */
export function codeAt(keyText: string, milliseconds: number): string {
  return independentHotp(keyBytes(keyText), stepAt(milliseconds))
}
