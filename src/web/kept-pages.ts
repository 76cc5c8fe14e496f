import { randomBytes } from 'node:crypto'
import type nunjucks from 'nunjucks'

export interface KeptPagesOptions {
  /** The templates whose pages are kept: pages that read many figures and hold no secret (never a sign-in page). */
  readonly templates: readonly string[]
  /**
   * Values of the page's context that change on every request and are only printed as they are (the CSP nonce, the
   * CSRF token): a page is kept with a marker in their place and each request's own value is put back as it is sent.
   */
  readonly perRequest?: readonly string[]
  /** The most the kept pages and their keys may take, in UTF-16 characters (default 16 M: about 32 MB). */
  readonly maxCharacters?: number
}

/** How many pages of the listed templates were rendered, and how many given from what was kept (tests, measurements). */
export interface KeptPagesCounts {
  rendered: number
  kept: number
}

/** Express's own render options, which are the same for every page and are not the page's data. */
const EXPRESS_OPTIONS = new Set(['settings', '_locals', 'cache'])

/**
 * Keeps the rendered pages of the named templates, by the template and *everything* in their context, so that a
 * page viewed again with the same figures, person, partnership and address is not rendered again: rendering the
 * dashboard (41 KB, govuk-frontend macros per KPI) was about a quarter of its time (`npm run bench:web`, CPU profile).
 *
 * It is correct because a Nunjucks template is a function of its context (and of the environment's constant
 * globals): the key is the whole context as JSON, so any figure, name, role, partnership address or query that
 * differs is another page. The built report behind the context is itself checked against the partnership's data
 * version on every request, so a figure written in any process changes the context and the page. A context JSON
 * cannot represent faithfully (a function, Map, Set or class instance, whose content JSON would drop) is rendered
 * and not kept. The per-request values (`perRequest`) are rendered as random markers, made once per process, and
 * each request's own value replaces them in the page it is sent. Templates must therefore not read the clock or
 * anything outside their context; only pages listed in `templates` are kept, and none that shows a secret.
 *
 * @example keepRenderedPages(env, { templates: ['dashboard.njk'], perRequest: ['cspNonce', 'csrfToken'] })
 */
export function keepRenderedPages(env: nunjucks.Environment, options: KeptPagesOptions): KeptPagesCounts {
  const templates = new Set(options.templates)
  const markerOf = new Map((options.perRequest ?? []).map((name) => [name, `kept-${randomBytes(12).toString('hex')}`]))
  const maxCharacters = options.maxCharacters ?? 16 * 1024 * 1024
  // A kept page split at its markers once, as it is kept: `[text, marker, text, marker, …, text]`, so that a view
  // puts its own values in with one join instead of scanning the whole page once per marker (CPU profile).
  const markerPattern = markerOf.size === 0 ? null : new RegExp(`(${[...markerOf.values()].join('|')})`, 'g')
  const pages = new Map<string, readonly string[]>()
  let characters = 0
  const counts: KeptPagesCounts = { rendered: 0, kept: 0 }
  const render = env.render.bind(env) as (name: string, context?: object, done?: RenderCallback) => string | null

  type RenderCallback = (error: Error | null, html?: string) => void

  function keep(key: string, html: string): readonly string[] {
    const parts = markerPattern === null ? [html] : html.split(markerPattern)
    const size = key.length + html.length
    // A page bigger than half the room would push out everything else.
    if (size > maxCharacters / 2) return parts
    pages.set(key, parts)
    characters += size
    for (const [oldest, page] of pages) {
      if (characters <= maxCharacters) break
      pages.delete(oldest)
      characters -= oldest.length + pageLength(page)
    }
    return parts
  }

  env.render = function keptRender(name: string, context?: object | RenderCallback, done?: RenderCallback) {
    if (typeof context === 'function') return render(name, context)
    if (!templates.has(name) || context === undefined || context === null) return render(name, context, done)
    // The page's data, with each per-request value replaced by its marker.
    const data: Record<string, unknown> = {}
    const actual: [string, string][] = []
    for (const [field, value] of Object.entries(context)) {
      if (EXPRESS_OPTIONS.has(field)) continue
      const marker = markerOf.get(field)
      if (marker !== undefined && typeof value === 'string') {
        data[field] = marker
        actual.push([marker, value])
      } else data[field] = value
    }
    // Checked first, then written by JSON.stringify without a replacer: a replacer is a call back into JavaScript for
    // every key and value, and made the key a tenth of a dashboard view (CPU profile, `npm run bench:web`).
    if (!plainData(data, 0)) {
      counts.rendered++
      return render(name, context, done)
    }
    const key = `${name}\u0000${JSON.stringify(data)}`
    // This request's own values in place of the markers (a marker whose value this context lacks stays as it is).
    const personalise = (parts: readonly string[]) => {
      if (parts.length === 1) return parts[0] as string
      const values = new Map(actual)
      return parts.map((part, i) => (i % 2 === 1 ? (values.get(part) ?? part) : part)).join('')
    }
    const found = pages.get(key)
    if (found !== undefined) {
      // Most recently used last: the first is the one to let go.
      pages.delete(key)
      pages.set(key, found)
      counts.kept++
      const page = personalise(found)
      if (done) {
        done(null, page)
        return null
      }
      return page
    }
    counts.rendered++
    if (!done) {
      const html = render(name, data) ?? ''
      return personalise(keep(key, html))
    }
    return render(name, data, (error, html) => {
      if (error || html === undefined) return done(error)
      done(null, personalise(keep(key, html)))
    })
  } as typeof env.render
  return counts
}

/** The characters of a kept page (its parts and markers). */
function pageLength(parts: readonly string[]): number {
  let length = 0
  for (const part of parts) length += part.length
  return length
}

/** Deeper than this is taken for a cycle (JSON.stringify would throw): rendered, not kept. */
const MAX_DEPTH = 200

/**
 * Whether JSON writes `value` faithfully, so that two values with one JSON are the same to a template: plain objects
 * (without `toJSON`), arrays, strings, booleans, null, finite numbers, and Dates (their instant is their JSON).
 * Not a function, symbol or bigint; not NaN or ±Infinity (JSON writes null, which a page would print otherwise); not a
 * class instance (a Map, or a class whose fields JSON does not see) nor an object with its own `toJSON`, which may
 * leave something out. `undefined` is left out by JSON as a template reads it: nothing.
 */
function plainData(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object': {
      if (value === null) return true
      if (depth > MAX_DEPTH) return false
      if (Array.isArray(value)) {
        for (const item of value) if (!plainData(item, depth + 1)) return false
        return true
      }
      const prototype = Object.getPrototypeOf(value) as unknown
      if (prototype !== Object.prototype && prototype !== null) return value instanceof Date
      if ('toJSON' in value) return false
      for (const key in value) if (!plainData((value as Record<string, unknown>)[key], depth + 1)) return false
      return true
    }
    default:
      return false
  }
}
