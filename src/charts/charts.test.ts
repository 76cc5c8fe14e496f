import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { lineChart } from './line-chart.ts'
import { barChart } from './bar-chart.ts'
import { chartId, escapeXml, niceCeiling } from './svg.ts'

// Knife crime by quarter, 2016/17 then 2017/18 (seed report, Appendix C).
const knifeCrime = [40, 49, 51, 51, 49, 49, 56, 67].map((value, i) => ({ label: `Q${(i % 4) + 1}`, value }))

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length

describe('lineChart', () => {
  it('is an image named by its title and described by its desc', () => {
    const svg = lineChart({ id: 'knife-crime', title: 'Knife crime', description: 'Rising', points: knifeCrime })
    assert.match(svg, /^<svg [^>]*role="img"/)
    assert.match(svg, /aria-labelledby="knife-crime-title knife-crime-desc"/)
    assert.match(svg, /<title id="knife-crime-title">Knife crime<\/title>/)
    assert.match(svg, /<desc id="knife-crime-desc">Rising<\/desc>/)
    assert.ok(svg.endsWith('</svg>'))
  })

  it('draws one marker per value and one unbroken line', () => {
    const svg = lineChart({ id: 'k', title: 't', description: 'd', points: knifeCrime })
    assert.equal(count(svg, /<circle /g), 8)
    assert.equal(count(svg, /<path /g), 1)
    assert.equal(count(svg, /d="M/g), 1)
    assert.equal(count(svg, /L\d/g), 7)
  })

  it('places points on a scale from zero to a round ceiling', () => {
    // 360×180 with margins left 48, right 12, top 12, bottom 24: plot 300×144. Max 67 → scale 0–70.
    // First point: x = 48 + 0.5 × 300/8 = 66.75 → 66.8; y = 12 + 144 − 40/70 × 144 = 73.71 → 73.7.
    // Last point: x = 48 + 7.5 × 300/8 = 329.25 → 329.3; y = 156 − 67/70 × 144 = 18.17 → 18.2.
    const svg = lineChart({ id: 'k', title: 't', description: 'd', points: knifeCrime })
    assert.match(svg, /<circle class="app-chart__point" cx="66.8" cy="73.7"/)
    assert.match(svg, /<circle class="app-chart__point" cx="329.3" cy="18.2"/)
    assert.match(svg, />70<\/text>/)
    assert.match(svg, />35<\/text>/)
  })

  it('leaves a gap for a missing value instead of drawing zero', () => {
    // GODOC active gang members: Q4 2016/17 was not reported.
    const points = [31, 31, 35, null, 40, 37, 31, 31].map((value, i) => ({ label: `Q${(i % 4) + 1}`, value }))
    const svg = lineChart({ id: 'godoc', title: 't', description: 'd', points })
    assert.equal(count(svg, /<circle /g), 7)
    assert.equal(count(svg, /M\d/g), 2, 'the line restarts after the gap')
    assert.doesNotMatch(svg, /cy="156"/, 'no point drawn at zero')
  })

  it('draws labelled control limits so they do not depend on colour', () => {
    const svg = lineChart({
      id: 'k',
      title: 't',
      description: 'd',
      points: knifeCrime,
      controlLimits: { mean: 52.75, upper: 75.4, lower: 30.1 },
    })
    assert.equal(count(svg, /class="app-chart__limit"/g), 3)
    assert.match(svg, />Upper limit 75.4<\/text>/)
    assert.match(svg, />Mean 52.8<\/text>/)
    assert.match(svg, />Lower limit 30.1<\/text>/)
    assert.equal(count(svg, /stroke-dasharray/g), 2)
  })

  it('draws another series dashed with open markers, named in a legend, and reference lines labelled', () => {
    const svg = lineChart({
      id: 'k',
      title: 't',
      description: 'd',
      seriesName: '2017/18 <this year>',
      points: knifeCrime.slice(4),
      otherSeries: [{ name: '2016/17', values: [40, null, 51, 51] }],
      referenceLines: [
        { name: 'Baseline', value: 191 },
        { name: 'Target', value: 200 },
      ],
    })
    // Three open markers (the gap is not drawn as zero) and one dashed line broken at the gap: two "M" moves.
    assert.equal(count(svg, /class="app-chart__other-point"/g), 3)
    const other = /class="app-chart__other" d="([^"]+)"/.exec(svg)?.[1] ?? ''
    assert.equal(count(other, /M/g), 2)
    assert.equal(count(svg, /class="app-chart__point"/g), 4)
    assert.equal(count(svg, /class="app-chart__legend"/g), 2)
    assert.match(svg, />2017\/18 &lt;this year&gt;<\/text>/)
    assert.match(svg, />2016\/17<\/text>/)
    assert.equal(count(svg, /class="app-chart__reference"/g), 2)
    assert.match(svg, />Baseline 191<\/text>/)
    assert.match(svg, />Target 200<\/text>/)
    // The scale reaches the highest reference line, so the target is inside the plot: 200 is a round ceiling.
    assert.match(svg, />200<\/text>/)
  })

  it('labels the years under the axis', () => {
    const svg = lineChart({
      id: 'k',
      title: 't',
      description: 'd',
      points: knifeCrime,
      bands: [
        { label: '2016/17', from: 0, to: 3 },
        { label: '2017/18', from: 4, to: 7 },
      ],
    })
    assert.match(svg, />2016\/17<\/text>/)
    assert.match(svg, />2017\/18<\/text>/)
  })

  it('escapes every text that came from data', () => {
    const evil = '<script>alert(1)</script>'
    const svg = lineChart({
      id: '"><script>',
      title: evil,
      description: `${evil} & "quotes"`,
      points: [{ label: evil, value: 3 }],
      bands: [{ label: evil, from: 0, to: 0 }],
    })
    assert.doesNotMatch(svg, /<script/)
    assert.match(svg, /<title id="script-title">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/)
    assert.match(svg, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;quotes&quot;/)
  })

  it('draws nothing but the frame when there are no values', () => {
    const svg = lineChart({ id: 'k', title: 't', description: 'No values', points: [{ label: 'Q1', value: null }] })
    assert.equal(count(svg, /<circle /g), 0)
    assert.equal(count(svg, /<path /g), 0)
  })
})

describe('barChart', () => {
  it('draws one labelled bar per value, with the value printed', () => {
    const svg = barChart({
      id: 'outcomes',
      title: 'Outcomes',
      description: '12 achieved, 9 not achieved',
      bars: [
        { label: 'Achieved', value: 12 },
        { label: 'Not achieved', value: 9 },
        { label: 'Insufficient data', value: 0 },
      ],
    })
    assert.match(svg, /role="img"/)
    assert.match(svg, /aria-labelledby="outcomes-title outcomes-desc"/)
    assert.match(svg, /<desc id="outcomes-desc">12 achieved, 9 not achieved<\/desc>/)
    assert.equal(count(svg, /class="app-chart__bar"/g), 3)
    // Plot width 360 − 140 − 48 = 172; scale 0–12: the 12 bar is 172 wide, the 9 bar 129.
    assert.match(svg, /width="172" height="18"/)
    assert.match(svg, /width="129" height="18"/)
    assert.match(svg, />Not achieved<\/text>/)
    assert.match(svg, />9<\/text>/)
  })

  it('escapes labels', () => {
    const svg = barChart({
      id: 'x',
      title: '<b>',
      description: '<i>',
      bars: [{ label: '<script>alert(1)</script>', value: 1 }],
    })
    assert.doesNotMatch(svg, /<script|<b>|<i>/)
    assert.match(svg, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  })
})

describe('svg helpers', () => {
  it('escapes the five XML specials and drops characters XML forbids', () => {
    assert.equal(escapeXml(`a&b<c>d"e'f\u0001g`), 'a&amp;b&lt;c&gt;d&quot;e&#39;fg')
  })
  it('makes ids safe for attributes', () => {
    assert.equal(chartId('knife-crime'), 'knife-crime')
    assert.equal(chartId('a b/c"d'), 'a-b-c-d')
    assert.equal(chartId('123'), 'chart-123')
  })
  it('rounds axis ceilings up to a round number', () => {
    assert.equal(niceCeiling(67), 70)
    assert.equal(niceCeiling(221), 250)
    assert.equal(niceCeiling(1), 1)
    assert.equal(niceCeiling(0), 1)
    assert.equal(niceCeiling(6251), 7000)
  })
})
