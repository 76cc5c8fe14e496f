import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createNunjucksEnvironment } from '../shared/web/nunjucks-setup.ts'
import { formatPValue, performanceReportStandaloneHtml } from './html.ts'
import { fixtureReport, hostileRow, knifeCrime } from './fixture-report.ts'

const env = createNunjucksEnvironment()
const html = performanceReportStandaloneHtml(env, fixtureReport())
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length
const squash = (text: string) => text.replace(/\s+/g, ' ')

describe('standalone HTML report', () => {
  it('is one self-contained page: inlined styles, no script, nothing fetched from elsewhere', () => {
    assert.match(html, /^<!DOCTYPE html>/)
    assert.match(html, /<html lang="en"/)
    assert.equal(count(html, /<style>/g), 1)
    assert.doesNotMatch(html, /<script/i)
    assert.doesNotMatch(html, /<link /i)
    assert.doesNotMatch(html, /\ssrc=/i)
    assert.doesNotMatch(html, /url\(/i)
    assert.doesNotMatch(html, /GDS Transport/)
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/,
    )
  })

  it('carries the partnership, the year and the licence', () => {
    assert.match(html, /<title>Performance report 2017\/18 – Safer Wolverhampton Partnership<\/title>/)
    assert.match(html, /<h1 class="govuk-heading-xl">Performance report 2017\/18<\/h1>/)
    assert.ok(html.includes('Contains public sector information licensed under the Open Government Licence v3.0'))
    const body = html.slice(html.indexOf('</head>'))
    assert.doesNotMatch(body, /crown|govuk-logo|govuk-header__logotype/i)
    assert.doesNotMatch(body, /GOV\.UK/)
  })

  it('has one h2 per theme, in the report’s order, and one h3 per KPI', () => {
    const themes = [...html.matchAll(/<h2 class="govuk-heading-l app-theme" id="theme-\d">([^<]*)<\/h2>/g)].map(
      (m) => m[1],
    )
    assert.deepEqual(themes, ['Reducing Reoffending', 'Gangs and Youth Crime', 'Violence Against Women and Girls'])
    assert.equal(count(html, /<h3 /g), 5)
  })

  it('prints the summary counts', () => {
    const summary = squash(html.slice(html.indexOf('Outcomes in 2017/18'), html.indexOf('All KPIs at a glance')))
    // Fixture: achieved = youth custody, domestic abuse; not achieved = knife crime; insufficient = reoffending, GODOC.
    assert.match(summary, /Achieved<\/th>\s*<td [^>]*>2<\/td>/)
    assert.match(summary, /Not achieved<\/th>\s*<td [^>]*>1<\/td>/)
    assert.match(summary, /Insufficient data<\/th>\s*<td [^>]*>2<\/td>/)
    assert.match(summary, /All KPIs<\/th>\s*<td [^>]*>5<\/td>/)
    assert.match(
      squash(html),
      /<strong>1<\/strong> is likely to be real and <strong>2<\/strong> are within normal variation/,
    )
  })

  it('shows knife crime as the figures give it: 191 → 221 is +15.7%, not the 16.5% the report printed', () => {
    const section = squash(
      html.slice(html.indexOf('id="kpi-knife-crime"'), html.indexOf('id="kpi-godoc-active-gang-members"')),
    )
    assert.match(section, /<strong class="govuk-tag govuk-tag--red">Not achieved<\/strong>/)
    assert.match(section, /2017\/18: <strong>221<\/strong>, \+30 \(\+15\.7%\) on the baseline of 191/)
    assert.match(section, /within normal variation \(p = 0\.153, exact test of two counts\)/)
    assert.match(section, /Rising over the last 8 quarters/)
    assert.match(section, /Next year’s baseline<\/dt> <dd [^>]*>221<\/dd>/)
    assert.match(section, /Data owner<\/dt> <dd [^>]*>SWP Analyst<\/dd>/)
    assert.doesNotMatch(html, /16\.5%/)
  })

  it('gives each KPI a real data table: caption, column and row headers, both years, the year’s total', () => {
    const section = squash(
      html.slice(html.indexOf('id="kpi-knife-crime"'), html.indexOf('id="kpi-godoc-active-gang-members"')),
    )
    assert.match(
      section,
      /<caption class="govuk-table__caption govuk-table__caption--s" id="kpi-knife-crime-table-caption">Figures by period<span class="govuk-visually-hidden">: Reduce the number of violent crimes[^<]*<\/span>, 2016\/17 and 2017\/18<\/caption>/,
    )
    assert.match(section, /<th scope="col" class="govuk-table__header govuk-table__header--numeric">2016\/17<\/th>/)
    const rows = [
      ...section.matchAll(
        /<th scope="row" class="govuk-table__header">([^<]*)<\/th>\s*<td [^>]*>\s*([^<]*?)\s*<\/td> <td [^>]*>\s*([^<]*?)\s*<\/td>/g,
      ),
    ].map((m) => [m[1], m[2], m[3]])
    assert.deepEqual(rows, [
      ['Quarter 1', '40', '49'],
      ['Quarter 2', '49', '49'],
      ['Quarter 3', '51', '56'],
      ['Quarter 4', '51', '67'],
      ['Year', '191', '221'],
    ])
  })

  it('says why a figure is missing instead of printing zero', () => {
    const section = squash(
      html.slice(html.indexOf('id="kpi-proven-reoffending"'), html.indexOf('id="kpi-youth-custody"')),
    )
    assert.match(
      section,
      /not available <span class="app-kpi__reason">MOJ website does not have an update for Q4<\/span>/,
    )
    assert.match(section, /<strong class="govuk-tag govuk-tag--yellow">Insufficient data<\/strong>/)
    assert.match(section, /incomplete: 3 of 4 periods reported/)
  })

  it('draws a chart per KPI with figures, each an image with a title and a text description', () => {
    assert.equal(count(html, /<svg [^>]*role="img"/g), 6, 'five KPIs and the summary')
    assert.match(html, /<svg [^>]*aria-labelledby="kpi-knife-crime-chart-title kpi-knife-crime-chart-desc"/)
    assert.match(
      html,
      /<desc id="kpi-knife-crime-chart-desc">Rising over the last 8 quarters \(about 3 offences a quarter\)\. 2016\/17: Quarter 1 40, Quarter 2 49, Quarter 3 51, Quarter 4 51\. 2017\/18: Quarter 1 49, Quarter 2 49, Quarter 3 56, Quarter 4 67\.<\/desc>/,
    )
    // GODOC: Q4 2016/17 not collected, so 7 points, not 8.
    const godoc = html.slice(html.indexOf('id="kpi-godoc-active-gang-members-chart-title"'))
    assert.equal(count(godoc.slice(0, godoc.indexOf('</svg>')), /<circle /g), 7)
  })

  it('opens the definitions in the standalone file, so they print', () => {
    assert.equal(count(html, /<details class="govuk-details app-kpi__definition" open>/g), 5)
  })

  it('prints the owner’s commentary and the generated commentary', () => {
    assert.match(html, /The indicator did not achieve its desired outcome by reducing\./)
    assert.match(
      html,
      /This indicator has increased by 30 offences \(15\.7%\), from 191 to 221, against the preferred direction\./,
    )
  })

  it('escapes script in every text from the data', () => {
    const evil = '<script>alert(1)</script>'
    const page = performanceReportStandaloneHtml(
      env,
      fixtureReport([hostileRow({ name: evil, commentary: `"><img src=x onerror=alert(2)>`, theme: evil })]),
    )
    assert.doesNotMatch(page, /<script/i)
    assert.doesNotMatch(page, /<img/i)
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
    assert.ok(
      page.includes('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;') ||
        page.includes('&#34;&gt;&lt;img src=x onerror=alert(2)&gt;'),
    )
  })
})

describe('KPI chart with a long history', () => {
  it('draws the series of the row’s control limits, with those limits, once there are 13 points or more', () => {
    // 16 quarters alternating 10 and 14: mean 12, every moving range 4 (none screened), so the limits are
    // 12 ± 2.66 × 4 = 1.36 and 22.64 (worked by hand); the renderer draws what the model carries.
    const points = Array.from({ length: 16 }, (_, i) => ({
      period: `FY${2014 + Math.floor(i / 4)}-${String((15 + Math.floor(i / 4)) % 100).padStart(2, '0')}-Q${(i % 4) + 1}`,
      value: i % 2 === 0 ? 10 : 14,
    }))
    const control = { mean: 12, lower: 1.36, upper: 22.64, meanMovingRange: 4, screenedMovingRanges: 0, signals: [] }
    const row = {
      ...knifeCrime,
      control: { ...control, periods: points.map((p) => p.period), values: points.map((p) => p.value) },
    }
    const page = performanceReportStandaloneHtml(env, { ...fixtureReport(), themes: [{ theme: 'T', rows: [row] }] })
    const chart = page.slice(page.indexOf('<svg', page.indexOf('id="kpi-knife-crime"')))
    const svg = chart.slice(0, chart.indexOf('</svg>'))
    assert.equal(count(svg, /<circle /g), 16)
    assert.equal(count(svg, /class="app-chart__limit"/g), 3)
    assert.match(svg, />Upper limit 22\.6<\/text>/)
    assert.match(svg, />Mean 12<\/text>/)
    assert.match(svg, />Lower limit 1\.4<\/text>/)
    for (const year of ['2014/15', '2015/16', '2016/17', '2017/18']) assert.match(svg, new RegExp(`>${year}</text>`))
    assert.match(svg, /16 points from 2014\/15 Q1 to 2017\/18 Q4; mean 12, control limits 1\.4 to 22\.6/)
  })

  it('keeps the two-year chart with fewer than 13 points', () => {
    assert.doesNotMatch(html, /class="app-chart__limit"/)
  })
})

describe('formatPValue', () => {
  it('writes p-values to three places, as every other output does', () => {
    assert.equal(formatPValue(0.153), 'p = 0.153')
    // Two places printed this real change (p < 0.05) as "p = 0.05"; three keep it on the right side.
    assert.equal(formatPValue(0.0475), 'p = 0.048')
    assert.equal(formatPValue(0.003), 'p = 0.003')
    assert.equal(formatPValue(0.0002), 'p < 0.001')
  })
})
