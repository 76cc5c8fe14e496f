import { demand, type Principal } from '../accounts/permissions.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import type { DocumentBlock, PrintableDocument } from '../documents/document.ts'
import type { DisclosureRules } from '../domain/disclosure-control.ts'
import { londonDate } from '../domain/period.ts'
import { dateInWords } from '../shared/time-in-words.ts'
// The seed's 2017-18 report prints the next year's budget as its Appendix A.
import { nextFinancialYear as nextYear } from '../domain/budget.ts'
import { DEFAULT_GLOSSARY, parseGlossary, type GlossaryEntry } from './annual-report-glossary.ts'
import {
  annualReportDocument,
  approvalBlockers,
  blockContentProblem,
  changedSinceApproval,
  figureKeysOf,
  reportText,
  reportUndefinedAcronyms,
  yearWords,
  type AssembledReport,
  type Audience,
  type BlockContent,
  type ChangedFigure,
  type GeneratedPart,
  type KpiSeries,
  type NumberChecker,
  unknownFigureKeys,
} from './annual-report.ts'
import type {
  AnnualReportRepository,
  ApprovalDecision,
  BlockComment,
  BlockLock,
  Publication,
  ReportRow,
} from './annual-report-repository.ts'
import type { AnnualReportState } from './annual-report-tables.ts'
import type { Figure, FigureProvider } from './figures.ts'

/** The demo's report as its data file holds it (src/annual-report/annual-report-demo.json). */
export interface DemoReport {
  readonly year: string
  readonly title: string
  /** The date the demo records for a case study's consent (the seed printed it, so consent was given). */
  readonly consentDate: string
  readonly chapters: readonly {
    readonly title: string
    readonly blocks: readonly (
      Exclude<BlockContent, { kind: 'case-study' }> | { kind: 'case-study'; caseStudy: string }
    )[]
  }[]
  readonly caseStudies: readonly { readonly title: string; readonly text: string; readonly anonymised: boolean }[]
}

/** A signed-in person as the service sees them. */
export type Editor = Principal & { readonly id: number; readonly email: string; readonly name: string }

/** How long opening a block holds it for its editor (renewed on each save that keeps it open). */
export const LOCK_MINUTES = 15

const YEAR = /^FY(\d{4})-(\d{2})$/

/** A change's outcome: done, refused with the reason in words (the form shows it), or nothing of that name. */
export type Change<T = undefined> =
  | { readonly outcome: 'done'; readonly value: T }
  | { readonly outcome: 'invalid'; readonly message: string }
  | { readonly outcome: 'not-found' }

/** Saving a block: also "someone else holds it" and "someone saved it since you opened it". */
export type BlockSave =
  | Change<{ readonly version: number }>
  | { readonly outcome: 'locked'; readonly lock: BlockLock }
  | {
      readonly outcome: 'stale'
      /** The text saved since, by whom: shown beside the editor's own so nothing is lost. */
      readonly current: BlockContent
      readonly version: number
      readonly updatedBy: string
    }

export type BlockOpen =
  | { readonly outcome: 'opened'; readonly lock: BlockLock; readonly content: BlockContent; readonly version: number }
  | { readonly outcome: 'locked'; readonly lock: BlockLock; readonly content: BlockContent; readonly version: number }
  | { readonly outcome: 'not-found' }

/** Everything the report's pages show. */
export interface ReportPage {
  readonly report: AssembledReport
  readonly locks: readonly BlockLock[]
  readonly comments: readonly BlockComment[]
  /** The live figures of the year, for the figure picker. */
  readonly liveFigures: readonly Figure[]
  readonly blockers: readonly string[]
  readonly undefinedAcronyms: readonly { acronym: string; uses: number }[]
  /** After approval: bound figures whose live value has since changed. */
  readonly changedSinceApproval: readonly ChangedFigure[]
  readonly decisions: readonly ApprovalDecision[]
  readonly publications: readonly Omit<Publication, 'document'>[]
  /** Whether the number checker is connected (until then approval does not run it: the report's page says so). */
  readonly checkerConnected: boolean
}

export interface AnnualReportDeps {
  readonly database: Database
  readonly repository: AnnualReportRepository
  readonly partnership: string
  /** Where the year's figures come from (the figure catalogue, H4's; a test's own fixtures). */
  readonly providers: readonly FigureProvider[]
  /** The strategy's priorities' names for a year, for the template's "Snapshot of performance" chapters. */
  readonly priorities: (year: string) => Promise<readonly string[]>
  /** A generated part's blocks (Appendix A from the budget, B from the board, C the performance report). */
  readonly generated?: (
    part: Exclude<GeneratedPart, 'glossary'>,
    year: string,
    audience: Audience,
  ) => Promise<readonly DocumentBlock[]>
  /** A KPI's quarters in a year, for its chart. */
  readonly series?: (indicator: string, year: string) => Promise<KpiSeries | null>
  /** The number checker (H4's): its contradictions block approval. Absent until merged: nothing is checked. */
  readonly checker?: NumberChecker
  readonly disclosure: DisclosureRules
  readonly now?: () => Date
}

/** "14:02" in England, for "Being edited by X since 14:02". */
export function londonTime(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  )
}

/** The chapters a new report starts with, following the seed's (the 2017-18 report's) structure. */
export function templateChapters(priorities: readonly string[]): { title: string; blocks: BlockContent[] }[] {
  const text = (markdown: string): BlockContent => ({ kind: 'text', markdown })
  return [
    { title: 'Introduction by the Chair', blocks: [text('')] },
    { title: 'The partnership', blocks: [text('### Who we are\n\n### How we commission')] },
    { title: 'Strategy and priorities', blocks: [text('')] },
    ...priorities.map((p) => ({ title: `${p}: snapshot of performance`, blocks: [text('')] })),
    { title: 'Statutory functions', blocks: [text('')] },
    { title: 'Engagement', blocks: [text('')] },
    { title: 'Next year’s priorities', blocks: [text('')] },
    { title: 'Glossary', blocks: [{ kind: 'generated', part: 'glossary' }] },
    { title: 'Appendix A: budget allocation', blocks: [{ kind: 'generated', part: 'appendix-a' }] },
    {
      title: 'Appendix B: board membership and delivery structure',
      blocks: [{ kind: 'generated', part: 'appendix-b' }],
    },
    { title: 'Appendix C: performance report', blocks: [{ kind: 'generated', part: 'appendix-c' }] },
  ]
}

/** What a generated part says where nothing generates it yet (a partnership without that feature's data). */
const PLACEHOLDERS: Readonly<Record<Exclude<GeneratedPart, 'glossary'>, string>> = {
  'appendix-a': 'Appendix A is generated from the budget.',
  'appendix-b': 'Appendix B is generated from the board.',
  'appendix-c': 'Appendix C is generated from the performance report.',
}

/** The approved document with an amendment's dated note added to its "Amendments" section (made when missing). */
function withAmendment(document: PrintableDocument, note: string): PrintableDocument {
  const block = { kind: 'note' as const, title: 'Amended', runs: [{ text: note }] }
  const [first, ...rest] = document.sections
  if (first?.anchor === 'amendments')
    return { ...document, sections: [{ ...first, blocks: [...first.blocks, block] }, ...rest] }
  return {
    ...document,
    sections: [{ heading: 'Amendments', level: 1, anchor: 'amendments', blocks: [block] }, ...document.sections],
  }
}

/** Reads run on the partnership's handle outside a transaction. */
function readUnit(database: Database): UnitOfWork {
  return { trx: database.db, dialect: database.dialect, partnershipId: partnershipIdOf(database) }
}

const EDITABLE: readonly AnnualReportState[] = ['draft', 'in-review']

export function createAnnualReportService(deps: AnnualReportDeps) {
  const { database, repository } = deps
  const now = deps.now ?? (() => new Date())
  const who = (user: Editor, requestId: string | null = null) => ({ actor: user.email, requestId })
  const isYear = (year: string) => {
    const m = YEAR.exec(year)
    return m !== null && (Number(m[1]) + 1) % 100 === Number(m[2])
  }

  /**
   * The figures a year's report may bind: the year's, and the next year's too, because a year's report prints the
   * next year's budget allocation as its Appendix A (the seed's 2017-18 report prints 2018-19's). `ofYear`: the
   * year's own, what the number checker compares the text with (read once with the rest, not again for the check).
   */
  async function liveFigures(year: string): Promise<{ byKey: Map<string, Figure>; ofYear: readonly Figure[] }> {
    const lists = await Promise.all(deps.providers.flatMap((p) => [p(year), p(nextYear(year))]))
    return {
      byKey: new Map(lists.flat().map((f) => [f.key, f])),
      ofYear: lists.filter((_, i) => i % 2 === 0).flat(),
    }
  }

  /** The report assembled as it shows now: frozen figures once approved, live before. */
  async function assemble(
    row: ReportRow,
    live: ReadonlyMap<string, Figure>,
  ): Promise<{ report: AssembledReport; frozen: Map<string, Figure> | null }> {
    const uow = readUnit(database)
    const [chapters, caseStudies, publications] = await Promise.all([
      repository.chapters(uow, row.id),
      repository.caseStudies(uow, row.id),
      repository.publications(uow, row.id),
    ])
    const frozen =
      row.state === 'approved' || row.state === 'published'
        ? new Map((await repository.frozenFigures(uow, row.id, row.round)).map((f) => [f.key, f]))
        : null
    const figures = frozen ?? live
    const parts = new Set<GeneratedPart>()
    const indicators = new Set<string>()
    for (const c of chapters)
      for (const b of c.blocks) {
        if (b.content.kind === 'generated') parts.add(b.content.part)
        if (b.content.kind === 'chart') indicators.add(b.content.indicator)
        // A quarter bound in a block: its KPI's quarters are read too, so the public version can withhold the
        // complement of a small quarter (withComplementsWithheld in ./annual-report.ts).
        for (const key of figureKeysOf(b.content)) {
          const quarter = /^kpi:([^:]+):[qp]\d+:(FY\d{4}-\d{2})$/.exec(key)
          if (quarter && quarter[2] === row.year) indicators.add(quarter[1] as string)
        }
      }
    const generated = new Map<GeneratedPart, Readonly<Record<Audience, readonly DocumentBlock[]>>>()
    for (const part of parts) {
      if (part === 'glossary') continue
      const placeholder: DocumentBlock[] = [{ kind: 'paragraph', runs: [{ text: PLACEHOLDERS[part] }] }]
      generated.set(part, {
        partnership: deps.generated ? await deps.generated(part, row.year, 'partnership') : placeholder,
        public: deps.generated ? await deps.generated(part, row.year, 'public') : placeholder,
      })
    }
    const series = new Map<string, KpiSeries>()
    for (const indicator of indicators) {
      const s = deps.series ? await deps.series(indicator, row.year) : null
      if (s !== null) series.set(indicator, s)
    }
    const amendments = publications
      .filter((p) => p.amendedOn !== null)
      .map((p) => `Amended on ${dateInWords(p.amendedOn as string)}: ${p.amendmentNote} because ${p.amendmentReason}`)
    return {
      frozen,
      report: {
        id: row.id,
        year: row.year,
        title: row.title,
        partnership: deps.partnership,
        state: row.state,
        round: row.round,
        version: row.version,
        glossary: row.glossary,
        chapters,
        caseStudies,
        figures,
        series,
        generated,
        disclosure: deps.disclosure,
        amendments,
      },
    }
  }

  /** Runs `work` on the year's report when it may be edited (draft or in review). */
  async function editing<T>(
    user: Editor,
    year: string,
    work: (uow: UnitOfWork, report: ReportRow) => Promise<Change<T>>,
  ): Promise<Change<T>> {
    demand(user, 'annual-report:edit')
    if (!isYear(year)) return { outcome: 'not-found' }
    return inUnitOfWork(database, async (uow) => {
      const report = await repository.report(uow, year)
      if (report === null) return { outcome: 'not-found' }
      if (!EDITABLE.includes(report.state))
        return {
          outcome: 'invalid',
          message: `The report is ${report.state === 'approved' ? 'approved' : 'published'}: reopen it to change it`,
        }
      return work(uow, report)
    })
  }

  /** The block when it belongs to the year's report. */
  async function blockOfReport(uow: UnitOfWork, report: ReportRow, blockId: number) {
    const block = await repository.block(uow, blockId)
    return block !== null && block.reportId === report.id ? block : null
  }

  async function chapterOfReport(uow: UnitOfWork, report: ReportRow, chapterId: number) {
    const chapters = await repository.chapters(uow, report.id)
    return chapters.find((c) => c.id === chapterId) ?? null
  }

  const lockLive = (lock: BlockLock | null, at: Date) => lock !== null && lock.expiresAt > at.toISOString()
  /** The live lock someone other than `user` holds on a block, or null: a block they are editing is not changed under them. */
  const lockedByOther = async (uow: UnitOfWork, blockId: number, user: Editor): Promise<BlockLock | null> => {
    const held = await repository.lockOf(uow, blockId)
    return held !== null && lockLive(held, now()) && held.lockedBy !== user.email ? held : null
  }

  const checkContent = (content: BlockContent): string | null => blockContentProblem(content)

  return {
    /** The years' reports and their states ('annual-report:view'). */
    async list(viewer: Principal) {
      demand(viewer, 'annual-report:view')
      return (await repository.reports(readUnit(database))).map((r) => ({
        year: r.year,
        title: r.title,
        state: r.state,
        round: r.round,
      }))
    },

    /** Starts a year's report from the template ('annual-report:edit'). */
    async start(user: Editor, year: string, requestId: string | null = null): Promise<Change<number>> {
      demand(user, 'annual-report:edit')
      if (!isYear(year)) return { outcome: 'invalid', message: 'Enter a financial year, for example FY2018-19' }
      const priorities = await deps.priorities(year)
      return inUnitOfWork(database, async (uow) => {
        if ((await repository.report(uow, year)) !== null)
          return { outcome: 'invalid', message: `The ${yearWords(year)} report has been started already` }
        const title = `${deps.partnership} annual report ${yearWords(year)}`
        const id = await repository.createReport(uow, who(user, requestId), { year, title, glossary: DEFAULT_GLOSSARY })
        let position = 1
        for (const chapter of templateChapters(priorities)) {
          const chapterId = await repository.addChapter(uow, who(user, requestId), id, chapter.title, position++)
          let blockPosition = 1
          for (const block of chapter.blocks)
            await repository.addBlock(uow, who(user, requestId), chapterId, block, blockPosition++)
        }
        return { outcome: 'done', value: id }
      })
    },

    /** The report's page ('annual-report:view'); null when the year has none. */
    async page(viewer: Principal, year: string): Promise<ReportPage | null> {
      demand(viewer, 'annual-report:view')
      if (!isYear(year)) return null
      const uow = readUnit(database)
      const row = await repository.report(uow, year)
      if (row === null) return null
      const { byKey: live, ofYear } = await liveFigures(year)
      const { report, frozen } = await assemble(row, live)
      const blockIds = report.chapters.flatMap((c) => c.blocks.map((b) => b.id))
      const [locks, comments, decisions, publications] = await Promise.all([
        repository.locksOf(uow, blockIds),
        repository.commentsOf(uow, blockIds),
        repository.approvalDecisions(uow, year),
        repository.publications(uow, row.id),
      ])
      const findings =
        deps.checker && EDITABLE.includes(row.state) ? await deps.checker(reportText(report), ofYear) : []
      return {
        report,
        locks: locks.filter((l) => lockLive(l, now())),
        comments,
        liveFigures: [...live.values()],
        blockers: EDITABLE.includes(row.state) ? approvalBlockers(report, findings) : [],
        undefinedAcronyms: reportUndefinedAcronyms(report),
        changedSinceApproval: frozen ? changedSinceApproval(frozen, live, deps.disclosure) : [],
        decisions,
        publications: publications.map(({ document: _d, ...p }) => p),
        checkerConnected: deps.checker !== undefined,
      }
    },

    /** The report as the printable model ('annual-report:view'): what the pages and the outputs read. */
    async document(viewer: Principal, year: string, audience: Audience): Promise<PrintableDocument | null> {
      demand(viewer, 'annual-report:view')
      if (!isYear(year)) return null
      const row = await repository.report(readUnit(database), year)
      if (row === null) return null
      const { report } = await assemble(row, (await liveFigures(year)).byKey)
      return annualReportDocument(report, { audience })
    },

    // ---- Chapters ---------------------------------------------------------------------------------------------
    async addChapter(user: Editor, year: string, title: string, requestId: string | null = null) {
      const clean = title.trim()
      if (clean === '' || clean.length > 200)
        return { outcome: 'invalid', message: 'Enter the chapter’s title (200 characters or fewer)' } as const
      return editing(user, year, async (uow, report) => {
        const chapters = await repository.chapters(uow, report.id)
        const position = Math.max(0, ...chapters.map((c) => c.position)) + 1
        const id = await repository.addChapter(uow, who(user, requestId), report.id, clean, position)
        await repository.addBlock(uow, who(user, requestId), id, { kind: 'text', markdown: '' }, 1)
        return { outcome: 'done', value: id }
      })
    },
    async renameChapter(user: Editor, year: string, chapterId: number, title: string, requestId: string | null = null) {
      const clean = title.trim()
      if (clean === '' || clean.length > 200)
        return { outcome: 'invalid', message: 'Enter the chapter’s title (200 characters or fewer)' } as const
      return editing(user, year, async (uow, report) => {
        if ((await chapterOfReport(uow, report, chapterId)) === null) return { outcome: 'not-found' }
        await repository.updateChapter(uow, who(user, requestId), chapterId, { title: clean })
        return { outcome: 'done', value: undefined }
      })
    },
    /** Moves a chapter one place up or down (renumbering all, so positions stay 1, 2, 3, …). */
    async moveChapter(
      user: Editor,
      year: string,
      chapterId: number,
      direction: 'up' | 'down',
      requestId: string | null = null,
    ) {
      return editing(user, year, async (uow, report) => {
        const chapters = await repository.chapters(uow, report.id)
        const index = chapters.findIndex((c) => c.id === chapterId)
        if (index < 0) return { outcome: 'not-found' }
        const other = direction === 'up' ? index - 1 : index + 1
        if (other < 0 || other >= chapters.length) return { outcome: 'done', value: undefined }
        const order = chapters.map((c) => c.id)
        ;[order[index], order[other]] = [order[other] as number, order[index] as number]
        for (const [i, id] of order.entries()) {
          const chapter = chapters.find((c) => c.id === id)
          if (chapter && chapter.position !== i + 1)
            await repository.updateChapter(uow, who(user, requestId), id, { position: i + 1 })
        }
        return { outcome: 'done', value: undefined }
      })
    },
    async removeChapter(user: Editor, year: string, chapterId: number, requestId: string | null = null) {
      return editing(user, year, async (uow, report) => {
        if ((await chapterOfReport(uow, report, chapterId)) === null) return { outcome: 'not-found' }
        await repository.removeChapter(uow, who(user, requestId), chapterId)
        return { outcome: 'done', value: undefined }
      })
    },

    // ---- Blocks -----------------------------------------------------------------------------------------------
    async addBlock(
      user: Editor,
      year: string,
      chapterId: number,
      content: BlockContent,
      requestId: string | null = null,
    ) {
      const problem = checkContent(content)
      if (problem !== null) return { outcome: 'invalid', message: problem } as const
      return editing(user, year, async (uow, report) => {
        const chapter = await chapterOfReport(uow, report, chapterId)
        if (chapter === null) return { outcome: 'not-found' }
        if (content.kind === 'case-study') {
          const studies = await repository.caseStudies(uow, report.id)
          if (!studies.some((s) => s.id === content.caseStudyId))
            return { outcome: 'invalid', message: 'Choose a case study of this report' }
        }
        const position = Math.max(0, ...chapter.blocks.map((b) => b.position)) + 1
        const id = await repository.addBlock(uow, who(user, requestId), chapterId, content, position)
        return { outcome: 'done', value: id }
      })
    },

    /**
     * Opens a block to edit: takes its lock for 15 minutes, or renews the editor's own. A lock someone else holds
     * and that has not expired is not taken: the answer says who holds it and since when. An expired lock is taken.
     */
    async openBlock(user: Editor, year: string, blockId: number, requestId: string | null = null): Promise<BlockOpen> {
      const result = await editing<BlockOpen>(user, year, async (uow, report) => {
        const block = await blockOfReport(uow, report, blockId)
        if (block === null) return { outcome: 'not-found' }
        const at = now()
        const held = await repository.lockOf(uow, blockId)
        if (held !== null && lockLive(held, at) && held.lockedBy !== user.email)
          return {
            outcome: 'done',
            value: { outcome: 'locked', lock: held, content: block.content, version: block.version },
          }
        const lock: BlockLock = {
          blockId,
          lockedBy: user.email,
          lockedByName: user.name,
          since: held !== null && lockLive(held, at) && held.lockedBy === user.email ? held.since : at.toISOString(),
          expiresAt: new Date(at.getTime() + LOCK_MINUTES * 60_000).toISOString(),
        }
        await repository.setLock(uow, who(user, requestId), lock)
        return { outcome: 'done', value: { outcome: 'opened', lock, content: block.content, version: block.version } }
      })
      return result.outcome === 'done' ? result.value : { outcome: 'not-found' }
    },

    /**
     * Saves a block. Refused while someone else holds its lock, and when `version` is not the stored one (someone
     * saved since the editor opened it): the answer then carries the saved text, so the editor's own is not lost.
     * The editor's save releases their lock; `keepEditing` renews it instead.
     */
    async saveBlock(
      user: Editor,
      year: string,
      blockId: number,
      version: number,
      content: BlockContent,
      options: { keepEditing?: boolean; requestId?: string | null } = {},
    ): Promise<BlockSave> {
      const requestId = options.requestId ?? null
      const result = await editing<BlockSave>(user, year, async (uow, report) => {
        const block = await blockOfReport(uow, report, blockId)
        if (block === null) return { outcome: 'not-found' }
        if (content.kind !== block.content.kind) return { outcome: 'invalid', message: 'A block keeps its kind' }
        const problem = checkContent(content)
        if (problem !== null) return { outcome: 'invalid', message: problem }
        const at = now()
        const held = await repository.lockOf(uow, blockId)
        if (held !== null && lockLive(held, at) && held.lockedBy !== user.email)
          return { outcome: 'done', value: { outcome: 'locked', lock: held } }
        if (block.version !== version)
          return {
            outcome: 'done',
            value: { outcome: 'stale', current: block.content, version: block.version, updatedBy: block.updatedBy },
          }
        await repository.updateBlock(uow, who(user, requestId), blockId, version, { content })
        if (options.keepEditing)
          await repository.setLock(uow, who(user, requestId), {
            blockId,
            lockedBy: user.email,
            lockedByName: user.name,
            since: held?.lockedBy === user.email ? held.since : at.toISOString(),
            expiresAt: new Date(at.getTime() + LOCK_MINUTES * 60_000).toISOString(),
          })
        else if (held !== null) await repository.releaseLock(uow, who(user, requestId), blockId)
        return { outcome: 'done', value: { outcome: 'done', value: { version: version + 1 } } }
      })
      return result.outcome === 'done' ? result.value : result
    },

    async moveBlock(
      user: Editor,
      year: string,
      blockId: number,
      direction: 'up' | 'down',
      requestId: string | null = null,
    ) {
      return editing(user, year, async (uow, report) => {
        const block = await blockOfReport(uow, report, blockId)
        if (block === null) return { outcome: 'not-found' }
        const chapter = await chapterOfReport(uow, report, block.chapterId)
        const blocks = chapter?.blocks ?? []
        const index = blocks.findIndex((b) => b.id === blockId)
        const other = direction === 'up' ? index - 1 : index + 1
        if (other < 0 || other >= blocks.length) return { outcome: 'done', value: undefined }
        // Swapping changes both blocks' positions (and versions): neither may be one someone else is editing.
        for (const id of [blockId, (blocks[other] as { id: number }).id]) {
          const held = await lockedByOther(uow, id, user)
          if (held)
            return { outcome: 'invalid', message: `Being edited by ${held.lockedByName}: it cannot be moved now` }
        }
        const order = blocks.map((b) => b.id)
        ;[order[index], order[other]] = [order[other] as number, order[index] as number]
        for (const [i, id] of order.entries()) {
          const b = blocks.find((x) => x.id === id)
          if (b && b.position !== i + 1)
            await repository.updateBlock(uow, who(user, requestId), id, b.version, { position: i + 1 })
        }
        return { outcome: 'done', value: undefined }
      })
    },
    /**
     * Moves a block to the end of another chapter of the same report. `version` is the block's version on the page
     * the editor moved it from: when someone has saved or moved it since, the move is refused, so nobody moves a block
     * they have not seen as it is. A block someone else is editing (a live lock) is not moved under them. The chapter
     * it leaves keeps its other blocks' positions (a gap orders as well as 1, 2, 3), so their versions do not change
     * and nobody editing one of them is told their copy is stale.
     */
    async moveBlockToChapter(
      user: Editor,
      year: string,
      blockId: number,
      version: number,
      chapterId: number,
      requestId: string | null = null,
    ) {
      return editing(user, year, async (uow, report) => {
        const block = await blockOfReport(uow, report, blockId)
        if (block === null) return { outcome: 'not-found' }
        const chapter = await chapterOfReport(uow, report, chapterId)
        if (chapter === null) return { outcome: 'invalid', message: 'Choose a chapter of this report' }
        if (chapter.id === block.chapterId)
          return { outcome: 'invalid', message: `The block is in “${chapter.title}” already` }
        const held = await lockedByOther(uow, blockId, user)
        if (held) return { outcome: 'invalid', message: `Being edited by ${held.lockedByName}: it cannot be moved now` }
        if (block.version !== version)
          return {
            outcome: 'invalid',
            message: `${block.updatedBy} changed this block after you loaded the page: look at it again, then move it`,
          }
        const position = Math.max(0, ...chapter.blocks.map((b) => b.position)) + 1
        // The update is itself conditional on the version: a save committed between the read and here wins.
        if (!(await repository.updateBlock(uow, who(user, requestId), blockId, version, { chapterId, position })))
          return { outcome: 'invalid', message: 'Someone changed this block just now: look at it again, then move it' }
        return { outcome: 'done', value: undefined }
      })
    },
    async removeBlock(user: Editor, year: string, blockId: number, requestId: string | null = null) {
      return editing(user, year, async (uow, report) => {
        const block = await blockOfReport(uow, report, blockId)
        if (block === null) return { outcome: 'not-found' }
        const held = await lockedByOther(uow, blockId, user)
        if (held)
          return { outcome: 'invalid', message: `Being edited by ${held.lockedByName}: it cannot be removed now` }
        await repository.removeBlock(uow, who(user, requestId), blockId)
        return { outcome: 'done', value: undefined }
      })
    },

    // ---- Comments ---------------------------------------------------------------------------------------------
    async addComment(user: Editor, year: string, blockId: number, text: string, requestId: string | null = null) {
      const clean = text.trim()
      if (clean === '' || clean.length > 2000)
        return { outcome: 'invalid', message: 'Enter the comment (2,000 characters or fewer)' } as const
      return editing(user, year, async (uow, report) => {
        if ((await blockOfReport(uow, report, blockId)) === null) return { outcome: 'not-found' }
        return { outcome: 'done', value: await repository.addComment(uow, who(user, requestId), blockId, clean) }
      })
    },
    async resolveComment(user: Editor, year: string, commentId: number, requestId: string | null = null) {
      return editing(user, year, async (uow, report) => {
        const blockIds = (await repository.chapters(uow, report.id)).flatMap((c) => c.blocks.map((b) => b.id))
        const comments = await repository.commentsOf(uow, blockIds)
        if (!comments.some((c) => c.id === commentId)) return { outcome: 'not-found' }
        await repository.resolveComment(uow, who(user, requestId), commentId)
        return { outcome: 'done', value: undefined }
      })
    },

    // ---- Case studies -----------------------------------------------------------------------------------------
    async addCaseStudy(
      user: Editor,
      year: string,
      study: { title: string; text: string; anonymised: boolean },
      requestId: string | null = null,
    ) {
      const title = study.title.trim()
      const text = study.text.trim()
      if (title === '' || text === '')
        return { outcome: 'invalid', message: 'Enter the case study’s title and its text' } as const
      return editing(user, year, async (uow, report) => ({
        outcome: 'done',
        value: await repository.addCaseStudy(uow, who(user, requestId), report.id, {
          title,
          text,
          anonymised: study.anonymised,
        }),
      }))
    },
    /** Records that the person the case study is about consented, and on which date ('YYYY-MM-DD'). */
    async recordConsent(
      user: Editor,
      year: string,
      id: number,
      consentDate: string,
      anonymised: boolean,
      requestId: string | null = null,
    ) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(consentDate) || Number.isNaN(Date.parse(consentDate)))
        return { outcome: 'invalid', message: 'Enter the date consent was given, for example 2018-03-14' } as const
      return editing(user, year, async (uow, report) => {
        if (!(await repository.caseStudies(uow, report.id)).some((s) => s.id === id)) return { outcome: 'not-found' }
        await repository.updateCaseStudy(
          uow,
          who(user, requestId),
          id,
          { consent_recorded_by: user.email, consent_date: consentDate, anonymised: anonymised ? 1 : 0 },
          'record-consent',
        )
        return { outcome: 'done', value: undefined }
      })
    },
    /** Approves a case study: only once it is anonymised and its consent recorded. */
    async approveCaseStudy(user: Editor, year: string, id: number, requestId: string | null = null) {
      return editing(user, year, async (uow, report) => {
        const study = (await repository.caseStudies(uow, report.id)).find((s) => s.id === id)
        if (study === undefined) return { outcome: 'not-found' }
        if (!study.anonymised || study.consentDate === null)
          return { outcome: 'invalid', message: 'Record the consent and mark the case study as anonymised first' }
        await repository.updateCaseStudy(
          uow,
          who(user, requestId),
          id,
          { approved_by: user.email, approved_at: now().toISOString() },
          'approve',
        )
        return { outcome: 'done', value: undefined }
      })
    },

    // ---- Glossary ---------------------------------------------------------------------------------------------
    async saveGlossary(user: Editor, year: string, text: string, requestId: string | null = null) {
      const { entries, problems } = parseGlossary(text)
      if (problems.length > 0) return { outcome: 'invalid', message: problems[0] as string } as const
      return editing(user, year, async (uow) => {
        await repository.updateReport(
          uow,
          who(user, requestId),
          year,
          { glossary: entries as GlossaryEntry[] },
          'update-glossary',
        )
        return { outcome: 'done', value: undefined }
      })
    },

    // ---- Review, approval, publication ------------------------------------------------------------------------
    async sendForReview(user: Editor, year: string, requestId: string | null = null) {
      return editing(user, year, async (uow, report) => {
        if (report.state !== 'draft') return { outcome: 'invalid', message: 'The report is in review already' }
        await repository.updateReport(uow, who(user, requestId), year, { state: 'in-review' }, 'send-for-review')
        return { outcome: 'done', value: undefined }
      })
    },

    /**
     * Approves the report with the board's decision ('annual-report:publish'): refused while anything blocks it
     * (`approvalBlockers`) or when the decision is not a held meeting's approval of this year's report, or approved
     * an earlier round. Every bound figure is frozen as it is now.
     */
    async approve(
      user: Editor,
      year: string,
      decisionId: number,
      requestId: string | null = null,
    ): Promise<Change<readonly string[]>> {
      demand(user, 'annual-report:publish')
      if (!isYear(year)) return { outcome: 'not-found' }
      const row = await repository.report(readUnit(database), year)
      if (row === null) return { outcome: 'not-found' }
      if (row.state !== 'in-review')
        return { outcome: 'invalid', message: 'Send the report for review before approving it' }
      const { byKey: live, ofYear } = await liveFigures(year)
      const { report } = await assemble(row, live)
      const findings = deps.checker ? await deps.checker(reportText(report), ofYear) : []
      const blockers = approvalBlockers(report, findings)
      if (blockers.length > 0)
        return { outcome: 'invalid', message: `The report cannot be approved yet: ${blockers.join('; ')}` }
      return inUnitOfWork(database, async (uow): Promise<Change<readonly string[]>> => {
        const current = await repository.report(uow, year)
        if (current === null || current.version !== row.version)
          return { outcome: 'invalid', message: 'The report changed while it was being approved: look at it again' }
        const decisions = await repository.approvalDecisions(uow, year)
        if (decisions.length === 0)
          return { outcome: 'invalid', message: 'Record the board’s decision at a meeting first' }
        if (!decisions.some((d) => d.id === decisionId))
          return { outcome: 'invalid', message: 'Choose a decision of the board approving this year’s report' }
        const used = (await repository.publications(uow, row.id)).map((p) => p.decisionId)
        if (used.includes(decisionId))
          return {
            outcome: 'invalid',
            message: 'That decision approved an earlier version: an amendment needs a decision of its own',
          }
        const keys = new Set(report.chapters.flatMap((c) => c.blocks.flatMap((b) => figureKeysOf(b.content))))
        const frozen = [...keys].map((k) => live.get(k) as Figure)
        await repository.freezeFigures(uow, who(user, requestId), row.id, row.round, frozen)
        // The public document as approved, generated appendices included: publication stores exactly this.
        const approved = annualReportDocument({ ...report, state: 'published' }, { audience: 'public' })
        await repository.updateReport(
          uow,
          who(user, requestId),
          year,
          {
            state: 'approved',
            approved_decision_id: decisionId,
            approved_at: now().toISOString(),
            approved_by: user.email,
            approved_document: JSON.stringify(approved),
          },
          'approve',
        )
        return { outcome: 'done', value: frozen.map((f) => f.key) }
      })
    },

    /**
     * Publishes the approved report ('annual-report:publish'): stores the public document as it is now (the frozen
     * figures, disclosure control applied), which the public page serves. After the first publication a round is an
     * amendment: `amendment` (what changed, and why) is required and printed, dated, on the public page.
     */
    async publish(
      user: Editor,
      year: string,
      amendment: { note: string; reason: string } | null,
      requestId: string | null = null,
    ): Promise<Change> {
      demand(user, 'annual-report:publish')
      if (!isYear(year)) return { outcome: 'not-found' }
      const row = await repository.report(readUnit(database), year)
      if (row === null) return { outcome: 'not-found' }
      if (row.state !== 'approved' || row.approvedDecisionId === null)
        return { outcome: 'invalid', message: 'Only an approved report can be published' }
      const note = amendment?.note.trim() ?? ''
      const reason = amendment?.reason.trim() ?? ''
      if (row.round > 1 && (note === '' || reason === ''))
        return { outcome: 'invalid', message: 'Say what the amendment changed and why' }
      const at = now()
      const amendedOn = row.round > 1 ? londonDate(at) : null
      const approved = await repository.approvedDocument(readUnit(database), year)
      if (approved === null) return { outcome: 'invalid', message: 'Only an approved report can be published' }
      const document =
        amendedOn === null
          ? approved
          : withAmendment(approved, `Amended on ${dateInWords(amendedOn)}: ${note} because ${reason}`)
      return inUnitOfWork(database, async (uow): Promise<Change> => {
        const current = await repository.report(uow, year)
        if (current === null || current.version !== row.version)
          return { outcome: 'invalid', message: 'The report changed while it was being published: look at it again' }
        await repository.addPublication(uow, who(user, requestId), row.id, year, {
          round: row.round,
          decisionId: row.approvedDecisionId as number,
          document,
          publishedAt: at.toISOString(),
          publishedBy: user.email,
          amendedOn,
          amendmentNote: amendedOn === null ? null : note,
          amendmentReason: amendedOn === null ? null : reason,
        })
        await repository.updateReport(uow, who(user, requestId), year, { state: 'published' }, 'publish')
        return { outcome: 'done', value: undefined }
      })
    },

    /** Reopens a published (or approved) report for an amendment: back to draft, a new round needing a new decision. */
    async reopen(user: Editor, year: string, requestId: string | null = null): Promise<Change> {
      demand(user, 'annual-report:publish')
      if (!isYear(year)) return { outcome: 'not-found' }
      return inUnitOfWork(database, async (uow): Promise<Change> => {
        const row = await repository.report(uow, year)
        if (row === null) return { outcome: 'not-found' }
        if (row.state !== 'published' && row.state !== 'approved')
          return { outcome: 'invalid', message: 'The report is being edited already' }
        const publications = await repository.publications(uow, row.id)
        const published = publications.some((p) => p.round === row.round)
        await repository.updateReport(
          uow,
          who(user, requestId),
          year,
          {
            state: 'draft',
            // An approved report not yet published keeps its round: its approval is set aside, nothing was published.
            round: published ? row.round + 1 : row.round,
            approved_decision_id: null,
            approved_at: null,
            approved_by: null,
            approved_document: null,
          },
          'reopen',
        )
        if (!published) await repository.unfreezeFigures(uow, who(user, requestId), row.id, row.round)
        return { outcome: 'done', value: undefined }
      })
    },

    /** The latest publication of a year (no permission: it is public); null when never published. */
    async published(year: string): Promise<{ document: PrintableDocument; publishedAt: string; round: number } | null> {
      if (!isYear(year)) return null
      const uow = readUnit(database)
      const row = await repository.report(uow, year)
      if (row === null) return null
      const publications = await repository.publications(uow, row.id)
      const latest = publications[publications.length - 1]
      return latest ? { document: latest.document, publishedAt: latest.publishedAt, round: latest.round } : null
    },

    /** Whether the year has a report at all, published or not (the public page says one is being prepared). */
    async exists(year: string): Promise<boolean> {
      return isYear(year) && (await repository.report(readUnit(database), year)) !== null
    },

    /**
     * The demo's report (src/annual-report/annual-report-demo.ts): made once, with its chapters, blocks and case
     * studies, as `actor`, and sent for review; approved and published with the first decision of the board approving
     * it, when the board's data holds one and nothing blocks it. Loading again adds nothing. Answers the figure keys the
     * report binds that the year's figures do not hold (the demo's test names them), and the state it is left in.
     */
    async loadDemo(
      content: DemoReport,
      actor: string,
    ): Promise<{ readonly unknownKeys: readonly string[]; readonly state: AnnualReportState }> {
      const system = { actor, requestId: null }
      await inUnitOfWork(database, async (uow) => {
        if ((await repository.report(uow, content.year)) !== null) return
        const id = await repository.createReport(uow, system, {
          year: content.year,
          title: content.title,
          glossary: DEFAULT_GLOSSARY,
        })
        const studies = new Map<string, number>()
        for (const study of content.caseStudies) {
          const studyId = await repository.addCaseStudy(uow, system, id, study)
          // The seed printed it: its consent was recorded and it was approved before the report was published.
          await repository.updateCaseStudy(
            uow,
            system,
            studyId,
            {
              consent_recorded_by: actor,
              consent_date: content.consentDate,
              approved_by: actor,
              approved_at: now().toISOString(),
            },
            'approve',
          )
          studies.set(study.title, studyId)
        }
        let position = 1
        for (const chapter of content.chapters) {
          const chapterId = await repository.addChapter(uow, system, id, chapter.title, position++)
          let blockPosition = 1
          for (const block of chapter.blocks) {
            const blockContent: BlockContent =
              block.kind === 'case-study'
                ? { kind: 'case-study', caseStudyId: studies.get(block.caseStudy) ?? 0 }
                : block
            const problem = blockContentProblem(blockContent)
            if (problem !== null) throw new Error(`The demo report's “${chapter.title}” has a bad block: ${problem}`)
            await repository.addBlock(uow, system, chapterId, blockContent, blockPosition++)
          }
        }
        await repository.updateReport(uow, system, content.year, { state: 'in-review' }, 'send-for-review')
      })
      const row = (await repository.report(readUnit(database), content.year)) as ReportRow
      const { byKey: live } = await liveFigures(content.year)
      const { report } = await assemble(row, live)
      const unknownKeys = unknownFigureKeys(report).map((u) => u.key)
      const decisions = await repository.approvalDecisions(readUnit(database), content.year)
      const first = decisions[0]
      if (row.state !== 'in-review' || first === undefined || approvalBlockers(report).length > 0)
        return { unknownKeys, state: row.state }
      const keys = new Set(report.chapters.flatMap((c) => c.blocks.flatMap((b) => figureKeysOf(b.content))))
      const document = annualReportDocument({ ...report, state: 'published' }, { audience: 'public' })
      await inUnitOfWork(database, async (uow) => {
        await repository.freezeFigures(
          uow,
          system,
          row.id,
          row.round,
          [...keys].map((k) => live.get(k) as Figure),
        )
        await repository.updateReport(
          uow,
          system,
          content.year,
          {
            state: 'approved',
            approved_decision_id: first.id,
            approved_at: now().toISOString(),
            approved_by: actor,
            approved_document: JSON.stringify(document),
          },
          'approve',
        )
        await repository.addPublication(uow, system, row.id, content.year, {
          round: row.round,
          decisionId: first.id,
          document,
          publishedAt: now().toISOString(),
          publishedBy: actor,
          amendedOn: null,
          amendmentNote: null,
          amendmentReason: null,
        })
        await repository.updateReport(uow, system, content.year, { state: 'published' }, 'publish')
      })
      return { unknownKeys, state: 'published' }
    },

    /** The years with a publication, newest first (public). */
    async publishedYears(): Promise<string[]> {
      const uow = readUnit(database)
      const years: string[] = []
      for (const r of await repository.reports(uow))
        if ((await repository.publications(uow, r.id)).length > 0) years.push(r.year)
      return years
    },
  }
}

export type AnnualReportService = ReturnType<typeof createAnnualReportService>
