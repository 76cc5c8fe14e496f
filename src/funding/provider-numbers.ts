/**
 * The shapes of a provider's registration numbers and postcode, checked before they are stored. Pure: no I/O.
 *
 * - A charity registered in England and Wales has a number of 6 to 8 digits (the Charity Commission's register), and
 *   a linked charity (a subsidiary or special trust) the main number with "-n" (e.g. `1123456-1`).
 * - A company number (Companies House) is 8 characters: 8 digits (England and Wales), or a two-letter prefix and 6
 *   digits (`SC` Scotland, `NI` Northern Ireland, `OC` a limited liability partnership, …). A number typed with its
 *   leading zeros dropped is refused with the padded form suggested, rather than padded silently.
 * - A UK postcode: outward code (area, district) and inward code (sector, unit), stored in capitals with one space.
 */

export type NumberCheck =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string }

const CHARITY = /^\d{6,8}(?:-\d{1,3})?$/
const COMPANY = /^(?:\d{8}|[A-Z]{2}\d{6})$/
const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$/

/**
 * @example checkCharityNumber('1123456') // { ok: true, value: '1123456' }
 * @example checkCharityNumber('1123456-1') // { ok: true, value: '1123456-1' }
 * @example checkCharityNumber('12345') // { ok: false, … }
 */
export function checkCharityNumber(text: string): NumberCheck {
  const value = text.trim().replace(/\s+/g, '')
  if (CHARITY.test(value)) return { ok: true, value }
  return {
    ok: false,
    message:
      'Enter a charity number in England and Wales: 6 to 8 digits, with "-" and a number after it for a linked charity (for example 1123456 or 1123456-1)',
  }
}

/**
 * @example checkCompanyNumber('sc123456') // { ok: true, value: 'SC123456' }
 * @example checkCompanyNumber('1234567') // { ok: false, message: '… 01234567 …' }
 */
export function checkCompanyNumber(text: string): NumberCheck {
  const value = text.trim().replace(/\s+/g, '').toUpperCase()
  if (COMPANY.test(value)) return { ok: true, value }
  if (/^\d{1,7}$/.test(value)) {
    return {
      ok: false,
      message: `A company number is 8 characters: with its leading zeros this would be ${value.padStart(8, '0')}`,
    }
  }
  return {
    ok: false,
    message:
      'Enter a company number of 8 characters: 8 digits, or two letters and 6 digits (for example 01234567 or SC123456)',
  }
}

/**
 * @example checkPostcode('wv1 1sh') // { ok: true, value: 'WV1 1SH' }
 */
export function checkPostcode(text: string): NumberCheck {
  const match = POSTCODE.exec(text.trim().toUpperCase())
  if (match) return { ok: true, value: `${match[1]} ${match[2]}` }
  return { ok: false, message: 'Enter a real postcode, for example WV1 1SH' }
}
