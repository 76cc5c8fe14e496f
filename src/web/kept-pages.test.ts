import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import nunjucks from 'nunjucks'
import { keepRenderedPages } from './kept-pages.ts'
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
})
