/** A whole number as the pages print it: 1,234. */
export const n = (value: number) => value.toLocaleString('en-GB')
/** One decimal place: 12.3. */
export const oneDecimal = (value: number) =>
  value.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
/** A change in per cent with its sign: +4.5%. */
export const signedPercent = (value: number) => `${value > 0 ? '+' : ''}${oneDecimal(value)}%`
