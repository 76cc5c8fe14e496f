import type { TextRun } from '../documents/document.ts'

/**
 * The safe Markdown subset a report's text blocks are written in: paragraphs, **bold**, *italic*, bulleted (`- `)
 * and numbered (`1. `) lists, links to http(s) and mailto addresses only, `### ` headings, and `{{figure:<key>}}`
 * references to a figure saferhub holds; a backslash keeps the next markup character as text (`\\*`). Nothing else is markup: raw HTML, images, other link schemes are kept as the
 * text they are, so an editor's (or a pasted document's) `<script>` is shown, never run. Our own parser rather than a
 * Markdown library, because every library's job is to pass HTML through, and ours is to never do so.
 */

/** A run of text, or a reference to a figure to be filled in from the year's figures. */
export type InlineRun = TextRun | { readonly figure: string; readonly bold?: true; readonly italic?: true }

export type MarkdownBlock =
  | { readonly kind: 'paragraph'; readonly runs: readonly InlineRun[] }
  | { readonly kind: 'heading'; readonly runs: readonly InlineRun[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly InlineRun[])[] }

/** A figure reference: `{{figure:kpi:VP01:outturn:FY2017-18}}`. */
export const FIGURE_REFERENCE = /\{\{figure:([A-Za-z0-9:._-]+)\}\}/g

/** The figure keys a text refers to, in order of first use. */
export function figureKeysIn(text: string): string[] {
  return [...new Set([...text.matchAll(FIGURE_REFERENCE)].map((m) => m[1] as string))]
}

const SAFE_HREF = /^(?:https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+)$/i

/** Parses text in the safe subset into blocks. Never throws: anything not understood is text. */
export function parseSafeMarkdown(text: string): MarkdownBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const blocks: MarkdownBlock[] = []
  let paragraph: string[] = []
  let list: { ordered: boolean; items: string[] } | null = null
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', runs: parseInline(paragraph.join(' ')) })
    paragraph = []
    if (list !== null) blocks.push({ kind: 'list', ordered: list.ordered, items: list.items.map(parseInline) })
    list = null
  }
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '') {
      flush()
      continue
    }
    const heading = /^###\s+(.*)$/.exec(line)
    if (heading) {
      flush()
      blocks.push({ kind: 'heading', runs: parseInline(heading[1] as string) })
      continue
    }
    const bullet = /^[-*•]\s+(.*)$/.exec(line)
    const numbered = /^\d{1,3}[.)]\s+(.*)$/.exec(line)
    const item = bullet ?? numbered
    if (item) {
      const ordered = numbered !== null && bullet === null
      if (paragraph.length > 0) {
        blocks.push({ kind: 'paragraph', runs: parseInline(paragraph.join(' ')) })
        paragraph = []
      }
      if (list !== null && list.ordered !== ordered) flush()
      list ??= { ordered, items: [] }
      list.items.push(item[1] as string)
      continue
    }
    if (list !== null) {
      // A line under a list item continues it (a wrapped item), as Markdown reads it.
      const items = list.items
      items[items.length - 1] = `${items[items.length - 1]} ${line}`
      continue
    }
    paragraph.push(line)
  }
  flush()
  return blocks
}

/** Parses one line's inline markup: bold, italic, links and figure references. */
export function parseInline(text: string): InlineRun[] {
  const runs: InlineRun[] = []
  const push = (run: TextRun) => {
    if (run.text === '') return
    const last = runs[runs.length - 1]
    if (
      last !== undefined &&
      !('figure' in last) &&
      last.bold === run.bold &&
      last.italic === run.italic &&
      last.href === run.href
    )
      runs[runs.length - 1] = { ...last, text: last.text + run.text }
    else runs.push(run)
  }
  const walk = (s: string, bold: boolean, italic: boolean) => {
    let i = 0
    let plain = ''
    const emit = () => {
      if (plain) push(style({ text: plain }, bold, italic))
      plain = ''
    }
    while (i < s.length) {
      const rest = s.slice(i)
      // A backslash keeps the next markup character as text ("\\* An increase…" is not a list or italic).
      if (rest.length > 1 && rest[0] === '\\' && '\\*[]#-{}'.includes(rest[1] as string)) {
        plain += rest[1]
        i += 2
        continue
      }
      const figure = /^\{\{figure:([A-Za-z0-9:._-]+)\}\}/.exec(rest)
      if (figure) {
        emit()
        runs.push({ figure: figure[1] as string, ...(bold ? { bold: true } : {}), ...(italic ? { italic: true } : {}) })
        i += figure[0].length
        continue
      }
      if (rest.startsWith('**') && !bold) {
        const end = rest.indexOf('**', 2)
        if (end > 2) {
          emit()
          walk(rest.slice(2, end), true, italic)
          i += end + 2
          continue
        }
      }
      if (rest.startsWith('*') && !rest.startsWith('**') && !italic) {
        const end = findSingleStar(rest)
        if (end > 1) {
          emit()
          walk(rest.slice(1, end), bold, true)
          i += end + 1
          continue
        }
      }
      const link = /^\[([^\]\n]+)\]\(([^()\s]+)\)/.exec(rest)
      if (link && SAFE_HREF.test(link[2] as string)) {
        emit()
        push(style({ text: link[1] as string, href: link[2] as string }, bold, italic))
        i += link[0].length
        continue
      }
      plain += s[i]
      i += 1
    }
    emit()
  }
  walk(text, false, false)
  return runs
}

function findSingleStar(rest: string): number {
  for (let j = 1; j < rest.length; j++) if (rest[j] === '*' && rest[j + 1] !== '*' && rest[j - 1] !== '*') return j
  return -1
}

function style(run: TextRun, bold: boolean, italic: boolean): TextRun {
  return { ...run, ...(bold ? { bold: true } : {}), ...(italic ? { italic: true } : {}) }
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** Text runs as HTML for the site's pages: every character of text escaped, only our own tags. */
export function runsHtml(runs: readonly TextRun[]): string {
  return runs
    .map((r) => {
      let html = escapeHtml(r.text)
      if (r.italic) html = `<em>${html}</em>`
      if (r.bold) html = `<strong>${html}</strong>`
      if (r.href) html = `<a class="govuk-link" href="${escapeHtml(r.href)}">${html}</a>`
      return html
    })
    .join('')
}
