import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import nunjucks from 'nunjucks'
import { keepRenderedPages } from './kept-pages.ts'

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

/** Renders as Express does (with a callback). */
function renderPage(env: nunjucks.Environment, name: string, data: object): Promise<string> {
  return new Promise((resolve, reject) =>
    env.render(name, data, (error, html) => (error ? reject(error) : resolve(html ?? ''))),
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
})
