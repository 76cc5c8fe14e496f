import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { DocumentBlock, DocumentSection, PrintableDocument, TextRun } from './document.ts'
import { assertSafeChartSvg, documentHtml, safeHref, withAlternativeText } from './document-html.ts'
import { sampleDocument } from './testing/sample-document.ts'

/** Decodes the five entities the HTML uses, independently of the code under test. */
function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

/** Every tag in the HTML as its name and its attributes' names: the document's shape without any of its text. */
function shape(html: string): string[] {
  const tags: string[] = []
  for (const match of html.matchAll(
    /<(\/?[A-Za-z][A-Za-z0-9]*)((?:\s+[A-Za-z:-]+(?:="[^"]*")?)*)\s*\/?>|<!DOCTYPE html>|</g,
  )) {
    if (match[0] === '<') {
      tags.push('stray <')
      continue
    }
    const names = [...(match[2] ?? '').matchAll(/\s+([A-Za-z:-]+)(?:="[^"]*")?/g)].map((m) => m[1])
    tags.push(`${match[1] ?? match[0]}(${names.join(',')})`)
  }
  return tags
}

const plain = (text: string): TextRun[] => [{ text }]

/** Any text, and text made of the pieces markup is made of, so that a tag or an attribute's end is tried often. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .array(fc.constantFrom('<', '>', '"', "'", '&', '/', '=', ' ', 'x', 'script', 'svg', 'amp;', '\u0000', '\n'), {
      maxLength: 12,
    })
    .map((pieces) => pieces.join('')),
)

function documentWithTexts(text: (slot: string) => string): PrintableDocument {
  const chartSvg =
    '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="c-title c-desc" viewBox="0 0 10 10">' +
    '<title id="c-title">Chart</title><desc id="c-desc">Desc</desc><rect x="0" y="0" width="5" height="5"/></svg>'
  return {
    title: text('title'),
    language: 'en-GB',
    subtitle: text('subtitle'),
    author: text('author'),
    watermark: text('watermark'),
    sections: [
      {
        heading: text('heading'),
        level: 1,
        anchor: 'first',
        blocks: [
          {
            kind: 'paragraph',
            runs: [
              { text: text('run'), bold: true },
              { text: text('run2'), italic: true },
            ],
          },
          { kind: 'list', ordered: true, items: [plain(text('item'))] },
          { kind: 'table', caption: text('caption'), head: [text('head')], rows: [[text('cell'), text('cell2')]] },
          {
            kind: 'chart',
            svg: chartSvg,
            alt: text('alt'),
            summary: text('summary'),
            table: { caption: text('chart caption'), head: [text('x')], rows: [[text('y')]] },
          },
          { kind: 'note', title: text('note title'), runs: plain(text('note')) },
        ],
        sections: [{ heading: text('sub'), level: 2, blocks: [] }],
      },
    ],
  }
}

describe('the standalone HTML', () => {
  const doc = sampleDocument({ chapters: 2, tables: 2, charts: 2, paragraphsPerChapter: 1 })
  const html = documentHtml(doc)

  it('is one British English page with its title, a single h1 and the headings by level', () => {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en-GB">/)
    assert.match(html, /<title>Safer Wolverhampton Partnership annual report 2017\/18<\/title>/)
    const headings = [...html.matchAll(/<h([1-6])[^>]*>([^<]*)<\/h\1>/g)].map((m) => `h${m[1]} ${m[2]}`)
    // From the sample: the title, the contents, then per chapter (level 1 → h2) its two parts (h3) and "Sources" (h4).
    assert.deepEqual(headings, [
      'h1 Safer Wolverhampton Partnership annual report 2017/18',
      'h2 Contents',
      'h2 1. Reducing violence and knife crime',
      'h3 What we did',
      'h3 How we know',
      'h4 Sources',
      'h2 2. Tackling domestic violence and abuse',
      'h3 What we did',
      'h3 How we know',
      'h4 Sources',
    ])
  })

  it('lists the contents with links to anchors that exist, each unique', () => {
    const contents = html.slice(html.indexOf('<nav class="contents"'), html.indexOf('</nav>'))
    const links = [...contents.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]])
    assert.equal(links.length, 8)
    assert.deepEqual(
      links.map((l) => l[1]),
      headingsOf(doc.sections),
    )
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])
    assert.equal(new Set(ids).size, ids.length, 'ids are unique')
    for (const [anchor] of links) assert.ok(ids.includes(anchor), `#${anchor} exists`)
  })

  it('gives tables a caption and headers with their scope, figures right-aligned', () => {
    assert.equal((html.match(/<table>/g) ?? []).length, 4, 'two tables and two charts’ data tables')
    assert.equal((html.match(/<caption>/g) ?? []).length, 4)
    assert.match(html, /<caption>Table 1: Reducing violence and knife crime, outturn by measure<\/caption>/)
    assert.match(html, /<thead><tr><th scope="col">Measure<\/th><th scope="col" class="numeric">Baseline<\/th>/)
    assert.match(html, /<tr><th scope="row">Measure 1\.1<\/th><td class="numeric">/)
  })

  it('inlines each chart’s SVG named by its alternative text, with its summary and data table', () => {
    const charts = doc.sections.flatMap((s) => blocksOf(s)).filter((b) => b.kind === 'chart')
    assert.equal(charts.length, 2)
    for (const chart of charts) {
      const start = html.indexOf(`<svg role="img" aria-label="${chart.alt}"`)
      assert.ok(start > 0, `the chart "${chart.alt}" is inline with its alternative text`)
      const after = html.slice(start)
      assert.ok(after.indexOf(`<p class="chart__summary">${chart.summary}</p>`) > after.indexOf('</svg>'))
      assert.ok(after.includes(`<caption>${chart.table.caption}</caption>`))
      // The chart's own accessible name is replaced, not doubled.
      assert.doesNotMatch(after.slice(0, after.indexOf('>')), /aria-labelledby/)
    }
  })

  it('has notes, lists, links, print styles with page breaks, and no script or request', () => {
    assert.match(html, /<aside class="note"><p class="note__title"><strong>Case study<\/strong><\/p>/)
    assert.match(html, /<ul>\n<li>Agree the year’s priorities with the board<\/li>/)
    assert.match(html, /<a href="https:\/\/data.police.uk\/">data.police.uk<\/a>/)
    assert.match(html, /@media print \{[^]*section\.chapter, \.contents \{ break-before: page; \}/)
    assert.match(html, /@page \{ size: A4;/)
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|\ssrc=|@import|url\(/i)
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/)
  })

  it('never lets a level skip, and keeps nested sections below their parent', () => {
    const skipping: PrintableDocument = {
      title: 'T',
      language: 'en-GB',
      sections: [
        { heading: 'Deep first', level: 3, blocks: [] },
        {
          heading: 'Child at chapter level',
          level: 1,
          blocks: [],
          sections: [{ heading: 'Nested', level: 1, blocks: [] }],
        },
      ],
    }
    const headings = [...documentHtml(skipping).matchAll(/<(h[1-6])[^>]*>([^<]*)</g)].map((m) => `${m[1]} ${m[2]}`)
    assert.deepEqual(headings, ['h1 T', 'h2 Contents', 'h2 Deep first', 'h2 Child at chapter level', 'h3 Nested'])
  })

  it('lets no text inject markup: the shape of the page does not depend on any text in it', () => {
    const reference = shape(documentHtml(documentWithTexts(() => 'x')))
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('title', 'heading', 'run', 'run2', 'cell', 'alt', 'caption', 'note'),
          hostileText,
        ),
        hostileText,
        (texts, other) => {
          const html = documentHtml(documentWithTexts((slot) => texts[slot] ?? other))
          assert.deepEqual(shape(html), reference)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('keeps the text itself, only escaped (less the characters XML forbids)', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = documentHtml({
          title: 'T',
          language: 'en-GB',
          sections: [{ heading: 'H', level: 1, blocks: [{ kind: 'paragraph', runs: [{ text }] }] }],
        })
        const paragraph = /<p>([^]*?)<\/p>/.exec(html)?.[1] ?? ''
        // eslint-disable-next-line no-control-regex
        assert.equal(decode(paragraph), text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''))
      }),
      { numRuns: 300 },
    )
  })

  it('links only to http(s), mailto and anchors in the document; anything else is plain text', () => {
    assert.equal(safeHref('javascript:alert(1)'), null)
    assert.equal(safeHref('data:text/html,<script>'), null)
    assert.equal(safeHref('/relative/request'), null)
    assert.equal(safeHref('https://example.org/a"onmouseover="x'), null)
    assert.equal(safeHref('#section-2'), '#section-2')
    assert.equal(safeHref('mailto:csp@wolverhampton.gov.uk'), 'mailto:csp@wolverhampton.gov.uk')
    fc.assert(
      fc.property(fc.string(), (href) => {
        const html = documentHtml({
          title: 'T',
          language: 'en-GB',
          sections: [
            { heading: 'H', level: 1, anchor: 'h', blocks: [{ kind: 'paragraph', runs: [{ text: 'link', href }] }] },
          ],
        })
        for (const m of html.matchAll(/<a href="([^"]*)"/g)) {
          const target = decode(m[1] ?? '')
          assert.ok(/^(?:https?:\/\/|mailto:|#)/.test(target) && !/[\s<>"']/.test(target), target)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('refuses a chart whose SVG could run script or fetch something', () => {
    for (const svg of [
      '<svg><script>alert(1)</script></svg>',
      '<svg onload="alert(1)"></svg>',
      '<svg><image href="https://tracker.example/x.png"/></svg>',
      '<svg><rect fill="url(https://x.example/#a)"/></svg>',
      '<div>not a chart</div>',
      '<svg></svg><script>alert(1)</script><svg></svg>',
    ]) {
      assert.throws(() => assertSafeChartSvg(svg), /A chart/, svg)
    }
    assert.equal(
      withAlternativeText(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="a b"><title id="a">T</title></svg>',
        'Bars "1" & 2',
      ),
      '<svg role="img" aria-label="Bars &quot;1&quot; &amp; 2" xmlns="http://www.w3.org/2000/svg"><title id="a">T</title></svg>',
    )
  })
})

function headingsOf(sections: readonly DocumentSection[]): string[] {
  return sections.flatMap((s) => [s.heading, ...headingsOf(s.sections ?? [])])
}

function blocksOf(section: DocumentSection): DocumentBlock[] {
  return [...section.blocks, ...(section.sections ?? []).flatMap(blocksOf)]
}
