import { barChart } from '../charts/bar-chart.ts'
import type {
  DocumentBlock,
  DocumentSection,
  DocumentTable,
  PrintableDocument,
  TextRun,
} from '../documents/document.ts'
import { isSmallCount, protectTable, type DisclosureRules } from '../domain/disclosure-control.ts'
import { formatMoney } from '../domain/money.ts'
import { formatDecimal } from '../domain/rounding.ts'
import type { AnnualReportState, BlockKind } from './annual-report-tables.ts'
import { undefinedAcronyms, type GlossaryEntry, type UndefinedAcronym } from './annual-report-glossary.ts'
import { figureKeysIn, parseSafeMarkdown, type InlineRun, type MarkdownBlock } from './annual-report-markdown.ts'
import type { Figure } from './figures.ts'
import { financialYearWords } from '../domain/period.ts'

/**
 * The annual report as one value: its chapters and blocks, with everything they show already gathered (the year's
 * figures, live or frozen at approval; the case studies; the generated appendices; the KPIs' quarterly series), so that
 * `annualReportDocument` is a pure function from it to the one printable model every output reads.
 */

/** What a block holds, by its kind. */
export type BlockContent =
  | { readonly kind: 'text'; readonly markdown: string }
  /** One figure: its value, sentence and source. */
  | { readonly kind: 'figure'; readonly key: string }
  /** A table of figures: one row per figure (what, period, value, source). */
  | { readonly kind: 'table'; readonly caption: string; readonly keys: readonly string[] }
  /** A KPI's quarterly figures as a bar chart with its table and summary. */
  | { readonly kind: 'chart'; readonly indicator: string; readonly caption: string }
  | { readonly kind: 'case-study'; readonly caseStudyId: number }
  | { readonly kind: 'generated'; readonly part: GeneratedPart }

export type GeneratedPart = 'appendix-a' | 'appendix-b' | 'appendix-c' | 'glossary'

export const GENERATED_PART_NAMES: Readonly<Record<GeneratedPart, string>> = {
  'appendix-a': 'Appendix A: budget allocation (from the budget)',
  'appendix-b': 'Appendix B: board membership and delivery structure (from the board)',
  'appendix-c': 'Appendix C: the performance report (from the KPIs)',
  glossary: 'Glossary (from the report’s glossary)',
}

export const ILLUSTRATIVE_FIGURE = "Illustrative figure (not Wolverhampton's)"

/** Reads a block's stored content, refusing a shape its kind does not allow (a stored row is ours: a bug if wrong). */
export function readBlockContent(kind: BlockKind, json: string): BlockContent {
  const value = JSON.parse(json) as Record<string, unknown>
  const content = { ...value, kind } as BlockContent
  const problem = blockContentProblem(content)
  if (problem !== null) throw new Error(`A stored ${kind} block is not valid: ${problem}`)
  return content
}

/** Why a block's content is not valid, in words for the form; null when it is. */
export function blockContentProblem(content: BlockContent): string | null {
  const isKey = (k: unknown) => typeof k === 'string' && /^[A-Za-z0-9:._-]{1,200}$/.test(k)
  switch (content.kind) {
    case 'text':
      if (typeof content.markdown !== 'string') return 'Enter the text'
      if (content.markdown.length > 20_000) return 'The text must be 20,000 characters or fewer'
      return null
    case 'figure':
      return isKey(content.key) ? null : 'Enter the key of a figure, for example kpi:VP01:outturn:FY2017-18'
    case 'table':
      if (!Array.isArray(content.keys) || content.keys.length === 0 || !content.keys.every(isKey))
        return 'Enter the keys of the figures, one a line'
      return typeof content.caption === 'string' && content.caption.trim() !== '' ? null : 'Enter a caption'
    case 'chart':
      if (typeof content.indicator !== 'string' || !/^[A-Za-z0-9._-]{1,50}$/.test(content.indicator))
        return 'Enter the KPI’s reference'
      return typeof content.caption === 'string' && content.caption.trim() !== '' ? null : 'Enter a caption'
    case 'case-study':
      return Number.isInteger(content.caseStudyId) && content.caseStudyId > 0 ? null : 'Choose a case study'
    case 'generated':
      return content.part in GENERATED_PART_NAMES ? null : 'Choose a generated part'
  }
}

/** The content as stored (its kind is the row's column). */
export function blockContentJson(content: BlockContent): string {
  const { kind: _kind, ...rest } = content
  return JSON.stringify(rest)
}

/** The figure keys a block binds. */
export function figureKeysOf(content: BlockContent): string[] {
  if (content.kind === 'text') return figureKeysIn(content.markdown)
  if (content.kind === 'figure') return [content.key]
  if (content.kind === 'table') return [...content.keys]
  return []
}

export interface ReportBlock {
  readonly id: number
  readonly position: number
  readonly version: number
  readonly content: BlockContent
  readonly updatedAt: string
  readonly updatedBy: string
  /** Comments not yet resolved. */
  readonly openComments: number
}

export interface ReportChapter {
  readonly id: number
  readonly position: number
  readonly title: string
  readonly blocks: readonly ReportBlock[]
}

export interface CaseStudy {
  readonly id: number
  readonly title: string
  readonly text: string
  readonly anonymised: boolean
  readonly consentRecordedBy: string | null
  readonly consentDate: string | null
  readonly approvedBy: string | null
  readonly approvedAt: string | null
  readonly version: number
}

/** A KPI's quarters for a chart: each quarter's label and value (null when not reported). */
export interface KpiSeries {
  readonly indicator: string
  readonly name: string
  /** 'count' values are disclosure-controlled on the public version; 'percent' are shown as they are. */
  readonly unit: 'count' | 'percent'
  readonly points: readonly {
    readonly label: string
    readonly value: number | null
    /** Withheld from the public as a complement (secondary suppression; see `withComplementsWithheld`). */
    readonly complement?: boolean
  }[]
}

export interface AssembledReport {
  readonly id: number
  readonly year: string
  readonly title: string
  readonly partnership: string
  readonly state: AnnualReportState
  readonly round: number
  readonly version: number
  readonly glossary: readonly GlossaryEntry[]
  readonly chapters: readonly ReportChapter[]
  readonly caseStudies: readonly CaseStudy[]
  /** The figures the report shows: the frozen ones once approved, the live ones before. */
  readonly figures: ReadonlyMap<string, Figure>
  readonly series: ReadonlyMap<string, KpiSeries>
  /** The generated parts' blocks, for each audience (the public's pass disclosure control). */
  readonly generated: ReadonlyMap<GeneratedPart, Readonly<Record<Audience, readonly DocumentBlock[]>>>
  readonly disclosure: DisclosureRules
  /** The dated notes of amendments, oldest first, shown on the published page. */
  readonly amendments: readonly string[]
}

/** "FY2017-18" → "2017-18" (src/domain/period.ts), as the report's pages and documents name a year. */
export const yearWords = financialYearWords

/** A figure's value as the report prints it; the public version withholds a suppressed figure. */
export function figureValueText(figure: Figure, audience: Audience, rules: DisclosureRules): string {
  if (audience === 'public' && isWithheld(figure, rules)) return '[c]'
  // A withheld quarter has no number at all (the catalogue names it, never shows it).
  if (Number.isNaN(figure.value)) return '[c]'
  // A change is printed as its size: the sentence around it says which way it went ("fell by 8").
  const value = /:change(-percent)?:/.test(figure.key) ? Math.abs(figure.value) : figure.value
  switch (figure.unit) {
    case 'pence':
      return formatMoney(value, { pence: figure.decimals > 0 ? 'auto' : 'never' })
    case 'percent':
      return `${formatDecimal(value, figure.decimals)}%`
    case 'percentage-points':
      return `${formatDecimal(value, figure.decimals)} percentage points`
    default:
      return formatDecimal(value, figure.decimals)
  }
}

/** Whether disclosure control withholds the figure from the public: its own flag, or a small count. */
export function isWithheld(figure: Figure, rules: DisclosureRules): boolean {
  return figure.suppressed === true || (figure.unit === 'count' && isSmallCount(figure.value, rules))
}

export type Audience = 'public' | 'partnership'

const WITHHELD_NOTE = '[c]: withheld to protect the people it counts (a small number, or one that would reveal one).'

function resolveRuns(
  runs: readonly InlineRun[],
  figures: ReadonlyMap<string, Figure>,
  audience: Audience,
  rules: DisclosureRules,
): TextRun[] {
  const out: TextRun[] = []
  for (const run of runs) {
    let next: TextRun
    if (!('figure' in run)) next = run
    else {
      const figure = figures.get(run.figure)
      next =
        figure === undefined
          ? { text: `[unknown figure ${run.figure}]`, bold: true }
          : {
              text: figureValueText(figure, audience, rules),
              ...(run.bold ? { bold: true } : {}),
              ...(run.italic ? { italic: true } : {}),
            }
    }
    const last = out[out.length - 1]
    // A figure's value reads as part of its sentence: one run with the words around it when they look the same.
    if (last !== undefined && last.bold === next.bold && last.italic === next.italic && last.href === next.href)
      out[out.length - 1] = { ...last, text: last.text + next.text }
    else out.push(next)
  }
  return out
}

/** The sub-sections a chapter's text makes with its `###` headings, as blocks of its own first. */
interface Chunk {
  heading: string | null
  blocks: DocumentBlock[]
}

function markdownBlocks(
  parsed: readonly MarkdownBlock[],
  chunks: Chunk[],
  figures: ReadonlyMap<string, Figure>,
  audience: Audience,
  rules: DisclosureRules,
): void {
  for (const block of parsed) {
    const current = chunks[chunks.length - 1] as Chunk
    if (block.kind === 'heading') {
      chunks.push({
        heading: resolveRuns(block.runs, figures, audience, rules)
          .map((r) => r.text)
          .join(''),
        blocks: [],
      })
    } else if (block.kind === 'paragraph')
      current.blocks.push({ kind: 'paragraph', runs: resolveRuns(block.runs, figures, audience, rules) })
    else
      current.blocks.push({
        kind: 'list',
        ordered: block.ordered,
        items: block.items.map((item) => resolveRuns(item, figures, audience, rules)),
      })
  }
}

function figureNote(figure: Figure, audience: Audience, rules: DisclosureRules): DocumentBlock {
  const withheld = audience === 'public' && isWithheld(figure, rules)
  const runs: TextRun[] = [
    { text: figureValueText(figure, audience, rules), bold: true },
    { text: ` ${withheld ? `${figure.label}, ${figure.period}: withheld.` : figure.sentence}` },
    { text: ` Source: ${figure.source}, ${figure.period}.`, italic: true },
  ]
  if (figure.illustrative) runs.push({ text: ` ${ILLUSTRATIVE_FIGURE}.`, italic: true })
  return { kind: 'note', title: figure.label, runs }
}

export function seriesChart(series: KpiSeries, caption: string, audience: Audience, rules: DisclosureRules) {
  const shown = series.points.map((p) => {
    if (p.value === null) return { label: p.label, value: null, text: 'Not reported' }
    const small = audience === 'public' && series.unit === 'count' && isSmallCount(p.value, rules)
    const complement = audience === 'public' && p.complement === true
    const withheld = small || complement
    const text = small
      ? `<${rules.minimumCount}`
      : complement
        ? '[c]'
        : series.unit === 'percent'
          ? `${formatDecimal(p.value, 1)}%`
          : formatDecimal(p.value, 0)
    return { label: p.label, value: withheld ? null : p.value, text }
  })
  const drawn = shown.filter((p) => p.value !== null)
  const summary =
    drawn.length === 0
      ? `${series.name}: no quarter can be shown.`
      : `${series.name}: ${shown.map((p) => `${p.label} ${p.text}`).join('; ')}.`
  const table: DocumentTable = {
    caption,
    head: ['Quarter', series.unit === 'percent' ? 'Per cent' : 'Number'],
    rows: shown.map((p) => [p.label, p.text]),
    numeric: [false, true],
  }
  const svg = barChart({
    id: `kpi-${series.indicator}`,
    title: caption,
    description: summary,
    bars: drawn.map((p) => ({ label: p.label, value: p.value as number })),
    numberLabel: (v) => (series.unit === 'percent' ? `${formatDecimal(v, 1)}%` : formatDecimal(v, 0)),
  })
  return { svg, alt: `${caption}. ${summary}`, summary, table }
}

/** The blocks one report block prints as (a text block may also open sub-sections with its headings). */
function blockChunks(block: ReportBlock, report: AssembledReport, audience: Audience, chunks: Chunk[]): void {
  const rules = report.disclosure
  const current = () => (chunks[chunks.length - 1] as Chunk).blocks
  const content = block.content
  switch (content.kind) {
    case 'text':
      markdownBlocks(parseSafeMarkdown(content.markdown), chunks, report.figures, audience, rules)
      return
    case 'figure': {
      const figure = report.figures.get(content.key)
      current().push(
        figure === undefined
          ? { kind: 'note', title: 'Unknown figure', runs: [{ text: `No figure has the key ${content.key}.` }] }
          : figureNote(figure, audience, rules),
      )
      return
    }
    case 'table': {
      const rows = content.keys.map((key) => {
        const f = report.figures.get(key)
        if (f === undefined) return [key, '', 'Unknown figure', '']
        const label = f.illustrative ? `${f.label} (${ILLUSTRATIVE_FIGURE})` : f.label
        return [label, f.period, figureValueText(f, audience, rules), f.source]
      })
      current().push({
        kind: 'table',
        caption: content.caption,
        head: ['Figure', 'Period', 'Value', 'Source'],
        rows,
        numeric: [false, false, true, false],
      })
      if (rows.some((r) => r[2] === '[c]')) current().push({ kind: 'paragraph', runs: [{ text: WITHHELD_NOTE }] })
      return
    }
    case 'chart': {
      const series = report.series.get(content.indicator)
      if (series === undefined) {
        current().push({
          kind: 'note',
          title: 'Chart not available',
          runs: [{ text: `No quarterly figures are held for the KPI ${content.indicator}.` }],
        })
        return
      }
      current().push({ kind: 'chart', ...seriesChart(series, content.caption, audience, rules) })
      if (audience === 'public' && series.points.some((p) => p.complement === true))
        current().push({ kind: 'paragraph', runs: [{ text: WITHHELD_NOTE }] })
      return
    }
    case 'case-study': {
      const study = report.caseStudies.find((c) => c.id === content.caseStudyId)
      if (study === undefined) return
      // The public never sees a case study that is not approved, anonymised and consented to.
      if (audience === 'public' && !caseStudyReady(study)) return
      current().push({
        kind: 'note',
        title: `Case study: ${study.title}`,
        runs: parseSafeMarkdown(study.text).flatMap((b, i) => {
          const runs: TextRun[] =
            b.kind === 'list'
              ? b.items.flatMap((item) => [{ text: '\n• ' }, ...resolveRuns(item, report.figures, audience, rules)])
              : resolveRuns(b.runs, report.figures, audience, rules)
          return i === 0 ? runs : [{ text: '\n' }, ...runs]
        }),
      })
      return
    }
    case 'generated': {
      if (content.part === 'glossary') {
        current().push({
          kind: 'table',
          caption: 'Glossary of terms',
          head: ['Term', 'Meaning'],
          rows: report.glossary.map((g) => [g.term, g.meaning]),
        })
        return
      }
      current().push(...(report.generated.get(content.part)?.[audience] ?? []))
      return
    }
  }
}

/** How one block prints, for the editor's page: its blocks, and the sub-sections its `###` headings open. */
export function blockDocument(
  report: AssembledReport,
  block: ReportBlock,
  audience: Audience,
): { blocks: readonly DocumentBlock[]; sections: readonly { heading: string; blocks: readonly DocumentBlock[] }[] } {
  const chunks: Chunk[] = [{ heading: null, blocks: [] }]
  blockChunks(block, report, audience, chunks)
  const [first, ...rest] = chunks as [Chunk, ...Chunk[]]
  return { blocks: first.blocks, sections: rest.map((c) => ({ heading: c.heading ?? '', blocks: c.blocks })) }
}

/** Whether a case study may be published: anonymised, its consent recorded, approved. */
export function caseStudyReady(study: CaseStudy): boolean {
  return study.anonymised && study.consentRecordedBy !== null && study.consentDate !== null && study.approvedAt !== null
}

const anchorOf = (title: string, index: number) =>
  `${index + 1}-${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`.slice(0, 60)

/**
 * Secondary suppression across blocks, for the public version. A KPI's year is the sum of its quarters, and the
 * year's total is public whatever this report prints (the public performance report and Appendix C give it; a block
 * may bind it): so a quarter withheld as a small count beside three shown ones could be found by subtraction, from
 * this report or from it and another publication. Each count KPI whose quarters the report shows (a chart, or a
 * quarter's figure bound in a block) is protected as one table, its quarters adding up to the year, by the same
 * `protectTable` the public performance report uses (src/public/public-report.ts): the complement it withholds is
 * the same quarter there and here, so the two publications together give nothing back either. The complement is
 * marked on the chart's point and on the quarter's figure (`suppressed`), so every block prints it as "[c]".
 *
 * @example withComplementsWithheld(report).series.get('knife-crime')?.points.map((p) => p.complement ?? false)
 *   // [false, true, false, false] when Q1 is 3 and Q2 the smallest of the rest
 */
export function withComplementsWithheld(report: AssembledReport): AssembledReport {
  const rules = report.disclosure
  const quarterKey = (indicator: string, index: number, count: number) =>
    `kpi:${indicator}:${count === 4 ? `q${index + 1}` : `p${index + 1}`}:${report.year}`
  // Each count KPI's quarters: the chart's series when there is one, else the quarters' figures the blocks bind.
  const quarters = new Map<string, (number | null)[]>()
  for (const series of report.series.values())
    if (series.unit === 'count')
      quarters.set(
        series.indicator,
        series.points.map((p) => p.value),
      )
  for (const figure of report.figures.values()) {
    const match = /^kpi:([^:]+):(q|p)(\d+):(FY\d{4}-\d{2})$/.exec(figure.key)
    if (!match || match[4] !== report.year || figure.unit !== 'count' || quarters.has(match[1] as string)) continue
    const indicator = match[1] as string
    const count = match[2] === 'q' ? 4 : 12
    const values = Array.from({ length: count }, (_, i) => {
      const f = report.figures.get(quarterKey(indicator, i, count))
      return f === undefined || Number.isNaN(f.value) ? null : f.value
    })
    quarters.set(indicator, values)
  }
  const complements = new Map<string, Set<number>>()
  for (const [indicator, values] of quarters) {
    const counts: Record<string, number | null> = {}
    values.forEach((v, i) => (counts[`p${i}`] = v))
    const parts = values.flatMap((v, i) => (v === null ? [] : [`p${i}`]))
    if (parts.length === 0) continue
    counts.year = values.reduce<number>((sum, v) => sum + (v ?? 0), 0)
    const table = protectTable({ counts, totals: [{ total: 'year', parts }] }, rules)
    const withheld = new Set(values.flatMap((_, i) => (table.counts[`p${i}`]?.suppressed === 'complement' ? [i] : [])))
    if (withheld.size > 0) complements.set(indicator, withheld)
  }
  if (complements.size === 0) return report
  const figures = new Map(report.figures)
  for (const [indicator, indexes] of complements) {
    const count = (quarters.get(indicator) ?? []).length
    for (const index of indexes) {
      const key = quarterKey(indicator, index, count)
      const figure = figures.get(key)
      if (figure !== undefined) figures.set(key, { ...figure, suppressed: true })
    }
  }
  const series = new Map(
    [...report.series].map(([indicator, s]) => {
      const indexes = complements.get(indicator)
      if (indexes === undefined || s.unit !== 'count') return [indicator, s] as const
      return [indicator, { ...s, points: s.points.map((p, i) => (indexes.has(i) ? { ...p, complement: true } : p)) }]
    }),
  )
  return { ...report, figures, series }
}

/**
 * The report as the one printable model: a section per chapter (its `###` headings sub-sections), the partnership's
 * version marked as a draft until published, the public version with every small count withheld and only approved
 * case studies. The HTML, PDF and DOCX writers and the site's pages all read this.
 */
export function annualReportDocument(given: AssembledReport, options: { audience: Audience }): PrintableDocument {
  const { audience } = options
  const report = audience === 'public' ? withComplementsWithheld(given) : given
  const sections: DocumentSection[] = report.chapters.map((chapter, index) => {
    const chunks: Chunk[] = [{ heading: null, blocks: [] }]
    for (const block of chapter.blocks) blockChunks(block, report, audience, chunks)
    const [first, ...rest] = chunks as [Chunk, ...Chunk[]]
    return {
      heading: chapter.title,
      level: 1 as const,
      anchor: anchorOf(chapter.title, index),
      blocks: first.blocks,
      ...(rest.length > 0
        ? {
            sections: rest.map((c) => ({ heading: c.heading ?? '', level: 2 as const, blocks: c.blocks })),
          }
        : {}),
    }
  })
  if (report.amendments.length > 0)
    sections.unshift({
      heading: 'Amendments',
      level: 1,
      anchor: 'amendments',
      blocks: report.amendments.map((text) => ({ kind: 'note' as const, title: 'Amended', runs: [{ text }] })),
    })
  const watermark =
    report.state === 'published'
      ? undefined
      : report.state === 'approved'
        ? 'Approved: not yet published'
        : 'Draft: not approved'
  return {
    title: report.title,
    language: 'en-GB',
    subtitle: `${report.partnership}, ${yearWords(report.year)}`,
    author: report.partnership,
    ...(audience === 'partnership' && watermark !== undefined ? { watermark } : {}),
    sections,
  }
}

/** A finding of the number checker (src/annual-report/number-check*.ts, H4) on the report's text. */
export interface CheckerFinding {
  readonly kind: 'contradicts' | 'agrees' | 'unsourced' | 'from-data'
  readonly message: string
}

/** The number checker as approval runs it over the report's text, against the year's figures. */
export type NumberChecker = (text: string, figures: readonly Figure[]) => Promise<readonly CheckerFinding[]>

/** The report's text (every text block and case study), as the number checker reads it. */
export function reportText(report: AssembledReport): string {
  const texts: string[] = []
  for (const chapter of report.chapters) {
    texts.push(chapter.title)
    for (const block of chapter.blocks) if (block.content.kind === 'text') texts.push(block.content.markdown)
  }
  for (const study of report.caseStudies) texts.push(study.text)
  return texts.join('\n\n')
}

/** The figure keys the report binds that the year's figures do not have, with the chapter each is in. */
export function unknownFigureKeys(report: AssembledReport): { key: string; chapter: string; blockId: number }[] {
  const unknown: { key: string; chapter: string; blockId: number }[] = []
  for (const chapter of report.chapters)
    for (const block of chapter.blocks)
      for (const key of figureKeysOf(block.content))
        if (!report.figures.has(key)) unknown.push({ key, chapter: chapter.title, blockId: block.id })
  return unknown
}

/** Acronyms used in the report's text that its glossary does not define. */
export function reportUndefinedAcronyms(report: AssembledReport): UndefinedAcronym[] {
  return undefinedAcronyms(reportText(report), report.glossary)
}

/**
 * Why the report cannot be approved yet, in words, one reason a line; empty when it can. `findings` are the number
 * checker's on the report's text: each contradiction is a reason.
 */
export function approvalBlockers(report: AssembledReport, findings: readonly CheckerFinding[] = []): string[] {
  const reasons: string[] = []
  for (const u of unknownFigureKeys(report))
    reasons.push(`“${u.chapter}” refers to a figure saferhub does not hold: ${u.key}`)
  for (const chapter of report.chapters)
    for (const block of chapter.blocks)
      if (block.openComments > 0)
        reasons.push(
          `“${chapter.title}” has ${block.openComments === 1 ? 'an unresolved comment' : `${block.openComments} unresolved comments`}`,
        )
  for (const study of report.caseStudies) {
    if (!study.anonymised) reasons.push(`The case study “${study.title}” is not marked as anonymised`)
    if (study.consentRecordedBy === null || study.consentDate === null)
      reasons.push(`The case study “${study.title}” has no consent recorded`)
    if (study.approvedAt === null) reasons.push(`The case study “${study.title}” is not approved`)
  }
  for (const f of findings) if (f.kind === 'contradicts') reasons.push(`The number checker: ${f.message}`)
  return reasons
}

/** A figure whose live value differs from the one frozen at approval. */
export interface ChangedFigure {
  readonly key: string
  readonly label: string
  readonly was: string
  readonly now: string
}

/** The frozen figures whose live value has since changed ("was 324, now 330"); a figure gone from the data too. */
export function changedSinceApproval(
  frozen: ReadonlyMap<string, Figure>,
  live: ReadonlyMap<string, Figure>,
  rules: DisclosureRules,
): ChangedFigure[] {
  const changed: ChangedFigure[] = []
  for (const [key, was] of frozen) {
    const now = live.get(key)
    if (now !== undefined && now.value === was.value && now.unit === was.unit) continue
    changed.push({
      key,
      label: was.label,
      was: figureValueText(was, 'partnership', rules),
      now: now === undefined ? 'no longer held' : figureValueText(now, 'partnership', rules),
    })
  }
  return changed
}
