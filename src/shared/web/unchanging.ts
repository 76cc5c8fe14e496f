/** Values given by `unchanging`, each with its number (never given twice in a process). */
const identities = new WeakMap<object, number>()
let count = 0

/** Deeper than this is taken for a cycle: not named. */
const MAX_DEPTH = 200

/**
 * Freezes `value` deeply and lets a kept page's key (src/web/kept-pages.ts) name it by its identity instead of its
 * JSON: for a large view model kept and given again unchanged (the dashboard's, per report and filters), whose JSON
 * would otherwise be written and compared on every view (about 30 K characters for the demo's dashboard). Frozen, it
 * cannot change under the pages kept with it. Only plain data is named: plain objects (without `toJSON`), arrays,
 * strings, booleans, null, `undefined` and finite numbers, with data properties only (a getter may answer differently
 * each time), no cycle and no Date (freezing one does not stop `setTime`); anything else is frozen as far as it could
 * be and left unnamed, so a page is keyed by its content, as any other. Only a value at the top of a page's context
 * is named this way.
 *
 * @example res.render('dashboard.njk', { dashboard: unchanging(buildDashboard(report, filters)) })
 */
export function unchanging<T extends object>(value: T): T {
  if (!identities.has(value) && frozenPlainData(value, 0, new Set())) identities.set(value, ++count)
  return value
}

/** The number `unchanging` gave `value`, or undefined if it gave none. */
export function unchangingIdentity(value: unknown): number | undefined {
  return typeof value === 'object' && value !== null ? identities.get(value) : undefined
}

/** Freezes `value` and everything in it; whether it is all plain data (above). `within`: the path, to see a cycle. */
function frozenPlainData(value: unknown, depth: number, within: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object': {
      if (value === null) return true
      if (depth > MAX_DEPTH || within.has(value)) return false
      const prototype = Object.getPrototypeOf(value) as unknown
      if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return false
      Object.freeze(value)
      within.add(value)
      let plain = !('toJSON' in value)
      for (const [key, property] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
        if (!plain) break
        if (Array.isArray(value) && key === 'length') continue
        plain =
          'value' in property && property.enumerable === true && frozenPlainData(property.value, depth + 1, within)
      }
      within.delete(value)
      return plain
    }
    default:
      return false
  }
}
