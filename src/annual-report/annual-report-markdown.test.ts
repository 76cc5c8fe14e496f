import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { figureKeysIn, parseInline, parseSafeMarkdown, runsHtml, type InlineRun } from './annual-report-markdown.ts'
import type { TextRun } from '../documents/document.ts'

const textOf = (runs: readonly InlineRun[]) => runs.map((r) => ('figure' in r ? `{${r.figure}}` : r.text)).join('')
const asText = (runs: readonly InlineRun[]): TextRun[] => runs.map((r) => ('figure' in r ? { text: r.figure } : r))

describe('the safe Markdown subset', () => {
  it('reads paragraphs, headings, bulleted and numbered lists', () => {
    const blocks = parseSafeMarkdown(
      '### Substance misuse\nRecovery Near You were\nrecommissioned.\n\n- one\n- two\n  continued\n\n1. first\n2. second',
    )
    assert.deepEqual(blocks, [
      { kind: 'heading', runs: [{ text: 'Substance misuse' }] },
      { kind: 'paragraph', runs: [{ text: 'Recovery Near You were recommissioned.' }] },
      { kind: 'list', ordered: false, items: [[{ text: 'one' }], [{ text: 'two continued' }]] },
      { kind: 'list', ordered: true, items: [[{ text: 'first' }], [{ text: 'second' }]] },
    ])
  })

  it('reads bold, italic, safe links and figure references inside a line', () => {
    assert.deepEqual(
      parseInline('Waiting time down from **3 weeks** to *7 days*, see [the site](https://example.org/a).'),
      [
        { text: 'Waiting time down from ' },
        { text: '3 weeks', bold: true },
        { text: ' to ' },
        { text: '7 days', italic: true },
        { text: ', see ' },
        { text: 'the site', href: 'https://example.org/a' },
        { text: '.' },
      ],
    )
    assert.deepEqual(parseInline('Knife crime: {{figure:kpi:VP01:outturn:FY2017-18}} offences'), [
      { text: 'Knife crime: ' },
      { figure: 'kpi:VP01:outturn:FY2017-18' },
      { text: ' offences' },
    ])
    assert.deepEqual(figureKeysIn('{{figure:a:b}} and {{figure:c}} and {{figure:a:b}}'), ['a:b', 'c'])
  })

  it('keeps a link to any other scheme, and raw HTML, as the text it is', () => {
    assert.deepEqual(parseInline('[click](javascript:alert(1))'), [{ text: '[click](javascript:alert(1))' }])
    assert.deepEqual(parseInline('<script>alert(1)</script>'), [{ text: '<script>alert(1)</script>' }])
    assert.equal(
      runsHtml(asText(parseInline('<b onmouseover="x">hi</b> **bold**'))),
      '&lt;b onmouseover=&quot;x&quot;&gt;hi&lt;/b&gt; <strong>bold</strong>',
    )
    assert.equal(
      runsHtml([{ text: 'mail', href: 'mailto:a@b.org' }]),
      '<a class="govuk-link" href="mailto:a@b.org">mail</a>',
    )
  })

  it('never lets a tag of the input through to the HTML, whatever the input', () => {
    const tagName = fc.constantFrom('script', 'img', 'a', 'strong', 'em', 'iframe', 'svg', 'p', 'style')
    const tag = fc
      .tuple(tagName, fc.string({ maxLength: 12 }), fc.boolean())
      .map(([name, attrs, closing]) => (closing ? `</${name}>` : `<${name} ${attrs}>`))
    const piece = fc.oneof(
      tag,
      fc.string({ maxLength: 10 }),
      fc.constantFrom('**', '*', '[x](', ')', 'https://e.org/"><script>', '\n', '\n\n', '- ', '### ', '{{figure:k}}'),
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const input = pieces.join('')
        const html = parseSafeMarkdown(input)
          .map((b) => (b.kind === 'list' ? b.items.map((i) => runsHtml(asText(i))).join('') : runsHtml(asText(b.runs))))
          .join('')
        // Only our own markup: <strong>, <em>, <a class="govuk-link" href="…"> with an http(s)/mailto address.
        for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
          assert.ok(
            ['strong', 'em', 'a'].includes(m[1] as string),
            `unexpected tag ${m[0]} from ${JSON.stringify(input)}`,
          )
          if (m[1] === 'a' && !m[0].startsWith('</'))
            assert.match(m[2] as string, /^ class="govuk-link" href="(?:https?:\/\/|mailto:)[^"<>]*"$/)
        }
      }),
      { numRuns: 500 },
    )
  })

  it('loses no text: every character of plain input comes back out', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9 <>&"'/=.,]{0,60}$/), (input) => {
        // A line starting "1. " is a numbered list item, not a paragraph.
        fc.pre(!/^\s*\d{1,3}[.)]\s/.test(input))
        const out = parseSafeMarkdown(input)
          .map((b) => (b.kind === 'list' ? '' : textOf(b.runs)))
          .join('')
        assert.equal(out, input.trim())
      }),
      { numRuns: 300 },
    )
  })
})
