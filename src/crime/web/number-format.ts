import { formatCount, formatDecimal, formatSignedPercent } from '../../domain/rounding.ts'

// The crime pages print figures with the one number format every page uses (src/domain/rounding.ts): thousands
// grouped, halves rounded away from zero, percentages to one decimal place.

/** A whole number as the pages print it: 1,234. */
export const n = (value: number) => formatCount(value)
/** One decimal place: 12.3. */
export const oneDecimal = (value: number) => formatDecimal(value, 1)
/** A change in per cent with its sign: +4.5%. */
export const signedPercent = (value: number) => formatSignedPercent(value, 1)
