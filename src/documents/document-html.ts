import type { DocumentBlock, DocumentSection, DocumentTable, PrintableDocument, TextRun } from './document.ts'

/**
 * The standalone HTML of a printable document: one self-contained, accessible file (no script, no stylesheet or
 * font or image fetched from anywhere: the charts are inline SVG), which is also exactly what Chromium prints to the
 * tagged PDF. Every piece of text from the document is escaped here; the only markup not written by this file is a
 * chart's own SVG (src/charts, which escapes its own text), checked by `assertSafeChartSvg` before it is inlined.
 *
 * Headings: the document's title is the one `<h1>`; a section of level 1 (a chapter) is an `<h2>`, level 2 an
 * `<h3>`, level 3 an `<h4>`, so the page has one top heading and the levels never skip. Chromium's PDF outline and
 * structure tree are built from these (H1 the title, H2 the chapters, ...).
 */

/** Characters XML 1.0 does not allow at all, even escaped (C0 controls but tab, newline, carriage return). */
// eslint-disable-next-line no-control-regex
const INVALID_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/**
 * Text escaped for HTML character data or a double- or single-quoted attribute.
 *
 * @example escapeHtml('<b title="x">') // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text
    .replace(INVALID_CHARACTERS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/**
 * A link target the document may carry: an http(s) or mailto address, or `#anchor` within the document. Anything
 * else (`javascript:`, `data:`, a relative path that would make a request) is refused and the run is printed as
 * plain text.
 */
export function safeHref(href: string): string | null {
  if (/^#[A-Za-z][A-Za-z0-9-]*$/.test(href)) return href
  if (/^mailto:[^\s<>"']+$/i.test(href)) return href
  try {
    const url = new URL(href)
    return (url.protocol === 'https:' || url.protocol === 'http:') && !/[\s<>"']/.test(href) ? href : null
  } catch {
    return null
  }
}

/**
 * Refuses a chart's SVG that could run script or fetch something: the standalone file must make no request and run
 * nothing. src/charts never writes any of these; this is the guard for a chart built somewhere else.
 */
export function assertSafeChartSvg(svg: string): void {
  const trimmed = svg.trim()
  if (!/^<svg[\s>]/.test(trimmed) || !trimmed.endsWith('</svg>')) {
    throw new Error('A chart must be one <svg> element')
  }
  if ((trimmed.match(/<svg[\s>]/g) ?? []).length !== 1 || trimmed.indexOf('</svg>') !== trimmed.length - 6) {
    throw new Error('A chart must be one <svg> element')
  }
  if (/<\s*(?:script|foreignObject|image|use|iframe|style)\b/i.test(trimmed)) {
    throw new Error('A chart may not contain script, foreign objects, images, <use> or style elements')
  }
  if (/\son[a-z]+\s*=/i.test(trimmed) || /(?:xlink:)?href\s*=/i.test(trimmed) || /url\s*\(/i.test(trimmed)) {
    throw new Error('A chart may not contain event handlers, links or url() references')
  }
}

/**
 * The chart's SVG named by the document's alternative text: its own `role`, `aria-labelledby`, `aria-label` and
 * `aria-describedby` on the opening tag are replaced by `role="img" aria-label="…"` (the chart's `<title>` and
 * `<desc>` stay inside it, for tooltips and for the DOCX's SVG).
 *
 * @example withAlternativeText('<svg role="img" aria-labelledby="a b"><title id="a">T</title></svg>', 'Bars')
 * // '<svg role="img" aria-label="Bars"><title id="a">T</title></svg>'
 */
export function withAlternativeText(svg: string, alt: string): string {
  assertSafeChartSvg(svg)
  const trimmed = svg.trim()
  const end = trimmed.indexOf('>')
  const attributes = trimmed
    .slice(4, end)
    .replace(/\s(?:role|aria-labelledby|aria-label|aria-describedby)\s*=\s*(?:"[^"]*"|'[^']*')/g, '')
    .replace(/\/$/, '')
  return `<svg role="img" aria-label="${escapeHtml(alt)}"${attributes}>${trimmed.slice(end + 1)}`
}

/** A readable anchor from a heading: lower case letters, digits and hyphens, starting with a letter. */
function slug(text: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
  return /^[a-z]/.test(cleaned) ? cleaned : `section-${cleaned || 'untitled'}`
}

/** A section with its anchor settled (unique in the document) and its level settled (see `anchorSections`). */
export interface AnchoredSection {
  readonly section: DocumentSection
  readonly anchor: string
  /** 1 for a chapter; never more than one below the heading before it, nor at or above its parent's. */
  readonly level: number
  readonly children: readonly AnchoredSection[]
}

/**
 * Every section's anchor, unique in the document: the section's own anchor when it has a valid one, else one made
 * from its heading; a repeat gets "-2", "-3". The DOCX's bookmarks use the same anchors, so `#anchor` links work in
 * both.
 */
export function anchorSections(doc: PrintableDocument): readonly AnchoredSection[] {
  const used = new Set<string>(['contents', 'main'])
  // Levels never skip (a level-3 section straight after a chapter is read as level 2) and a nested section is
  // always below its parent, whatever the data says: screen readers and the PDF outline navigate by them.
  const settleList = (list: readonly DocumentSection[], parentLevel: number): AnchoredSection[] => {
    let previous = parentLevel
    return list.map((section) => {
      const level = Math.min(Math.max(section.level, parentLevel + 1), previous + 1)
      previous = level
      const wanted =
        section.anchor && /^[A-Za-z][A-Za-z0-9-]*$/.test(section.anchor) ? section.anchor : slug(section.heading)
      let anchor = wanted
      for (let n = 2; used.has(anchor); n++) anchor = `${wanted}-${n}`
      used.add(anchor)
      return { section, anchor, level, children: settleList(section.sections ?? [], level) }
    })
  }
  return settleList(doc.sections, 0)
}

/** A heading on one line: its spaces kept where it wraps (see the styles), so runs of white space are one space. */
function headingText(text: string): string {
  return escapeHtml(text.replace(/\s+/g, ' ').trim())
}

function runsHtml(runs: readonly TextRun[]): string {
  return runs
    .map((run) => {
      let html = escapeHtml(run.text)
      if (run.italic) html = `<em>${html}</em>`
      if (run.bold) html = `<strong>${html}</strong>`
      const href = run.href === undefined ? null : safeHref(run.href)
      return href === null ? html : `<a href="${escapeHtml(href)}">${html}</a>`
    })
    .join('')
}

function tableHtml(table: DocumentTable): string {
  const numeric = (column: number): string => (table.numeric?.[column] ? ' class="numeric"' : '')
  const head = table.head.map((cell, i) => `<th scope="col"${numeric(i)}>${escapeHtml(cell)}</th>`).join('')
  const rows = table.rows
    .map(
      (row) =>
        '<tr>' +
        row
          .map((cell, i) =>
            // The first column names the row (a KPI, a year, an agency): a row header for screen readers.
            i === 0
              ? `<th scope="row"${numeric(i)}>${escapeHtml(cell)}</th>`
              : `<td${numeric(i)}>${escapeHtml(cell)}</td>`,
          )
          .join('') +
        '</tr>',
    )
    .join('\n')
  return `<table>\n<caption>${escapeHtml(table.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`
}

function blockHtml(block: DocumentBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${runsHtml(block.runs)}</p>`
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul'
      return `<${tag}>\n${block.items.map((item) => `<li>${runsHtml(item)}</li>`).join('\n')}\n</${tag}>`
    }
    case 'table':
      return tableHtml(block)
    case 'chart':
      // One element carries the chart's alternative text: the SVG itself, named by `alt` (Chromium tags it as the
      // one Figure with this /Alt in the PDF). A wrapper with role="img" would add a second Figure around the SVG's
      // own, and a <figure> a third without alternative text, so neither is used.
      return (
        '<div class="chart">\n' +
        withAlternativeText(block.svg, block.alt) +
        `\n<p class="chart__summary">${escapeHtml(block.summary)}</p>\n` +
        tableHtml(block.table) +
        '\n</div>'
      )
    case 'note':
      return (
        '<aside class="note">' +
        (block.title === undefined ? '' : `<p class="note__title"><strong>${escapeHtml(block.title)}</strong></p>`) +
        `<p>${runsHtml(block.runs)}</p></aside>`
      )
    case 'page-break':
      return '<div class="page-break"></div>'
  }
}

function sectionHtml(anchored: AnchoredSection): string {
  const { section, anchor, level, children } = anchored
  const tag = `h${Math.min(level + 1, 6)}`
  // A chapter is a named region (a landmark screen readers list); its parts are plain sections, so that parts of the
  // same name in every chapter ("What we did") are not several landmarks of one name.
  const opening = level === 1 ? `<section class="chapter" aria-labelledby="${anchor}">` : '<section>'
  return [
    opening,
    `<${tag} id="${anchor}">${headingText(section.heading)}</${tag}>`,
    ...section.blocks.map(blockHtml),
    ...children.map(sectionHtml),
    '</section>',
  ].join('\n')
}

function contentsHtml(sections: readonly AnchoredSection[]): string {
  const items = (list: readonly AnchoredSection[]): string =>
    list
      .map(
        (s) =>
          `<li><a href="#${s.anchor}">${headingText(s.section.heading)}</a>` +
          (s.children.length > 0 ? `<ol>${items(s.children)}</ol>` : '') +
          '</li>',
      )
      .join('\n')
  return `<nav class="contents" aria-labelledby="contents">\n<h2 id="contents">Contents</h2>\n<ol>\n${items(sections)}\n</ol>\n</nav>`
}

/**
 * The print and screen styles: GOV.UK's look without its fonts (nothing is fetched), A4 pages, each chapter on a
 * new page, tables' header rows repeated on each page, a figure or a table row never split across pages.
 */
const STYLES = `
:root { color: #0b0c0c; font-family: Arial, "Helvetica Neue", Helvetica, "DejaVu Sans", sans-serif; line-height: 1.4; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem; font-size: 1rem; }
/* pre-wrap keeps the space where a long heading wraps: Chromium builds the PDF outline's entries from the heading's
   lines, and without it joins them with no space ("Partnershipannual report"). */
h1, h2, h3, h4, h5, h6 { white-space: pre-wrap; }
h1 { font-size: 2rem; margin: 0 0 0.5rem; }
h2 { font-size: 1.5rem; margin: 1.5rem 0 0.75rem; }
h3 { font-size: 1.25rem; margin: 1.25rem 0 0.5rem; }
h4 { font-size: 1.05rem; margin: 1rem 0 0.5rem; }
a { color: #1d70b8; }
.subtitle { font-size: 1.2rem; color: #505a5f; margin-top: 0; }
.watermark { border: 3px solid #d4351c; color: #d4351c; font-weight: bold; padding: 0.5rem 0.75rem; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1.25rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.4rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 0.3rem 0.5rem 0.3rem 0; text-align: left; vertical-align: top; }
thead th { border-bottom-width: 2px; }
tbody th { font-weight: normal; }
.numeric { text-align: right; font-variant-numeric: tabular-nums; }
.chart { margin: 0 0 1.5rem; }
.chart svg { display: block; max-width: 100%; height: auto; }
.chart table { width: auto; min-width: 60%; }
.chart__summary { margin: 0.5rem 0 0.75rem; }
.note { background: #f3f2f1; border-left: 5px solid #1d70b8; padding: 0.5rem 1rem; margin: 0 0 1.25rem; }
.note p { margin: 0.25rem 0; }
.contents ol { padding-left: 1.5rem; }
/* Targets at least 24 by 24 pixels apart (WCAG 2.2, 2.5.8): the contents is a column of links. */
.contents li { margin: 0.25rem 0; }
.contents a { display: inline-block; min-height: 24px; line-height: 24px; }
@page { size: A4; margin: 18mm 16mm 20mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  a { color: inherit; }
  section.chapter, .contents { break-before: page; }
  .page-break { break-after: page; }
  h2, h3, h4 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, .chart svg, .note { break-inside: avoid; }
  caption { break-after: avoid; }
}
`

/**
 * The document as one self-contained HTML file.
 *
 * @example
 * documentHtml({ title: 'Annual report 2017/18', language: 'en-GB', sections: [
 *   { heading: 'Introduction', level: 1, blocks: [{ kind: 'paragraph', runs: [{ text: 'Welcome.' }] }] }] })
 */
export function documentHtml(doc: PrintableDocument): string {
  const sections = anchorSections(doc)
  const meta = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No script, no request: the file must open the same offline, years later, and print the same.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    doc.author === undefined ? '' : `<meta name="author" content="${escapeHtml(doc.author)}">`,
    doc.subtitle === undefined ? '' : `<meta name="description" content="${escapeHtml(doc.subtitle)}">`,
  ].filter((line) => line !== '')
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    ...meta,
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${STYLES}</style>`,
    '</head>',
    '<body>',
    '<main id="main">',
    '<header>',
    doc.watermark === undefined ? '' : `<p class="watermark">${escapeHtml(doc.watermark)}</p>`,
    `<h1>${headingText(doc.title)}</h1>`,
    doc.subtitle === undefined ? '' : `<p class="subtitle">${escapeHtml(doc.subtitle)}</p>`,
    '</header>',
    contentsHtml(sections),
    ...sections.map(sectionHtml),
    '</main>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
}
