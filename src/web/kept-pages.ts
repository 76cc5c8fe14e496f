import { randomBytes } from 'node:crypto'
import { constants as zlib, crc32, deflateRawSync } from 'node:zlib'
import type { Request, RequestHandler } from 'express'
import type nunjucks from 'nunjucks'
import { unchangingIdentity } from '../shared/web/unchanging.ts'

export interface KeptPagesOptions {
  /** The templates whose pages are kept: pages that read many figures and hold no secret (never a sign-in page). */
  readonly templates: readonly string[]
  /**
   * Values of the page's context that change on every request and are only printed as they are (the CSP nonce, the
   * CSRF token): a page is kept with a marker in their place and each request's own value is put back as it is sent.
   */
  readonly perRequest?: readonly string[]
  /**
   * The most the kept pages and their keys may take (default 16 M): a key counted in UTF-16 characters (two bytes
   * each), a page in its UTF-8 bytes; about 32 MB at most.
   */
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
 * A kept page is held as UTF-8 bytes, cut at its markers, and given **as a Buffer** to a render callback (Express's
 * way; `sendRenderedPages` below sends it as HTML); the synchronous form still returns a string. Joining the 80 KB
 * dashboard back into one string and encoding it for the socket again took about 1 ms a view, half of the page's
 * processor time (CPU profile, `npm run bench:web`); copying its bytes takes a few microseconds.
 *
 * A value at the top of the context given by `unchanging` (src/shared/web/unchanging.ts: deep-frozen, checked once)
 * is keyed by its identity, not its JSON: the dashboard's view model is kept per report and filters, so its JSON
 * need not be written and compared on every view.
 *
 * @example keepRenderedPages(env, { templates: ['dashboard.njk'], perRequest: ['cspNonce', 'csrfToken'] })
 */
export function keepRenderedPages(env: nunjucks.Environment, options: KeptPagesOptions): KeptPagesCounts {
  const templates = new Set(options.templates)
  const markerOf = new Map((options.perRequest ?? []).map((name) => [name, `kept-${randomBytes(12).toString('hex')}`]))
  const maxCharacters = options.maxCharacters ?? 16 * 1024 * 1024
  // A kept page split at its markers once, as it is kept: `[bytes, marker, bytes, marker, …, bytes]`, so that a view
  // puts its own values in by copying bytes, with neither a scan of the page nor a string to encode again.
  const markerPattern = markerOf.size === 0 ? null : new RegExp(`(${[...markerOf.values()].join('|')})`, 'g')
  const pages = new Map<string, KeptPage>()
  let characters = 0
  const counts: KeptPagesCounts = { rendered: 0, kept: 0 }
  const render = env.render.bind(env) as (name: string, context?: object, done?: RenderCallback) => string | null

  type RenderCallback = (error: Error | null, html?: string | Buffer) => void

  function keep(key: string, html: string): KeptPage {
    const parts = markerPattern === null ? [html] : html.split(markerPattern)
    const page: KeptPage = parts.map((part, i) => (i % 2 === 1 ? part : Buffer.from(part, 'utf8')))
    const size = key.length + pageLength(page)
    // A page bigger than half the room would push out everything else.
    if (size > maxCharacters / 2) return page
    pages.set(key, page)
    characters += size
    for (const [oldest, kept] of pages) {
      if (characters <= maxCharacters) break
      pages.delete(oldest)
      characters -= oldest.length + pageLength(kept)
    }
    return page
  }

  env.render = function keptRender(name: string, context?: object | RenderCallback, done?: RenderCallback) {
    if (typeof context === 'function') return render(name, context)
    if (!templates.has(name) || context === undefined || context === null) return render(name, context, done)
    // The page's data, with each per-request value replaced by its marker; the unchanging values named by identity.
    const data: Record<string, unknown> = {}
    const keyed: Record<string, unknown> = {}
    const byIdentity: [string, number][] = []
    const actual = new Map<string, string>()
    for (const [field, value] of Object.entries(context)) {
      if (EXPRESS_OPTIONS.has(field)) continue
      const marker = markerOf.get(field)
      if (marker !== undefined && typeof value === 'string') {
        data[field] = marker
        keyed[field] = marker
        actual.set(marker, value)
        continue
      }
      data[field] = value
      const identity = unchangingIdentity(value)
      if (identity !== undefined) byIdentity.push([field, identity])
      else keyed[field] = value
    }
    // Checked first, then written by JSON.stringify without a replacer: a replacer is a call back into JavaScript for
    // every key and value, and made the key a tenth of a dashboard view (CPU profile, `npm run bench:web`). JSON never
    // holds a raw NUL, so the parts of the key cannot run into each other.
    if (!plainData(keyed, 0)) {
      counts.rendered++
      return render(name, context, done)
    }
    const key = `${name}\u0000${JSON.stringify(keyed)}\u0000${JSON.stringify(byIdentity)}`
    const found = pages.get(key)
    if (found !== undefined) {
      // Most recently used last: the first is the one to let go.
      pages.delete(key)
      pages.set(key, found)
      counts.kept++
      if (done) {
        done(null, given(found, actual, context))
        return null
      }
      return personalise(found, actual).toString('utf8')
    }
    counts.rendered++
    if (!done) {
      const html = render(name, data) ?? ''
      return personalise(keep(key, html), actual).toString('utf8')
    }
    return render(name, data, (error, html) => {
      if (error || html === undefined) return done(error)
      done(null, given(keep(key, html as string), actual, context))
    })
  } as typeof env.render
  return counts
}

/** A kept page: its bytes, cut at each per-request marker, `[bytes, marker, bytes, …, bytes]`. */
type KeptPage = readonly (Buffer | string)[]

/** A kept page with this request's own values in place of its markers (a marker this context lacks stays as it is). */
function personalise(page: KeptPage, actual: ReadonlyMap<string, string>): Buffer {
  const first = page[0]
  if (page.length === 1 && Buffer.isBuffer(first)) return first
  return Buffer.concat(page.map((part) => (typeof part === 'string' ? Buffer.from(actual.get(part) ?? part) : part)))
}

/**
 * Asks for a kept page in gzip, in the render options `sendRenderedPages` gives when it sends the page itself to a
 * client that takes gzip. A symbol: Express copies it into the page's context, where neither the key (JSON, which
 * leaves symbols out) nor the template sees it, and no other caller of `render` (a PDF, a test) can be given gzip.
 */
export const KEPT_PAGE_IN_GZIP = Symbol('a kept page in gzip')

/**
 * The pages given by `keepRenderedPages` to a render callback, each with its encoding: a page there is a kept page
 * (its response varies by Accept-Encoding), and one marked gzip is the gzip form.
 */
const givenPages = new WeakMap<Buffer, 'gzip' | 'identity'>()

/**
 * What a render callback is given: the gzip form when the options asked for it (`KEPT_PAGE_IN_GZIP`), else the page's
 * bytes. Compressing the 80 KB dashboard as it is sent would take 2–3 ms, three times the whole view's processor
 * time; a kept page's own parts are deflated once (`deflatedParts`) and each request's values put in between as
 * they are, so the gzip form costs about what copying the page does, and the page is not copied twice.
 */
function given(page: KeptPage, actual: ReadonlyMap<string, string>, context: object): Buffer {
  const gzip = (context as { [KEPT_PAGE_IN_GZIP]?: boolean })[KEPT_PAGE_IN_GZIP] === true
  const bytes = gzip ? gzipped(page, actual) : personalise(page, actual)
  givenPages.set(bytes, gzip ? 'gzip' : 'identity')
  return bytes
}

/**
 * A kept page's bytes, part by part, each deflated on its own and ended with a sync flush (so that the next part,
 * deflated or stored, starts on a byte of its own in one deflate stream), with its CRC-32 and what appending its
 * length does to a CRC (to combine them without reading the bytes again). Kept as long as the page is kept.
 */
interface DeflatedPart {
  readonly deflated: Buffer
  readonly crc: number
  readonly length: number
  readonly shift: number
}
const deflatedParts = new WeakMap<KeptPage, readonly (DeflatedPart | string)[]>()

/**
 * gzip (RFC 1952) of the page with this request's values in place of its markers: the parts deflated once, and each
 * value as a stored (uncompressed) block of its own. A secret in a page (the CSRF token) is thus never compressed
 * together with anything else, so a page's compressed length tells nothing about it (the BREACH attack).
 */
function gzipped(page: KeptPage, actual: ReadonlyMap<string, string>): Buffer {
  let parts = deflatedParts.get(page)
  if (parts === undefined) {
    parts = page.map((part) =>
      typeof part === 'string'
        ? part
        : {
            deflated: deflateRawSync(part, { finishFlush: zlib.Z_SYNC_FLUSH }),
            crc: crc32(part),
            length: part.length,
            shift: crcShift(part.length),
          },
    )
    deflatedParts.set(page, parts)
  }
  const pieces: Buffer[] = [GZIP_HEADER]
  let crc = 0
  let length = 0
  for (const part of parts) {
    if (typeof part === 'string') {
      const value = Buffer.from(actual.get(part) ?? part)
      for (let at = 0; at < value.length; at += 0xffff) pieces.push(...storedBlock(value.subarray(at, at + 0xffff)))
      crc = crc32(value, crc)
      length += value.length
    } else if (part.length > 0) {
      pieces.push(part.deflated)
      crc = (multiplyModP(part.shift, crc) ^ part.crc) >>> 0
      length += part.length
    }
  }
  // An empty final stored block ends the deflate stream; then the CRC-32 and the length (mod 2^32) of the page.
  const trailer = Buffer.alloc(5 + 4 + 4)
  trailer.set([0x01, 0x00, 0x00, 0xff, 0xff], 0)
  trailer.writeUInt32LE(crc, 5)
  trailer.writeUInt32LE(length >>> 0, 9)
  pieces.push(trailer)
  return Buffer.concat(pieces)
}

/** gzip's header: deflate, no name, no time, "unknown" system. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff])

/** A non-final stored deflate block of at most 65,535 bytes, starting on a byte boundary. */
function storedBlock(bytes: Buffer): Buffer[] {
  const header = Buffer.alloc(5)
  header[0] = 0x00
  header.writeUInt16LE(bytes.length, 1)
  header.writeUInt16LE(~bytes.length & 0xffff, 3)
  return [header, bytes]
}

// CRC-32 of two pieces joined, from each one's CRC (zlib's crc32_combine, as its crc32.c computes it): appending
// n bytes multiplies the first CRC by x^(8n) modulo the CRC's polynomial, in its reflected bit order.
const CRC_POLYNOMIAL = 0xedb88320

/** a(x)·b(x) modulo the polynomial (reflected: bit 31 is x^0). */
function multiplyModP(a: number, b: number): number {
  let m = 0x80000000
  let product = 0
  for (;;) {
    if ((a & m) !== 0) {
      product ^= b
      if ((a & (m - 1)) === 0) break
    }
    m >>>= 1
    b = b & 1 ? (b >>> 1) ^ CRC_POLYNOMIAL : b >>> 1
  }
  return product >>> 0
}

/** x^(2^k) modulo the polynomial, k = 0…31. */
const POWERS_OF_X = (() => {
  const powers: number[] = []
  let p = 0x40000000 // x^1
  for (let k = 0; k < 32; k++) {
    powers.push(p)
    p = multiplyModP(p, p)
  }
  return powers
})()

/** x^(8n) modulo the polynomial: what appending n bytes does to a CRC. */
function crcShift(n: number): number {
  let p = 0x80000000 // x^0
  for (let k = 3; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) p = multiplyModP(POWERS_OF_X[k % 32] as number, p)
  }
  return p
}

/**
 * Express's default for `res.render` without a callback (send the page as HTML), for a page given as bytes by
 * `keepRenderedPages`: `res.send` would call a Buffer `application/octet-stream`. A page given as a string goes as
 * Express would send it. Install it before anything else that wraps `res.render` (they call this one).
 */
export function sendRenderedPages(): RequestHandler {
  return (req, res, next) => {
    const render = res.render.bind(res) as (view: string, options?: object, callback?: unknown) => void
    const send = (error: Error | null, page?: string | Buffer) => {
      if (error) return req.next?.(error)
      if (!res.get('Content-Type')) res.type('html')
      // A kept page goes compressed to a client that takes gzip (every browser), made from its parts deflated once.
      const encoding = Buffer.isBuffer(page) ? givenPages.get(page) : undefined
      if (encoding !== undefined) res.vary('Accept-Encoding')
      if (encoding === 'gzip') res.set('Content-Encoding', 'gzip')
      res.send(page)
    }
    res.render = ((view: string, options?: object | ((...args: never[]) => void), callback?: unknown) => {
      if (typeof options === 'function') return render(view, {}, options)
      if (callback !== undefined) return render(view, options ?? {}, callback)
      // Only a page this sends itself may come as gzip, and only to a client that takes it.
      return render(view, takesGzip(req) ? { ...options, [KEPT_PAGE_IN_GZIP]: true } : (options ?? {}), send)
    }) as typeof res.render
    next()
  }
}

/** Whether the request's Accept-Encoding takes gzip (not refused with q=0; `*` counts). */
function takesGzip(req: Request): boolean {
  const header = req.headers['accept-encoding']
  return typeof header === 'string' && header !== '' && req.acceptsEncodings('gzip') === 'gzip'
}

/** The size of a kept page: its bytes and its markers' characters. */
function pageLength(parts: KeptPage): number {
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
