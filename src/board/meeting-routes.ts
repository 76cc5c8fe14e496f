import { documentFormatOf, sendDownload } from '../documents/send-document.ts'
import type { PdfPrinter } from '../documents/pdf-printer.ts'
import express, { type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { can } from '../accounts/permissions.ts'
import { objectPageHandler, requirePermission } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import { financialYearDates, financialYearLabelOf } from '../domain/period.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import { attendanceCsv } from './attendance-report.ts'
import type { AgendaPacks } from './meeting-pack.ts'
import {
  ACTION_STATUS_WORDS,
  ATTENDANCE_WORDS,
  DECISION_KIND_WORDS,
  MeetingNotFound,
  PAPER_WORDS,
  type MeetingService,
  type MeetingUser,
  type Outcome,
  type Problem,
} from './meeting-service.ts'
import type { ScrutinyPacks } from './scrutiny-pack.ts'
import { returnPathWithin } from '../shared/web/board-decisions.ts'

export interface MeetingRoutesDeps {
  readonly meetings: MeetingService
  readonly packs: AgendaPacks
  readonly scrutiny: ScrutinyPacks
  readonly accounts: Pick<AccountService, 'log'>
  /** Prints the packs as PDF and draws the DOCX's charts (src/documents/pdf-printer.ts). */
  readonly printer: PdfPrinter
  /** Today's date in England, for the year the attendance and scrutiny links open on. */
  readonly today?: () => string
}

const ID_PATTERN = /^[1-9]\d{0,8}$/
const YEAR_PATTERN = /^FY\d{4}-\d{2}$/

/** The three boxes of a GOV.UK date input as `YYYY-M-D` (empty boxes give `--`, which is no date). */
function dateBoxes(body: unknown, prefix: string): string {
  const box = (part: string) => formField(body, `${prefix}-${part}`).trim()
  return `${box('year')}-${box('month')}-${box('day')}`
}

/** The financial year a date (`YYYY-MM-DD`) is in: `FY2017-18`. */
function yearOf(date: string): string {
  const year = Number(date.slice(0, 4))
  const start = Number(date.slice(5, 7)) >= 4 ? year : year - 1
  return `FY${start}-${String((start + 1) % 100).padStart(2, '0')}`
}

/**
 * The meetings over the web (`/board/meetings`, `/board/decisions`, `/board/attendance`, `/board/scrutiny`): the list
 * by body and date, a meeting's page with every form that changes it (each a plain POST that works without
 * JavaScript; a refusal re-shows the page with a GOV.UK error summary), its agenda pack (public and exempt), a
 * decision's page, attendance per agency over a year (with its CSV) and the year's scrutiny pack. The service checks
 * every permission again; the guards here answer 403 before any work.
 */
export function meetingRoutes(deps: MeetingRoutesDeps): express.Router {
  const { meetings, accounts } = deps
  const router = express.Router()
  const viewGuard = requirePermission(accounts, 'board:view')
  const editGuard = requirePermission(accounts, 'board:edit')
  const exemptGuard = requirePermission(accounts, 'board:view-exempt')
  const handle = objectPageHandler(accounts, (error) => error instanceof MeetingNotFound)
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10))

  const userOf = (res: Response): MeetingUser => {
    const user = res.locals.currentUser
    if (!user) throw new Error('the guard lets no anonymous request through')
    return user
  }
  const idParam = (req: Request, name = 'id'): number => {
    const id = req.params[name]
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new MeetingNotFound()
    return Number(id)
  }
  const yearParam = (req: Request): string => {
    const year = req.params.year
    if (typeof year !== 'string' || !YEAR_PATTERN.test(year) || !financialYearDates(year)) throw new MeetingNotFound()
    return year
  }
  const takeFlash = (req: Request): string | undefined => {
    const flash = req.session?.flash
    if (flash !== undefined) delete req.session.flash
    return typeof flash === 'string' ? flash : undefined
  }
  const meetingPath = (req: Request, id: number) => `${req.baseUrl}/board/meetings/${id}`

  async function renderMeeting(
    req: Request,
    res: Response,
    id: number,
    options: { readonly problems?: readonly Problem[]; readonly typed?: Record<string, string> } = {},
  ): Promise<void> {
    const user = userOf(res)
    const page = await meetings.page(user, id)
    const problems = options.problems ?? []
    const fieldErrors: Record<string, { text: string }> = {}
    for (const p of problems) fieldErrors[p.field] ??= { text: p.message }
    const m = page.meeting
    const title = `${m.bodyName}: ${dateInWords(m.date)}`
    // Later held meetings of the same body: where this meeting's minutes may be approved and its actions closed.
    const bodies = await meetings.list(user, { groupId: m.groupId })
    const sameBody = bodies[0]?.meetings ?? []
    const laterHeld = sameBody.filter((x) => x.state === 'held' && x.date > m.date)
    res.status(problems.length > 0 ? 400 : 200)
    res.render('meetings/meeting.njk', {
      pageTitle: problems.length > 0 ? `Error: ${title}` : title,
      title,
      page,
      path: meetingPath(req, id),
      listHref: `${req.baseUrl}/board/meetings`,
      decisionHref: `${req.baseUrl}/board/decisions`,
      closeHref: `${req.baseUrl}/board/meeting-actions`,
      flash: takeFlash(req),
      errorList: problems.map((p) => ({ text: p.message, href: `#${p.field}` })),
      fieldErrors,
      typed: options.typed ?? {},
      canSeeExempt: can(user, 'board:view-exempt'),
      attendanceWords: ATTENDANCE_WORDS,
      actionStatusWords: ACTION_STATUS_WORDS,
      paperWords: PAPER_WORDS,
      paperItems: Object.entries(PAPER_WORDS).map(([value, text]) => ({ value, text })),
      kindItems: Object.entries(DECISION_KIND_WORDS)
        .filter(([value]) => page.body?.kind === 'board' || value === 'resolution')
        .map(([value, text]) => ({ value, text, selected: value === (options.typed?.kind ?? 'resolution') })),
      agencyItems: [
        { value: '', text: 'Not given' },
        ...page.agencies.map((a) => ({
          value: String(a.id),
          text: a.name,
          selected: String(a.id) === options.typed?.agencyId,
        })),
      ],
      laterHeld,
      laterHeldItems: laterHeld.map((x) => ({ value: String(x.id), text: dateInWords(x.date) })),
      // Where this meeting can close earlier meetings' actions (it is held, and later than the one that raised them).
      closesHere: m.state === 'held',
      yearOfMeeting: yearOf(m.date),
    })
  }

  /** Runs a write: done → 303 to the meeting's page with a message; refused → the page again with the problems. */
  const afterWrite = async (
    req: Request,
    res: Response,
    meetingId: number,
    outcome: Outcome,
    done: string,
    anchor: string,
  ) => {
    if (outcome.ok) {
      req.session.flash = done
      return res.redirect(303, `${meetingPath(req, meetingId)}#${anchor}`)
    }
    const typed: Record<string, string> = {}
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>))
      if (typeof v === 'string') typed[k] = v
    return renderMeeting(req, res, meetingId, { problems: outcome.problems, typed })
  }

  router.get(
    '/board/meetings',
    viewGuard,
    handle(async (req, res) => {
      const user = userOf(res)
      const bodies = await meetings.list(user)
      res.render('meetings/list.njk', {
        pageTitle: 'Meetings',
        bodies,
        canEdit: can(user, 'board:edit'),
        flash: takeFlash(req),
        year: yearOf(today()),
      })
    }),
  )

  const renderNew = async (req: Request, res: Response, problems: readonly Problem[] = []) => {
    const bodies = await meetings.bodies(userOf(res))
    const fieldErrors: Record<string, { text: string }> = {}
    for (const p of problems) fieldErrors[p.field] ??= { text: p.message }
    res.status(problems.length > 0 ? 400 : 200)
    res.render('meetings/new.njk', {
      pageTitle: problems.length > 0 ? 'Error: Schedule a meeting' : 'Schedule a meeting',
      errorList: problems.map((p) => ({ text: p.message, href: p.field === 'date' ? '#date-day' : `#${p.field}` })),
      fieldErrors,
      bodyItems: [
        { value: '', text: 'Choose the board or a group' },
        ...bodies.map((b) => ({
          value: String(b.id),
          text: b.name,
          selected: String(b.id) === formField(req.body, 'groupId'),
        })),
      ],
      noBodies: bodies.length === 0,
      typed: {
        day: formField(req.body, 'date-day'),
        month: formField(req.body, 'date-month'),
        year: formField(req.body, 'date-year'),
        startsAt: formField(req.body, 'startsAt'),
        location: formField(req.body, 'location'),
      },
    })
  }

  router.get(
    '/board/meetings/new',
    editGuard,
    handle(async (req, res) => renderNew(req, res)),
  )

  router.post(
    '/board/meetings',
    editGuard,
    handle(async (req, res) => {
      const outcome = await meetings.schedule(userOf(res), {
        groupId: formField(req.body, 'groupId'),
        date: dateBoxes(req.body, 'date'),
        startsAt: formField(req.body, 'startsAt'),
        location: formField(req.body, 'location'),
      })
      if (!outcome.ok) return renderNew(req, res, outcome.problems)
      req.session.flash = 'Meeting scheduled.'
      res.redirect(303, meetingPath(req, outcome.id))
    }),
  )

  router.get(
    '/board/meetings/:id',
    viewGuard,
    handle(async (req, res) => renderMeeting(req, res, idParam(req))),
  )

  router.post(
    '/board/meetings/:id/hold',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      await afterWrite(req, res, id, await meetings.hold(userOf(res), id), 'Meeting recorded as held.', 'state')
    }),
  )

  router.post(
    '/board/meetings/:id/cancel',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const outcome = await meetings.cancel(userOf(res), id, formField(req.body, 'reason'))
      await afterWrite(req, res, id, outcome, 'Meeting cancelled.', 'state')
    }),
  )

  router.post(
    '/board/meetings/:id/agenda',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const outcome = await meetings.addAgendaItem(userOf(res), id, {
        title: formField(req.body, 'title'),
        exempt: formField(req.body, 'exempt'),
        presenter: formField(req.body, 'presenter'),
        paper: formField(req.body, 'paper'),
        paperTitle: formField(req.body, 'paperTitle'),
      })
      await afterWrite(req, res, id, outcome, 'Agenda item added.', 'agenda')
    }),
  )

  router.post(
    '/board/meetings/:id/attendance',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const entries = Object.keys((req.body ?? {}) as Record<string, unknown>)
        .map((k) => /^seat-([1-9]\d{0,8})$/.exec(k)?.[1])
        .filter((x): x is string => x !== undefined)
        .slice(0, 500)
        .map((seat) => ({
          membershipId: Number(seat),
          status: formField(req.body, `seat-${seat}`),
          substituteName: formField(req.body, `seat-${seat}-substitute`),
        }))
      const outcome = await meetings.recordAttendance(userOf(res), id, entries)
      await afterWrite(req, res, id, outcome, 'Attendance saved.', 'attendance')
    }),
  )

  router.post(
    '/board/meetings/:id/minutes',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const outcome = await meetings.draftMinutes(userOf(res), id, formField(req.body, 'minutes'))
      await afterWrite(req, res, id, outcome, 'Draft minutes saved.', 'minutes')
    }),
  )

  router.post(
    '/board/meetings/:id/minutes/approve',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const at = formField(req.body, 'atMeeting')
      const outcome = ID_PATTERN.test(at)
        ? await meetings.approveMinutes(userOf(res), id, Number(at))
        : {
            ok: false as const,
            problems: [{ field: 'atMeeting', message: 'Choose the meeting that approved the minutes' }],
          }
      await afterWrite(req, res, id, outcome, 'Minutes approved.', 'minutes')
    }),
  )

  router.post(
    '/board/meetings/:id/decisions',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const outcome = await meetings.recordDecision(userOf(res), id, {
        minuteNumber: formField(req.body, 'minuteNumber'),
        kind: formField(req.body, 'kind'),
        subject: formField(req.body, 'subject'),
        text: formField(req.body, 'text'),
      })
      await afterWrite(req, res, id, outcome, 'Decision recorded.', 'decisions')
    }),
  )

  router.post(
    '/board/meetings/:id/actions',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const outcome = await meetings.raiseAction(userOf(res), id, {
        text: formField(req.body, 'actionText'),
        owner: formField(req.body, 'owner'),
        agencyId: formField(req.body, 'agencyId'),
        dueDate: dateBoxes(req.body, 'dueDate'),
      })
      await afterWrite(req, res, id, outcome, 'Action added.', 'actions')
    }),
  )

  router.post(
    '/board/meeting-actions/:id/close',
    editGuard,
    handle(async (req, res) => {
      const actionId = idParam(req)
      const at = formField(req.body, 'atMeeting')
      const version = formField(req.body, 'version')
      if (!ID_PATTERN.test(at)) {
        const raisedAt = await meetings.meetingOfAction(userOf(res), actionId)
        return renderMeeting(req, res, raisedAt, {
          problems: [
            { field: 'matters-arising', message: 'Close the action from the page of the meeting that closed it' },
          ],
        })
      }
      const outcome = await meetings.closeAction(userOf(res), actionId, {
        status: formField(req.body, 'status'),
        atMeetingId: Number(at),
        version: ID_PATTERN.test(version) ? Number(version) : 0,
      })
      // The close buttons sit in the matters arising table: a refusal's link goes there.
      const shownOutcome: Outcome = outcome.ok
        ? outcome
        : { ok: false, problems: outcome.problems.map((p) => ({ ...p, field: 'matters-arising' })) }
      await afterWrite(req, res, Number(at), shownOutcome, 'Action closed.', 'matters-arising')
    }),
  )

  // A sign-off or approval recorded elsewhere (the publication, budget, Appendix A, strategy, quarter pages) linked to the board's decision that made it.
  router.post(
    '/board/decision-links',
    editGuard,
    handle(async (req, res) => {
      const returnTo = formField(req.body, 'returnTo')
      // Back to the page the choice was made on, when it is this partnership's own page (never another site's).
      const back = returnPathWithin(returnTo, req.baseUrl, `${req.baseUrl}/board/meetings`)
      const kind = formField(req.body, 'kind')
      const decision = formField(req.body, 'decision')
      const outcome =
        Object.hasOwn(DECISION_KIND_WORDS, kind) && ID_PATTERN.test(decision)
          ? await meetings.linkDecision(userOf(res), {
              kind: kind as keyof typeof DECISION_KIND_WORDS,
              subject: formField(req.body, 'subject'),
              decisionId: Number(decision),
            })
          : { ok: false as const, problems: [{ field: 'decision', message: 'Choose the board’s decision' }] }
      if (outcome.ok) {
        req.session.flash = 'The board’s decision is recorded.'
        return res.redirect(303, back)
      }
      res.status(400).render('meetings/link-refused.njk', {
        pageTitle: 'Error: The decision was not recorded',
        errorList: outcome.problems.map((p) => ({ text: p.message, href: '#back' })),
        back,
      })
    }),
  )

  const renderDocument = (res: Response, document: Awaited<ReturnType<AgendaPacks['agendaPack']>>, back: string) =>
    res.render('meetings/document.njk', { pageTitle: document.title, document, back })

  router.get(
    '/board/meetings/:id/pack',
    viewGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      await meetings.page(userOf(res), id)
      const pack = await deps.packs.agendaPack(id, { exempt: false, draftMinutes: can(userOf(res), 'board:edit') })
      renderDocument(res, pack, meetingPath(req, id))
    }),
  )

  router.get(
    '/board/meetings/:id/pack/exempt',
    exemptGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      await meetings.page(userOf(res), id)
      const pack = await deps.packs.agendaPack(id, { exempt: true, draftMinutes: can(userOf(res), 'board:edit') })
      renderDocument(res, pack, meetingPath(req, id))
    }),
  )

  router.get(
    '/board/decisions/:id',
    viewGuard,
    handle(async (req, res) => {
      const { decision, links } = await meetings.decision(userOf(res), idParam(req))
      res.render('meetings/decision.njk', {
        pageTitle: `Decision: ${decision.kindText}`,
        decision,
        links,
        meetingHref: meetingPath(req, decision.meeting.id),
      })
    }),
  )

  router.get(
    '/board/attendance/:year',
    viewGuard,
    handle(async (req, res) => {
      const year = yearParam(req)
      const bodies = await meetings.attendance(userOf(res), year)
      const label = financialYearLabelOf(year)
      res.render('meetings/attendance.njk', {
        pageTitle: `Attendance per agency ${label}`,
        label,
        year,
        bodies,
        csvHref: `${req.baseUrl}/board/attendance/${year}.csv`,
      })
    }),
  )

  router.get(
    '/board/attendance/:year.csv',
    viewGuard,
    handle(async (req, res) => {
      const year = yearParam(req)
      const bodies = await meetings.attendance(userOf(res), year)
      res.type('text/csv; charset=utf-8')
      res.attachment(`attendance-${year}.csv`)
      res.send(attendanceCsv(year, bodies))
    }),
  )

  // The agenda pack and the scrutiny pack as a standalone HTML file, a tagged PDF or a DOCX (src/documents/).
  router.get(
    '/board/meetings/:id/pack/download/:format',
    viewGuard,
    handle(async (req, res) => {
      const format = documentFormatOf(req.params.format)
      if (!format) throw new MeetingNotFound()
      const id = idParam(req)
      await meetings.page(userOf(res), id)
      const pack = await deps.packs.agendaPack(id, { exempt: false, draftMinutes: can(userOf(res), 'board:edit') })
      await sendDownload(res, pack, format, { printer: deps.printer })
    }),
  )

  router.get(
    '/board/scrutiny/:year/download/:format',
    viewGuard,
    handle(async (req, res) => {
      const format = documentFormatOf(req.params.format)
      if (!format) throw new MeetingNotFound()
      const pack = await deps.scrutiny.scrutinyPack(userOf(res), yearParam(req))
      await sendDownload(res, pack, format, { printer: deps.printer })
    }),
  )

  router.get(
    '/board/scrutiny/:year',
    viewGuard,
    handle(async (req, res) => {
      const year = yearParam(req)
      const pack = await deps.scrutiny.scrutinyPack(userOf(res), year)
      renderDocument(res, pack, `${req.baseUrl}/board/meetings`)
    }),
  )

  return router
}
