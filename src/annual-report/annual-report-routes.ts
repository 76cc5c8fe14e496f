import { documentFormatOf, sendDownload } from '../documents/send-document.ts'
import type { PdfPrinter } from '../documents/pdf-printer.ts'
import express, { type Request, type Response } from 'express'
import { can } from '../accounts/permissions.ts'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { formField, idParameter } from '../accounts/web/forms.ts'
import {
  blockDocument,
  GENERATED_PART_NAMES,
  yearWords,
  type BlockContent,
  type GeneratedPart,
} from './annual-report.ts'
import { londonTime, type AnnualReportService, type Editor } from './annual-report-service.ts'

export interface AnnualReportRoutesOptions {
  readonly annualReport: AnnualReportService
  readonly accounts: Pick<AccountService, 'log'>
  /** Prints the PDF and draws the DOCX's charts (src/documents/pdf-printer.ts). */
  readonly printer: PdfPrinter
}

const YEAR = /^FY\d{4}-\d{2}$/

const STATE_WORDS = { draft: 'Draft', 'in-review': 'In review', approved: 'Approved', published: 'Published' } as const

/** The block a form describes: its kind and fields (a table's keys one a line). */
function contentFromForm(body: unknown, kind: string): BlockContent | null {
  switch (kind) {
    case 'text':
      return { kind, markdown: formField(body, 'markdown').replace(/\r\n/g, '\n') }
    case 'figure':
      return { kind, key: formField(body, 'key').trim() }
    case 'table':
      return {
        kind,
        caption: formField(body, 'caption').trim(),
        keys: formField(body, 'keys')
          .split(/\s+/)
          .filter((k) => k !== ''),
      }
    case 'chart':
      return { kind, indicator: formField(body, 'indicator').trim(), caption: formField(body, 'caption').trim() }
    case 'case-study':
      return { kind, caseStudyId: Number(formField(body, 'caseStudyId')) }
    case 'generated': {
      const part = formField(body, 'part')
      return part in GENERATED_PART_NAMES ? { kind, part: part as GeneratedPart } : null
    }
    default:
      return null
  }
}

/**
 * The annual report builder's pages (src/annual-report/): `/annual-report` the years' reports ('annual-report:view')
 * and the form to start one ('annual-report:edit'); `/annual-report/FY2018-19` the report with its chapters and blocks,
 * comments, case studies, glossary, approval and publication; `/annual-report/FY2018-19/blocks/7` a block's edit form
 * (opening it to edit locks it). Every write is a POST form that works without JavaScript and returns to the page
 * (303), or shows the page again with a GOV.UK error summary. `/public/annual-report/FY2017-18` (no sign-in) serves the
 * latest publication.
 */
export function annualReportRoutes(options: AnnualReportRoutesOptions): express.Router {
  const router = express.Router()
  const { annualReport, accounts } = options
  const view = [requirePermission(accounts, 'annual-report:view')]
  const edit = [requirePermission(accounts, 'annual-report:edit')]
  const publish = [requirePermission(accounts, 'annual-report:publish')]
  const editor = (res: Response): Editor | null => res.locals.currentUser ?? null

  router.get('/annual-report', ...view, async (req, res, next) => {
    const user = editor(res)
    if (!user) return next()
    const reports = await annualReport.list(user)
    res.render('annual-report/annual-report-list.njk', {
      pageTitle: 'Annual report',
      reports: reports.map((r) => ({ ...r, label: yearWords(r.year), stateWords: STATE_WORDS[r.state] })),
      mayEdit: can(user, 'annual-report:edit'),
      errorList: [],
    })
  })

  router.post('/annual-report', ...edit, async (req, res, next) => {
    const user = editor(res)
    if (!user) return next()
    const year = formField(req.body, 'year').trim()
    const result = await annualReport.start(user, year)
    if (result.outcome === 'done') return res.redirect(303, `${req.baseUrl}/annual-report/${year}`)
    const reports = await annualReport.list(user)
    res.status(400).render('annual-report/annual-report-list.njk', {
      pageTitle: 'Error: Annual report',
      reports: reports.map((r) => ({ ...r, label: yearWords(r.year), stateWords: STATE_WORDS[r.state] })),
      mayEdit: true,
      year,
      errorList: [{ text: result.outcome === 'invalid' ? result.message : 'Enter a financial year', href: '#year' }],
    })
  })

  /** The report's page, with a problem from a form shown at the top when there is one. */
  const renderReport = async (req: Request, res: Response, year: string, problem: string | null): Promise<boolean> => {
    const user = editor(res)
    if (!user) return false
    const page = await annualReport.page(user, year)
    if (page === null) return false
    const report = page.report
    const editable = report.state === 'draft' || report.state === 'in-review'
    const locks = new Map(page.locks.map((l) => [l.blockId, l]))
    res.status(problem ? 400 : 200).render('annual-report/annual-report.njk', {
      pageTitle: `${problem ? 'Error: ' : ''}${report.title}`,
      page,
      report,
      yearLabel: yearWords(year),
      stateWords: STATE_WORDS[report.state],
      editable,
      mayEdit: can(user, 'annual-report:edit') && editable,
      mayPublish: can(user, 'annual-report:publish'),
      chapters: report.chapters.map((chapter, index) => ({
        ...chapter,
        first: index === 0,
        last: index === report.chapters.length - 1,
        // Where its blocks may be moved: every other chapter, in the report's order.
        moveTargets: report.chapters.filter((c) => c.id !== chapter.id).map((c) => ({ value: c.id, text: c.title })),
        blocks: chapter.blocks.map((block, blockIndex) => {
          const lock = locks.get(block.id)
          return {
            ...block,
            kindWords:
              block.content.kind === 'generated' ? GENERATED_PART_NAMES[block.content.part] : block.content.kind,
            printed: blockDocument(report, block, 'partnership'),
            first: blockIndex === 0,
            last: blockIndex === chapter.blocks.length - 1,
            lock: lock ? { ...lock, sinceTime: londonTime(lock.since), mine: lock.lockedBy === user.email } : null,
            comments: page.comments.filter((c) => c.blockId === block.id),
          }
        }),
      })),
      generatedParts: Object.entries(GENERATED_PART_NAMES).map(([value, text]) => ({ value, text })),
      glossaryText: report.glossary.map((g) => `${g.term}: ${g.meaning}`).join('\n'),
      notice: typeof req.query.done === 'string' ? req.query.done : null,
      errorList: problem ? [{ text: problem, href: '#problem' }] : [],
      problem,
    })
    return true
  }

  router.get('/annual-report/:year', ...view, async (req, res, next) => {
    const year = String(req.params.year)
    if (!YEAR.test(year) || !(await renderReport(req, res, year, null))) next()
  })

  /** Sends the outcome of a change: back to the report (303) when done, the page with the problem when refused. */
  const after = async (
    req: Request,
    res: Response,
    next: express.NextFunction,
    year: string,
    result: { outcome: string; message?: string },
    done: string,
    anchor = '',
  ) => {
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'invalid') {
      if (!(await renderReport(req, res, year, result.message ?? 'That could not be done'))) next()
      return
    }
    res.redirect(303, `${req.baseUrl}/annual-report/${year}?done=${done}${anchor}`)
  }

  const yearOf = (req: Request) => {
    const year = String(req.params.year)
    return YEAR.test(year) ? year : null
  }

  router.post('/annual-report/:year/chapters', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    await after(
      req,
      res,
      next,
      year,
      await annualReport.addChapter(user, year, formField(req.body, 'title')),
      'chapter-added',
    )
  })

  router.post('/annual-report/:year/chapter', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const chapter = idParameter(formField(req.body, 'chapter'))
    if (chapter === null) return after(req, res, next, year, { outcome: 'invalid', message: 'Choose a chapter' }, '')
    const action = formField(req.body, 'action')
    const result =
      action === 'rename'
        ? await annualReport.renameChapter(user, year, chapter, formField(req.body, 'title'))
        : action === 'up' || action === 'down'
          ? await annualReport.moveChapter(user, year, chapter, action)
          : action === 'remove'
            ? await annualReport.removeChapter(user, year, chapter)
            : { outcome: 'invalid' as const, message: 'Choose what to do with the chapter' }
    await after(req, res, next, year, result, `chapter-${action}`, `#chapter-${chapter}`)
  })

  router.post('/annual-report/:year/blocks', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const chapter = idParameter(formField(req.body, 'chapter'))
    if (chapter === null) return after(req, res, next, year, { outcome: 'invalid', message: 'Choose a chapter' }, '')
    const content = contentFromForm(req.body, formField(req.body, 'kind'))
    const result =
      content === null
        ? { outcome: 'invalid' as const, message: 'Choose the kind of block' }
        : await annualReport.addBlock(user, year, chapter, content)
    await after(req, res, next, year, result, 'block-added', `#chapter-${chapter}`)
  })

  /** A block's edit form: the block, who holds it, the form when the viewer holds its lock. */
  const renderBlock = async (
    req: Request,
    res: Response,
    year: string,
    blockId: number,
    state: {
      problem?: string | null
      draft?: BlockContent | null
      stale?: { current: BlockContent; updatedBy: string } | null
      version?: number
    },
  ): Promise<boolean> => {
    const user = editor(res)
    if (!user) return false
    const page = await annualReport.page(user, year)
    if (page === null) return false
    const chapter = page.report.chapters.find((c) => c.blocks.some((b) => b.id === blockId))
    const block = chapter?.blocks.find((b) => b.id === blockId)
    if (!chapter || !block) return false
    const lock = page.locks.find((l) => l.blockId === blockId) ?? null
    const content = state.draft ?? block.content
    const problem = state.problem ?? null
    res.status(problem || state.stale ? 409 : 200).render('annual-report/annual-report-block.njk', {
      pageTitle: `${problem || state.stale ? 'Error: ' : ''}Edit a block of “${chapter.title}”`,
      report: page.report,
      yearLabel: yearWords(year),
      chapter,
      block,
      content,
      version: state.version ?? block.version,
      lock: lock ? { ...lock, sinceTime: londonTime(lock.since), mine: lock.lockedBy === user.email } : null,
      stale: state.stale ?? null,
      staleText: state.stale && state.stale.current.kind === 'text' ? state.stale.current.markdown : null,
      tableKeys: content.kind === 'table' ? content.keys.join('\n') : '',
      caseStudies: page.report.caseStudies,
      generatedParts: Object.entries(GENERATED_PART_NAMES).map(([value, text]) => ({ value, text })),
      figures: page.liveFigures,
      editable: page.report.state === 'draft' || page.report.state === 'in-review',
      errorList: problem
        ? [{ text: problem, href: '#block-form' }]
        : state.stale
          ? [{ text: 'Someone saved this block since you opened it', href: '#stale' }]
          : [],
      problem,
    })
    return true
  }

  // `?id=7`: a block of the year's report (ids in the query and the forms' fields, so that every address names a year).
  router.get('/annual-report/:year/block', ...edit, async (req, res, next) => {
    const year = yearOf(req)
    if (!year) return next()
    const blockId = idParameter(req.query.id)
    if (blockId === null) return res.redirect(303, `${req.baseUrl}/annual-report/${year}`)
    if (!(await renderBlock(req, res, year, blockId, {}))) next()
  })

  // A block's changes (`block` its id): `open` takes its lock to edit it (15 minutes; someone else's live lock is shown
  // instead), `save` / `save-and-continue`, `up`, `down`, `remove`, `move-to-chapter` (with `chapter` and the `version` the
  // page showed).
  router.post('/annual-report/:year/block', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const blockId = idParameter(formField(req.body, 'block'))
    if (blockId === null) return after(req, res, next, year, { outcome: 'invalid', message: 'Choose a block' }, '')
    const action = formField(req.body, 'action')
    if (action === 'open') {
      const opened = await annualReport.openBlock(user, year, blockId)
      if (opened.outcome === 'not-found') return next()
      return res.redirect(303, `${req.baseUrl}/annual-report/${year}/block?id=${blockId}`)
    }
    if (action === 'move-to-chapter') {
      const chapterId = idParameter(formField(req.body, 'chapter'))
      const version = Number(formField(req.body, 'version'))
      const result =
        chapterId === null || !Number.isInteger(version)
          ? { outcome: 'invalid', message: 'Choose the chapter to move the block to' }
          : await annualReport.moveBlockToChapter(user, year, blockId, version, chapterId)
      return after(req, res, next, year, result, 'block-moved', `#block-${blockId}`)
    }
    if (action === 'up' || action === 'down' || action === 'remove') {
      const result =
        action === 'remove'
          ? await annualReport.removeBlock(user, year, blockId)
          : await annualReport.moveBlock(user, year, blockId, action)
      return after(req, res, next, year, result, `block-${action}`)
    }
    const content = contentFromForm(req.body, formField(req.body, 'kind'))
    const version = Number(formField(req.body, 'version'))
    if (content === null || !Number.isInteger(version)) {
      if (!(await renderBlock(req, res, year, blockId, { problem: 'The form was not complete: open the block again' })))
        next()
      return
    }
    const saved = await annualReport.saveBlock(user, year, blockId, version, content, {
      keepEditing: action === 'save-and-continue',
    })
    if (saved.outcome === 'not-found') return next()
    if (saved.outcome === 'done') {
      if (action === 'save-and-continue')
        return res.redirect(303, `${req.baseUrl}/annual-report/${year}/block?id=${blockId}&saved=yes`)
      return res.redirect(303, `${req.baseUrl}/annual-report/${year}?done=block-saved#block-${blockId}`)
    }
    const state =
      saved.outcome === 'invalid'
        ? { problem: saved.message, draft: content, version }
        : saved.outcome === 'locked'
          ? {
              problem: `Being edited by ${saved.lock.lockedByName} since ${londonTime(saved.lock.since)}: your text is below, not saved`,
              draft: content,
              version,
            }
          : { stale: { current: saved.current, updatedBy: saved.updatedBy }, draft: content, version: saved.version }
    if (!(await renderBlock(req, res, year, blockId, state))) next()
  })

  router.post('/annual-report/:year/comments', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const blockId = idParameter(formField(req.body, 'block'))
    if (blockId === null) return after(req, res, next, year, { outcome: 'invalid', message: 'Choose a block' }, '')
    const result = await annualReport.addComment(user, year, blockId, formField(req.body, 'comment'))
    await after(req, res, next, year, result, 'comment-added', `#block-${blockId}`)
  })

  router.post('/annual-report/:year/comments/resolve', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const comment = idParameter(formField(req.body, 'comment'))
    if (comment === null) return after(req, res, next, year, { outcome: 'invalid', message: 'Choose a comment' }, '')
    await after(req, res, next, year, await annualReport.resolveComment(user, year, comment), 'comment-resolved')
  })

  router.post('/annual-report/:year/case-studies', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const action = formField(req.body, 'action')
    if (action !== 'add') {
      const study = idParameter(formField(req.body, 'study'))
      const changed =
        study === null
          ? { outcome: 'invalid' as const, message: 'Choose a case study' }
          : action === 'consent'
            ? await annualReport.recordConsent(
                user,
                year,
                study,
                formField(req.body, 'consentDate').trim(),
                formField(req.body, 'anonymised') === 'yes',
              )
            : action === 'approve'
              ? await annualReport.approveCaseStudy(user, year, study)
              : { outcome: 'invalid' as const, message: 'Choose what to do with the case study' }
      return after(req, res, next, year, changed, `case-study-${action}`, '#case-studies')
    }
    const result = await annualReport.addCaseStudy(user, year, {
      title: formField(req.body, 'title'),
      text: formField(req.body, 'text'),
      anonymised: formField(req.body, 'anonymised') === 'yes',
    })
    await after(req, res, next, year, result, 'case-study-added', '#case-studies')
  })

  router.post('/annual-report/:year/glossary', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    await after(
      req,
      res,
      next,
      year,
      await annualReport.saveGlossary(user, year, formField(req.body, 'glossary')),
      'glossary-saved',
      '#glossary',
    )
  })

  router.post('/annual-report/:year/review', ...edit, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    await after(req, res, next, year, await annualReport.sendForReview(user, year), 'sent-for-review', '#approval')
  })

  router.post('/annual-report/:year/approve', ...publish, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const decision = idParameter(formField(req.body, 'decision'))
    const result =
      decision === null
        ? { outcome: 'invalid' as const, message: 'Choose the board’s decision that approved the report' }
        : await annualReport.approve(user, year, decision)
    await after(req, res, next, year, result, 'approved', '#approval')
  })

  router.post('/annual-report/:year/publish', ...publish, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    const note = formField(req.body, 'note')
    const reason = formField(req.body, 'reason')
    const result = await annualReport.publish(user, year, note || reason ? { note, reason } : null)
    await after(req, res, next, year, result, 'published', '#approval')
  })

  router.post('/annual-report/:year/reopen', ...publish, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    if (!user || !year) return next()
    await after(req, res, next, year, await annualReport.reopen(user, year), 'reopened', '#approval')
  })

  // ---- Public (no sign-in): the latest publication only ------------------------------------------------------------
  // The report as a standalone HTML file, a tagged PDF or a DOCX (src/documents/): the partnership's version (a draft
  // says so on every page), and the public's, which is only ever the latest publication.
  router.get('/annual-report/:year/download/:format', ...view, async (req, res, next) => {
    const user = editor(res)
    const year = yearOf(req)
    const format = documentFormatOf(req.params.format)
    if (!user || !year || !format) return next()
    const doc = await annualReport.document(user, year, 'partnership')
    if (doc === null) return next()
    await sendDownload(res, doc, format, { printer: options.printer })
  })

  router.get('/public/annual-report/:year/download/:format', async (req, res, next) => {
    const year = yearOf(req)
    const format = documentFormatOf(req.params.format)
    if (!year || !format) return next()
    const published = await annualReport.published(year)
    if (published === null) return next()
    await sendDownload(res, published.document, format, { printer: options.printer, public: true })
  })

  router.get('/public/annual-report/:year', async (req, res, next) => {
    const year = yearOf(req)
    if (!year) return next()
    const published = await annualReport.published(year)
    if (published === null) {
      // A report being prepared is no secret (the board approves it in public session): say so rather than 404.
      if (!(await annualReport.exists(year))) return next()
      res.render('annual-report/annual-report-public.njk', {
        pageTitle: `Annual report ${yearWords(year)}`,
        notYet: yearWords(year),
      })
      return
    }
    res.render('annual-report/annual-report-public.njk', {
      pageTitle: published.document.title,
      document: published.document,
      published,
    })
  })

  return router
}
