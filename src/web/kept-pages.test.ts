import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import express from 'express'
import nunjucks from 'nunjucks'
import { keepRenderedPages, KEPT_PAGE_IN_GZIP, sendRenderedPages } from './kept-pages.ts'
import { serveForTest } from '../../test/support/web-app.ts'
import { unchanging } from '../shared/web/unchanging.ts'

const TEMPLATES: Record<string, string> = {
  'page.njk':
    '<script nonce="{{ cspNonce }}"></script><h1>{{ title }}</h1>' +
    '{% for kpi in kpis %}<p>{{ kpi.name }}: {{ kpi.figure }}</p>{% endfor %}' +
    '<input name="_csrf" value="{{ csrfToken }}"><p>{{ person.name }} ({{ person.role }})</p>',
  'other.njk': '<p>{{ title }}</p>',
}

/** An environment over the templates above, as the application's (autoescape on). */
function environment(): nunjucks.Environment {
  const loader = {
    getSource: (name: string) => ({ src: TEMPLATES[name] ?? '', path: name, noCache: false }),
  } as unknown as nunjucks.ILoader
  return new nunjucks.Environment(loader, { autoescape: true })
}

const context = (overrides: Record<string, unknown> = {}) => ({
  title: 'Dashboard 2017/18',
  kpis: [
    { name: 'Knife crime', figure: '221' },
    { name: 'Burglary', figure: '1,204' },
  ],
  person: { name: 'Asha Patel', role: 'partnership-analyst' },
  cspNonce: 'nonce-one',
  csrfToken: 'token-one',
  // Express's own options: the same on every page, never part of what decides it.
  settings: { view: function NunjucksView() {} },
  ...overrides,
})

/** Renders as Express does (with a callback): a kept template's page comes as UTF-8 bytes, any other as a string. */
function renderPage(env: nunjucks.Environment, name: string, data: object): Promise<string> {
  return new Promise((resolve, reject) =>
    env.render(name, data, (error, html: unknown) =>
      error ? reject(error) : resolve(Buffer.isBuffer(html) ? html.toString('utf8') : ((html as string | null) ?? '')),
    ),
  )
}

describe('kept rendered pages', () => {
  it('renders a page once for the same context; each request gets its own nonce and token in it', async () => {
    const plain = environment()
    const env = environment()
    const counts = keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce', 'csrfToken'] })
    const first = await renderPage(env, 'page.njk', context())
    const second = await renderPage(env, 'page.njk', context({ cspNonce: 'nonce-two', csrfToken: 'token-two' }))
    assert.deepEqual(counts, { rendered: 1, kept: 1 })
    // Exactly what the environment without keeping renders, for each request's own values.
    assert.equal(first, await renderPage(plain, 'page.njk', context()))
    assert.equal(
      second,
      await renderPage(plain, 'page.njk', context({ cspNonce: 'nonce-two', csrfToken: 'token-two' })),
    )
    assert.match(second, /nonce="nonce-two"/)
    assert.match(second, /value="token-two"/)
    assert.doesNotMatch(second, /nonce-one|token-one|kept-/)
    // The synchronous form gives the same page.
    assert.equal(env.render('page.njk', context()), first)
  })

  it('renders again when anything in the context differs, however deep', async () => {
    const env = environment()
    const counts = keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce', 'csrfToken'] })
    await renderPage(env, 'page.njk', context())
    const corrected = await renderPage(
      env,
      'page.njk',
      context({
        kpis: [
          { name: 'Knife crime', figure: '1,141' },
          { name: 'Burglary', figure: '1,204' },
        ],
      }),
    )
    assert.match(corrected, /Knife crime: 1,141/)
    const anotherRole = await renderPage(env, 'page.njk', context({ person: { name: 'Asha Patel', role: 'viewer' } }))
    assert.match(anotherRole, /\(viewer\)/)
    // Another partnership's page with the same figures is another page (its name is in the context).
    await renderPage(env, 'page.njk', context({ title: 'Dashboard 2017/18', partnershipName: 'Northshire' }))
    assert.deepEqual(counts, { rendered: 4, kept: 0 })
  })

  it('keeps nothing for a context JSON cannot represent faithfully, or a template not listed', async () => {
    const env = environment()
    const counts = keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce'] })
    class Figure {
      readonly #value: string
      constructor(value: string) {
        this.#value = value
      }
      toString() {
        return this.#value
      }
    }
    const unfaithful = [
      { title: new Figure('one') },
      { title: new Figure('two') },
      { title: () => 'a function' },
      { title: new Map([['a', 1]]) },
      { title: { toJSON: () => 'same', toString: () => 'one with toJSON' } },
      { title: { toJSON: () => 'same', toString: () => 'another with toJSON' } },
      { title: Number.NaN },
      { title: null },
    ]
    const pages = []
    for (const overrides of unfaithful) pages.push(await renderPage(env, 'page.njk', context(overrides)))
    for (const overrides of unfaithful) pages.push(await renderPage(env, 'page.njk', context(overrides)))
    // Two class instances JSON would both write as {} are two pages, as are two objects whose toJSON gives the same;
    // NaN is not null's page.
    assert.match(pages[0] ?? '', /<h1>one<\/h1>/)
    assert.match(pages[1] ?? '', /<h1>two<\/h1>/)
    assert.match(pages[4] ?? '', /<h1>one with toJSON<\/h1>/)
    assert.match(pages[5] ?? '', /<h1>another with toJSON<\/h1>/)
    assert.match(pages[6] ?? '', /<h1>NaN<\/h1>/)
    assert.match(pages[7] ?? '', /<h1><\/h1>/)
    // Only the null title, plain data, was kept (and given once from what was kept).
    assert.deepEqual(counts, { rendered: 15, kept: 1 })
    await renderPage(env, 'other.njk', { title: 'x' })
    await renderPage(env, 'other.njk', { title: 'x' })
    assert.deepEqual(counts, { rendered: 15, kept: 1 })
  })

  it('renders a context with a cycle, or a nested value JSON cannot write, without keeping it', async () => {
    const env = environment()
    const counts = keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce'] })
    const cyclic: Record<string, unknown> = { name: 'Knife crime', figure: '221' }
    cyclic.self = cyclic
    const deep = [{ name: 'Burglary', figure: Number.POSITIVE_INFINITY }]
    const withNonEnumerableToJson = Object.defineProperty({ name: 'Asha Patel' }, 'toJSON', { value: () => ({}) })
    for (let i = 0; i < 2; i++) {
      assert.match(await renderPage(env, 'page.njk', context({ kpis: [cyclic] })), /<p>Knife crime: 221<\/p>/)
      assert.match(await renderPage(env, 'page.njk', context({ kpis: deep })), /<p>Burglary: Infinity<\/p>/)
      assert.match(await renderPage(env, 'page.njk', context({ person: withNonEnumerableToJson })), /Asha Patel/)
    }
    assert.deepEqual(counts, { rendered: 6, kept: 0 })
    // A Date is its instant: the same instant is the same page.
    const dated = () => context({ title: new Date('2026-12-07T10:00:00Z') })
    await renderPage(env, 'page.njk', dated())
    await renderPage(env, 'page.njk', dated())
    assert.deepEqual(counts, { rendered: 7, kept: 1 })
  })

  it('lets the least recently used pages go beyond its size', async () => {
    const env = environment()
    // Room for two pages of this size: 109 characters each with its key (62 + 47), not three.
    const counts = keepRenderedPages(env, { templates: ['other.njk'], maxCharacters: 250 })
    const page = (title: string) => renderPage(env, 'other.njk', { title: title.padEnd(40, '.') })
    await page('a')
    await page('b')
    await page('a') // kept; now the most recently used
    await page('c') // b goes
    assert.deepEqual(counts, { rendered: 3, kept: 1 })
    await page('a')
    await page('b')
    assert.deepEqual(counts, { rendered: 4, kept: 2 })
  })

  it('gives a page to a callback as its UTF-8 bytes, with each request’s own values, and to a caller as a string', async () => {
    const plain = environment()
    const env = environment()
    keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce', 'csrfToken'] })
    const bytes = (data: object) =>
      new Promise<unknown>((resolve, reject) =>
        env.render('page.njk', data, (error, html: unknown) => (error ? reject(error) : resolve(html))),
      )
    // Characters beyond ASCII (an en dash, a curly apostrophe, one outside the BMP) are encoded once, correctly.
    const title = 'Knife crime – 2017/18, Wolverhampton’s 𝑥'
    for (const [nonce, token] of [
      ['nonce-one', 'token-one'],
      ['nonce-two', 'token-two'],
    ] as const) {
      const page = await bytes(context({ title, cspNonce: nonce, csrfToken: token }))
      assert.ok(Buffer.isBuffer(page), 'a Buffer')
      const expected = await renderPage(plain, 'page.njk', context({ title, cspNonce: nonce, csrfToken: token }))
      assert.ok(page.equals(Buffer.from(expected, 'utf8')), 'byte for byte what rendering gives')
      assert.equal(env.render('page.njk', context({ title, cspNonce: nonce, csrfToken: token })), expected)
    }
  })

  it('keys an unchanging value by its identity: given again it is the same page, another value is another', async () => {
    const env = environment()
    const counts = keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce'] })
    const kpis = unchanging([
      { name: 'Knife crime', figure: '221' },
      { name: 'Burglary', figure: '1,204' },
    ])
    await renderPage(env, 'page.njk', context({ kpis }))
    assert.match(await renderPage(env, 'page.njk', context({ kpis })), /Knife crime: 221/)
    assert.deepEqual(counts, { rendered: 1, kept: 1 })
    // Frozen: it cannot change under the page kept with it.
    assert.throws(() => {
      ;(kpis[0] as { figure: string }).figure = '1,141'
    }, TypeError)
    // Another value (a corrected figure) is another page, as is the same figure as a plain value in the context.
    const corrected = unchanging([
      { name: 'Knife crime', figure: '1,141' },
      { name: 'Burglary', figure: '1,204' },
    ])
    assert.match(await renderPage(env, 'page.njk', context({ kpis: corrected })), /Knife crime: 1,141/)
    assert.match(await renderPage(env, 'page.njk', context({ kpis })), /Knife crime: 221/)
    assert.deepEqual(counts, { rendered: 2, kept: 2 })
    // The rest of the context still decides the page.
    assert.match(
      await renderPage(env, 'page.njk', context({ kpis, person: { name: 'Asha Patel', role: 'viewer' } })),
      /\(viewer\)/,
    )
    assert.deepEqual(counts, { rendered: 3, kept: 2 })
  })

  it('names by identity only plain data: a getter, a Date or a cycle is keyed by content as before', async () => {
    const env = environment()
    const counts = keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce'] })
    let figure = '221'
    const withGetter = unchanging([
      {
        name: 'Knife crime',
        get figure() {
          return figure
        },
      },
    ])
    assert.match(await renderPage(env, 'page.njk', context({ kpis: withGetter })), /Knife crime: 221/)
    figure = '1,141'
    // Keyed by what the getter gives now, so not the page kept for 221.
    assert.match(await renderPage(env, 'page.njk', context({ kpis: withGetter })), /Knife crime: 1,141/)
    assert.deepEqual(counts, { rendered: 2, kept: 0 })
    const dated = unchanging({ name: 'Knife crime', figure: new Date('2026-12-07T10:00:00Z') })
    const rendered = await renderPage(env, 'page.njk', context({ kpis: [dated] }))
    dated.figure.setTime(Date.parse('2026-12-08T10:00:00Z'))
    assert.notEqual(await renderPage(env, 'page.njk', context({ kpis: [dated] })), rendered)
    assert.deepEqual(counts, { rendered: 4, kept: 0 })
    // A cycle: rendered each time and never kept (JSON cannot write it), as without `unchanging`.
    const cyclic: Record<string, unknown> = { name: 'Burglary', figure: '1,204' }
    cyclic.self = cyclic
    const kpis = unchanging([cyclic])
    for (let i = 0; i < 2; i++)
      assert.match(await renderPage(env, 'page.njk', context({ kpis })), /<p>Burglary: 1,204<\/p>/)
    assert.deepEqual(counts, { rendered: 6, kept: 0 })
  })

  it('gives a kept page’s gzip form: unzipped, byte for byte what rendering gives, each request’s values stored as they are', async () => {
    const plain = environment()
    const env = environment()
    keepRenderedPages(env, { templates: ['page.njk', 'edges.njk'], perRequest: ['cspNonce', 'csrfToken'] })
    const bytes = (name: string, data: object) =>
      new Promise<Buffer>((resolve, reject) =>
        env.render(name, data, (error, html: unknown) => (error ? reject(error) : resolve(html as Buffer))),
      )
    // A long page (more than one deflate block), characters beyond ASCII, and values of every size: empty, and one
    // longer than a stored block can hold (65,535 bytes).
    const kpis = Array.from({ length: 2000 }, (_, i) => ({
      name: `KPI ${i} – Wolverhampton’s 𝑥`,
      figure: String(i * 7),
    }))
    for (const [nonce, token] of [
      ['nonce-one', 'token-one'],
      ['', 'token-two'],
      ['n'.repeat(70_000), 't'.repeat(65_535)],
    ] as const) {
      const data = context({ kpis, cspNonce: nonce, csrfToken: token })
      // Asked for in gzip first (the first time: rendered then; after: kept), then as it is.
      for (const round of ['first', 'again']) {
        const gzip = await bytes('page.njk', { ...data, [KEPT_PAGE_IN_GZIP]: true })
        const page = await bytes('page.njk', data)
        assert.ok(!gzip.equals(page) && gzip[0] === 0x1f && gzip[1] === 0x8b, `a gzip form (${round})`)
        // gunzip checks the CRC-32 and the length in the trailer, so a wrong one fails here.
        const unzipped = gunzipSync(gzip)
        assert.ok(unzipped.equals(Buffer.from(await renderPage(plain, 'page.njk', data), 'utf8')), round)
        // The page is compressed; the values are not (stored as they are).
        const values = nonce.length + token.length * 2
        assert.ok(gzip.length < (page.length - values) / 3 + values, `compressed (${gzip.length} of ${page.length})`)
        // The token is in the gzip as it is: never compressed together with the rest of the page (BREACH).
        assert.ok(gzip.includes(Buffer.from(token)), 'the token stored as it is')
      }
    }
    // Markers first and last, and next to each other; a page with no marker at all.
    TEMPLATES['edges.njk'] = '{{ cspNonce }}{{ csrfToken }}<p>{{ title }}</p>{{ csrfToken }}'
    for (const data of [context(), context({ cspNonce: 'nonce-two' }), { title: 'No markers' }]) {
      const gzip = await bytes('edges.njk', { ...data, [KEPT_PAGE_IN_GZIP]: true })
      assert.equal(gunzipSync(gzip).toString('utf8'), await renderPage(plain, 'edges.njk', data))
    }
    delete TEMPLATES['edges.njk']
    // A template whose pages are not kept is rendered as ever, whatever the options ask.
    const other = await new Promise<unknown>((resolve, reject) =>
      env.render('other.njk', { title: 'Other', [KEPT_PAGE_IN_GZIP]: true }, (error, html: unknown) =>
        error ? reject(error) : resolve(html),
      ),
    )
    assert.equal(other, '<p>Other</p>')
  })

  it('sends a kept page gzipped to a client that takes gzip, and as it is to any other; Vary says so', async () => {
    const env = environment()
    keepRenderedPages(env, { templates: ['page.njk'], perRequest: ['cspNonce', 'csrfToken'] })
    const app = express()
    env.express(app)
    app.use(sendRenderedPages())
    let call = 0
    app.get('/kept', (_req, res) => res.render('page.njk', context({ csrfToken: `token-${++call}` })))
    app.get('/other', (_req, res) => res.render('other.njk', { title: 'Other' }))
    // A route that takes the page itself (to print or store it) gets its HTML, never gzip.
    app.get('/own-use', (_req, res) =>
      res.render('page.njk', context({ csrfToken: 'own' }), (error, html: unknown) =>
        error ? res.status(500).end() : res.type('text').send(Buffer.from(html as Buffer).toString('utf8').length),
      ),
    )
    const server = await serveForTest(app)
    // node:http, not fetch: fetch asks for gzip and unzips without saying so.
    const get = (path: string, acceptEncoding?: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }
        request(`${server.base}${path}`, { headers }, (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }))
        })
          .on('error', reject)
          .end()
      })
    try {
      for (const accepted of ['gzip, deflate, br, zstd', 'GZIP', 'br;q=1, gzip;q=0.5', '*']) {
        const { headers, body } = await get('/kept', accepted)
        assert.equal(headers['content-encoding'], 'gzip', accepted)
        assert.equal(headers['vary'], 'Accept-Encoding')
        assert.equal(headers['content-type'], 'text/html; charset=utf-8')
        assert.equal(Number(headers['content-length']), body.length)
        const html = gunzipSync(body).toString('utf8')
        assert.match(html, new RegExp(`value="token-${call}"`))
        assert.match(html, /<p>Burglary: 1,204<\/p>/)
      }
      for (const refused of [undefined, '', 'identity', 'br, deflate', 'gzip;q=0', '*, gzip;q=0']) {
        const { headers, body } = await get('/kept', refused)
        assert.equal(headers['content-encoding'], undefined, String(refused))
        assert.equal(headers['vary'], 'Accept-Encoding')
        assert.match(body.toString('utf8'), new RegExp(`value="token-${call}"`))
      }
      const ownUse = await get('/own-use', 'gzip')
      assert.equal(ownUse.headers['content-encoding'], undefined)
      const plainLength = (await get('/kept')).body.length - `token-${call}`.length + 'own'.length
      assert.equal(ownUse.body.toString('utf8'), String(plainLength))
      const other = await get('/other', 'gzip')
      assert.equal(other.headers['content-encoding'], undefined)
      assert.equal(other.body.toString('utf8'), '<p>Other</p>')
    } finally {
      await server.close()
    }
  })
})
