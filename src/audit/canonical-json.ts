/**
 * Canonical JSON: object keys sorted, no insignificant whitespace, `undefined` members left out. Two equal
 * records always give the same text, so the text can be hashed (the audit chain) and compared (has an
 * imported row changed?).
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)))
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key]
      if (member !== undefined) sorted[key] = sortKeys(member)
    }
    return sorted
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON would silently write null: refuse instead, so a NaN can never be recorded as "nothing".
    throw new Error(`Cannot record a non-finite number (${value}) in canonical JSON`)
  }
  return value
}
