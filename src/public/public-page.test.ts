import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { summariseReport } from '../domain/kpi-summary.ts'

/**
 * The public page as a board member reads it (issue 9: "6,000 pixels of identical blocks"), and one number format on
 * every page that prints figures. The markup is read with the small helpers below (the pages are server-rendered and
 * well formed: every element this reads is closed).
 */

/** The element whose opening tag matches `open` (a regular expression over the tag), with everything inside it. */
function elements(html: string, open: RegExp): string[] {
  const found: string[] = []
  const pattern = new RegExp(open.source, 'g')
  for (const match of html.matchAll(pattern)) {
    const start = match.index
    const name = /^<([a-z0-9]+)/i.exec(match[0])?.[1]
    if (name === undefined) continue
    const tags = new RegExp(`<(/?)${name}\\b[^>]*>`, 'gi')
    tags.lastIndex = start
    let depth = 0
    for (let tag = tags.exec(html); tag !== null; tag = tags.exec(html)) {
      depth += tag[1] === '/' ? -1 : 1
      if (depth === 0) {
        found.push(html.slice(start, tag.index + tag[0].length))
        break
      }
    }
  }
  return found
}

/**
 * The text a reader meets, accessible names included; people's own words (commentary, quoted notes, the KPI's
 * definition as the partnership typed it) left out: the format rule is for figures the system prints.
 */
function generatedText(html: string): string {
  let page = html.replace(/<(script|style)\b[^]*?<\/\1>/gi, ' ')
  for (const cls of [
    'app-commentary',
    'app-kpi__owner-commentary',
    'govuk-warning-text',
    'app-kpi__note',
    'app-kpi__definition',
  ])
    for (const element of elements(page, new RegExp(`<[a-z0-9]+ [^>]*class="[^"]*\\b${cls}\\b[^"]*"[^>]*>`)))
      page = page.replace(element, ' ')
  page = page.replace(/aria-label="([^"]*)"/g, '>$1<')
  return page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

/** What breaks the one number format in a page's text: percentages, p-values and counts printed another way. */
function mixedFormats(text: string): string[] {
  const problems: string[] = []
  for (const m of text.matchAll(/[\d,]*\d(?:\.\d+)?%/g))
    if (!/^[\d,]*\d\.\d%$/.test(m[0])) problems.push(`percentage not to one decimal place: "${m[0]}"`)
  for (const m of text.matchAll(/p\s*([=<])\s*(\d+(?:\.\d+)?)/g)) {
    const [whole, sign, digits] = m as unknown as [string, string, string]
    const ok =
      (sign === '<' && digits === '0.001') ||
      (sign === '=' && /^\d\.\d{3}$/.test(digits)) ||
      // The one exception: a p below 0.05 that three places would print as 0.050 (src/domain/rounding.ts).
      (sign === '=' && /^0\.04\d\d$/.test(digits))
    if (!ok) problems.push(`p-value not to three places: "${whole}"`)
  }
  // A count of 1,000 or more without its thousands separator. Years (1990 to 2099) are not counts.
  for (const m of text.matchAll(/(?<![\d,.\w/-])\d{4,}(?![\d/%-])/g))
    if (!(Number(m[0]) >= 1990 && Number(m[0]) <= 2099)) problems.push(`count without separators: "${m[0]}"`)
  return problems
}

describe('mixedFormats (the checker itself)', () => {
  it('finds the mixtures issue 9 reported, and passes the one format', () => {
    assert.deepEqual(mixedFormats('9% here, 9.0% there; p = 0.01 beside p = 0.014; 1495 offences'), [
      'percentage not to one decimal place: "9%"',
      'p-value not to three places: "p = 0.01"',
      'count without separators: "1495"',
    ])
    assert.deepEqual(mixedFormats('9.0% (1,495/16,610) in 2017/18, p = 0.014, p < 0.001, 2024'), [])
  })
})

describe('the published pages', () => {
  let app: RunningApp
  let publicPage: string
  before(async () => {
    app = await startDemoApp()
    const response = await new TestBrowser(app.base).get('/')
    assert.equal(response.status, 200)
    publicPage = await response.text()
  })
  after(async () => {
    await app.stop()
  })

  it('leads with a summary in plain words that counts as the report and the dashboard do', async () => {
    const report = await (await onlyPartnership(app.services)).reports.performance.report('FY2017-18')
    assert.ok(report)
    const summary = summariseReport(report)
    const [block] = elements(publicPage, /<div id="public-summary">/)
    assert.ok(block, 'a summary block')
    const text = generatedText(block)
    assert.match(text, new RegExp(`Of ${summary.kpis} KPIs in 2017/18, ${summary.outcomes.achieved} achieved`))
    assert.match(text, new RegExp(`${summary.outcomes['not-achieved']} did not`))
    // Each real improvement and deterioration is named (the report's own significance readings).
    const rows = report.themes.flatMap((t) => t.rows)
    const real = rows.filter((r) => r.significance?.significant === true && r.preferredDirection !== 'none')
    assert.ok(real.length > 0, 'the demo year has real changes')
    for (const row of real) assert.ok(text.includes(row.indicator.name), `names ${row.indicator.name}`)
    // It comes before the first KPI.
    assert.ok(publicPage.indexOf('id="public-summary"') < publicPage.indexOf('class="app-kpi"'))
  })

  it('has a contents list of the themes, each a heading over its KPIs, each KPI with a table and a chart', async () => {
    const report = await (await onlyPartnership(app.services)).reports.performance.report('FY2017-18')
    assert.ok(report)
    const [contents] = elements(publicPage, /<nav [^>]*id="public-contents"[^>]*>/)
    assert.ok(contents, 'a contents list')
    const themeLinks = [...contents.matchAll(/<li><a class="govuk-link" href="#(theme-\d+)">([^<]+)<\/a>/g)]
    assert.deepEqual(
      themeLinks.map((m) => m[2]),
      report.themes.map((t) => t.theme.replace(/&/g, '&amp;')),
    )
    for (const [, anchor, theme] of themeLinks) {
      const [section] = elements(publicPage, new RegExp(`<section class="app-theme" id="${anchor}"`))
      assert.ok(section, `section ${anchor}`)
      assert.match(section, new RegExp(`<h2 class="govuk-heading-l" id="${anchor}-heading">${theme}</h2>`))
      const kpis = elements(section, /<section class="app-kpi" /)
      const expected: number | undefined = report.themes.find((t) => t.theme.replace(/&/g, '&amp;') === theme)?.rows
        .length
      assert.equal(kpis.length, expected)
      for (const kpi of kpis) {
        assert.match(kpi, /<table class="govuk-table"[^]*<caption/)
        // Every chart names itself and describes its figures in words.
        for (const svg of elements(kpi, /<svg /)) {
          if (/class="app-chart"/.test(svg)) {
            assert.match(svg, /role="img"/)
            assert.match(svg, /<title id="[^"]+">[^<]+<\/title><desc id="[^"]+">[^<]+<\/desc>/)
          }
        }
      }
    }
    const charts = elements(publicPage, /<svg [^>]*class="app-chart"/)
    assert.ok(charts.length > report.themes.length, 'charts beside the tables')
  })

  it('shows outcomes in the report’s colours and always in words', () => {
    assert.match(publicPage, /<strong class="govuk-tag govuk-tag--green">Achieved<\/strong>/)
    assert.match(publicPage, /<strong class="govuk-tag govuk-tag--red">Not achieved<\/strong>/)
    // Never a coloured tag without words in it.
    assert.doesNotMatch(publicPage, /<strong class="govuk-tag[^"]*">\s*<\/strong>/)
    assert.doesNotMatch(publicPage, /Trend: neutral/)
  })

  it('prints one number format on the public page, the report page and the dashboard', async () => {
    const viewer = await app.signedIn('viewer')
    const pages = {
      public: publicPage,
      report: await (await viewer.get('/reports/performance/2017-18')).text(),
      dashboard: await (await viewer.get('/dashboard')).text(),
    }
    for (const [name, html] of Object.entries(pages)) {
      const text = generatedText(html)
      assert.ok(text.length > 5000, `${name} rendered`)
      assert.deepEqual(mixedFormats(text), [], `${name} page`)
      // Something of each kind was checked: percentages and grouped counts are on every page.
      assert.match(text, /\d\.\d%/)
      assert.match(text, /\d,\d{3}/)
    }
    assert.match(generatedText(pages.report), /p = \d\.\d{3}/)
  })
})
