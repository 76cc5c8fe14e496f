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

/** The context holds something JSON cannot tell apart (a function, a Map, a class instance): render, keep nothing. */
class CannotKeep extends Error {}

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
  const pages = new Map<string, string>()
  let characters = 0
  const counts: KeptPagesCounts = { rendered: 0, kept: 0 }
  const render = env.render.bind(env) as (name: string, context?: object, done?: RenderCallback) => string | null

  type RenderCallback = (error: Error | null, html?: string) => void

  function keep(key: string, html: string): void {
    const size = key.length + html.length
    // A page bigger than half the room would push out everything else.
    if (size > maxCharacters / 2) return
    pages.set(key, html)
    characters += size
    for (const [oldest, page] of pages) {
      if (characters <= maxCharacters) break
      pages.delete(oldest)
      characters -= oldest.length + page.length
    }
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
    let key: string
    try {
      key = `${name}\u0000${JSON.stringify(data, plainOnly)}`
    } catch (error) {
      if (!(error instanceof CannotKeep)) throw error
      counts.rendered++
      return render(name, context, done)
    }
    const personalise = (html: string) => actual.reduce((page, [marker, value]) => page.replaceAll(marker, value), html)
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
      keep(key, html)
      return personalise(html)
    }
    return render(name, data, (error, html) => {
      if (error || html === undefined) return done(error)
      keep(key, html)
      done(null, personalise(html))
    })
  } as typeof env.render
  return counts
}

/**
 * JSON.stringify's replacer: plain data only. `value` has been through `toJSON` already, so the holder's own value is
 * looked at too: a Date (its instant is its JSON) may pass; another class with a `toJSON` that leaves something out
 * may not.
 */
function plainOnly(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key]
  if (original !== value && !(original instanceof Date)) throw new CannotKeep()
  switch (typeof value) {
    case 'function':
    case 'symbol':
    case 'bigint':
      throw new CannotKeep()
    case 'number':
      // JSON writes NaN and ±Infinity as null, which a page would print otherwise.
      if (!Number.isFinite(value)) throw new CannotKeep()
      return value
    case 'object': {
      if (value === null || Array.isArray(value)) return value
      const prototype = Object.getPrototypeOf(value) as unknown
      if (prototype !== Object.prototype && prototype !== null) throw new CannotKeep()
      return value
    }
    default:
      return value
  }
}
