import express, { type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { can } from '../accounts/permissions.ts'
import { objectPageHandler, requirePermission } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import {
  appendixBChart,
  appendixBSection,
  membershipLines,
  structureRows,
  structureSummary,
  structureTable,
  structureTree,
} from './appendix-b-section.ts'
import type { BoardGroup, Membership } from './board-repository.ts'
import {
  BoardNotFound,
  ROLES,
  SECTORS,
  type BoardService,
  type BoardUser,
  type GroupForm,
  type MembershipForm,
  type Problem,
} from './board-service.ts'

export interface BoardRoutesDeps {
  readonly board: BoardService
  readonly accounts: Pick<AccountService, 'log'>
}

const ID_PATTERN = /^[1-9]\d{0,8}$/

type Boxes = { day: string; month: string; year: string }

/** The three boxes of a GOV.UK date input as `YYYY-M-D` (empty boxes give `--`, which is no date). */
function dateBoxes(body: unknown, prefix: string): string {
  const box = (part: string) => formField(body, `${prefix}-${part}`).trim()
  return `${box('year')}-${box('month')}-${box('day')}`
}

function boxesOfDate(date: string | null): Boxes {
  if (date === null) return { day: '', month: '', year: '' }
  const [year = '', month = '', day = ''] = date.split('-')
  return { day: String(Number(day)), month: String(Number(month)), year }
}

function typedDate(body: unknown, prefix: string): Boxes {
  return {
    day: formField(body, `${prefix}-day`),
    month: formField(body, `${prefix}-month`),
    year: formField(body, `${prefix}-year`),
  }
}

const DATE_FIELDS = /^(fromDate|toDate|endDate)$/
const hrefOf = (field: string) => `#${DATE_FIELDS.test(field) ? `${field}-day` : field}`

function groupFormOf(body: unknown): GroupForm {
  return {
    name: formField(body, 'name'),
    parent: formField(body, 'parent'),
    purpose: formField(body, 'purpose'),
    termsOfReference: formField(body, 'termsOfReference'),
    meetingFrequency: formField(body, 'meetingFrequency'),
    quorum: formField(body, 'quorum'),
  }
}

function groupFormOfGroup(group: BoardGroup | null, parent = ''): GroupForm {
  return {
    name: group?.name ?? '',
    parent: group?.parentGroupId ? String(group.parentGroupId) : parent,
    purpose: group?.purpose ?? '',
    termsOfReference: group?.termsOfReference ?? '',
    meetingFrequency: group?.meetingFrequency ?? '',
    quorum: group?.quorum === null || group?.quorum === undefined ? '' : String(group.quorum),
  }
}

interface MembershipValues extends Omit<MembershipForm, 'fromDate' | 'toDate'> {
  readonly fromDate: Boxes
  readonly toDate: Boxes
}

function membershipValuesOf(seat: Membership | null): MembershipValues {
  return {
    personName: seat?.personName ?? '',
    jobTitle: seat?.jobTitle ?? '',
    organisation: seat?.organisation ?? '',
    agency: seat?.agencyId ? String(seat.agencyId) : '',
    sector: seat?.sector ?? '',
    seat: seat?.seat ?? '',
    role: seat?.role ?? 'member',
    voting: seat ? (seat.voting ? 'yes' : 'no') : 'yes',
    fromDate: boxesOfDate(seat?.fromDate ?? null),
    toDate: boxesOfDate(seat?.toDate ?? null),
  }
}

function membershipValuesOfBody(body: unknown): MembershipValues {
  return {
    personName: formField(body, 'personName'),
    jobTitle: formField(body, 'jobTitle'),
    organisation: formField(body, 'organisation'),
    agency: formField(body, 'agency'),
    sector: formField(body, 'sector'),
    seat: formField(body, 'seat'),
    role: formField(body, 'role'),
    voting: formField(body, 'voting'),
    fromDate: typedDate(body, 'fromDate'),
    toDate: typedDate(body, 'toDate'),
  }
}

function membershipFormOfBody(body: unknown): MembershipForm {
  return {
    ...membershipValuesOfBody(body),
    fromDate: dateBoxes(body, 'fromDate'),
    toDate: dateBoxes(body, 'toDate'),
  }
}

const errorsOf = (problems: readonly Problem[]) => {
  const fieldErrors: Record<string, { text: string }> = {}
  for (const p of problems) fieldErrors[p.field] ??= { text: p.message }
  return { errorList: problems.map((p) => ({ text: p.message, href: hrefOf(p.field) })), fieldErrors }
}

const INCOMPLETE: Problem = {
  field: 'name',
  message: 'The form was incomplete: nothing was saved. Make your changes again.',
}

/**
 * The board over the web (`/board`): the landing page (the board, its seats, the s.5 check, its groups), a group's
 * page (seats, terms of reference, the plan's actions naming it), the forms to make and change the board, groups and
 * seats (board:edit), and Appendix B (`/board/appendix-b`). Readers with board:view see every page read-only. Every
 * form works without JavaScript and posts with the session's CSRF token.
 */
export function boardRoutes(deps: BoardRoutesDeps): express.Router {
  const { board, accounts } = deps
  const router = express.Router()
  const viewGuard = requirePermission(accounts, 'board:view')
  const editGuard = requirePermission(accounts, 'board:edit')
  const handle = objectPageHandler(accounts, (error) => error instanceof BoardNotFound)

  const userOf = (res: Response): BoardUser => {
    const user = res.locals.currentUser
    if (!user) throw new Error('the guard lets no anonymous request through')
    return user
  }
  const idParam = (req: Request): number => {
    const id = req.params.id
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new BoardNotFound()
    return Number(id)
  }
  const versionOf = (req: Request): number | null => {
    const text = formField(req.body, 'version')
    return ID_PATTERN.test(text) ? Number(text) : null
  }
  const takeFlash = (req: Request): string | undefined => {
    const flash = req.session?.flash
    if (flash !== undefined) delete req.session.flash
    return typeof flash === 'string' ? flash : undefined
  }
  const groupPath = (req: Request, id: number) => `${req.baseUrl}/board/groups/${id}`

  // ---- Pages ------------------------------------------------------------------------------------------------

  router.get(
    '/board',
    viewGuard,
    handle(async (req, res) => {
      const user = userOf(res)
      const overview = await board.overview(user)
      res.render('board/board.njk', {
        pageTitle: overview.board ? overview.board.name : 'The board',
        overview,
        canEdit: can(user, 'board:edit'),
        flash: takeFlash(req),
      })
    }),
  )

  async function renderGroup(
    req: Request,
    res: Response,
    id: number,
    options: { problems?: readonly Problem[]; conflict?: boolean; status?: number } = {},
  ) {
    const user = userOf(res)
    const detail = await board.group(user, id)
    const problems = options.problems ?? []
    res.status(options.status ?? (problems.length > 0 ? 400 : 200))
    res.render('board/group-page.njk', {
      pageTitle: `${problems.length > 0 || options.conflict ? 'Error: ' : ''}${detail.group.name}`,
      ...detail,
      ...errorsOf(problems),
      conflict: options.conflict === true,
      canEdit: can(user, 'board:edit'),
      path: groupPath(req, id),
      flash: takeFlash(req),
      today: detail.today,
    })
  }

  router.get(
    '/board/groups/:id',
    viewGuard,
    handle(async (req, res) => {
      await renderGroup(req, res, idParam(req))
    }),
  )

  router.get(
    '/board/appendix-b',
    viewGuard,
    handle(async (req, res) => {
      const overview = await board.overview(userOf(res))
      const rows = structureRows(overview.all, overview.today)
      const summary = structureSummary(rows)
      const section = appendixBSection({
        groups: overview.all,
        asOf: overview.today,
      })
      res.render('board/appendix-b.njk', {
        pageTitle: section.heading,
        heading: section.heading,
        board: overview.board,
        lines: overview.board ? membershipLines(overview.board, overview.today) : [],
        tree: structureTree(rows),
        summary,
        svg: overview.board ? appendixBChart(rows, summary) : '',
        table: structureTable(rows),
        illustrative: overview.all.some((g) => g.illustrative || g.members.some((m) => m.illustrative)),
        today: overview.today,
      })
    }),
  )

  // ---- The board and groups ---------------------------------------------------------------------------------

  async function renderGroupForm(
    req: Request,
    res: Response,
    options: {
      kind: 'board' | 'group'
      group: BoardGroup | null
      values: GroupForm
      problems?: readonly Problem[]
      conflict?: boolean
      status?: number
    },
  ) {
    const user = userOf(res)
    const groups = await board.groups(user)
    const problems = options.problems ?? []
    const noun = options.kind === 'board' ? 'the board' : 'a group'
    const title = options.group ? `Change ${options.group.name}` : `Set up ${noun}`
    res.status(options.status ?? (problems.length > 0 ? 400 : 200))
    res.render('board/group-form.njk', {
      pageTitle: `${problems.length > 0 || options.conflict ? 'Error: ' : ''}${title}`,
      title,
      kind: options.kind,
      group: options.group,
      values: options.values,
      ...errorsOf(problems),
      conflict: options.conflict === true,
      formAction: options.group
        ? `${groupPath(req, options.group.id)}/edit`
        : options.kind === 'board'
          ? `${req.baseUrl}/board/new`
          : `${req.baseUrl}/board/groups`,
      cancelHref: options.group ? groupPath(req, options.group.id) : `${req.baseUrl}/board`,
      parentItems: [
        { value: '', text: 'Choose the board or group it reports to', selected: options.values.parent === '' },
        ...groups
          .filter((g) => g.id !== options.group?.id)
          .map((g) => ({ value: String(g.id), text: g.name, selected: String(g.id) === options.values.parent })),
      ],
      version: options.group ? String(options.group.version) : '',
    })
  }

  router.get(
    '/board/new',
    editGuard,
    handle(async (req, res) => {
      await renderGroupForm(req, res, { kind: 'board', group: null, values: groupFormOfGroup(null) })
    }),
  )

  router.post(
    '/board/new',
    editGuard,
    handle(async (req, res) => {
      const result = await board.createBoard(userOf(res), groupFormOf(req.body))
      if (result.kind === 'saved') {
        req.session.flash = `${result.value.name} set up. Add its members next.`
        return res.redirect(303, `${req.baseUrl}/board`)
      }
      const problems = result.kind === 'invalid' ? result.problems : []
      await renderGroupForm(req, res, { kind: 'board', group: null, values: groupFormOf(req.body), problems })
    }),
  )

  router.get(
    '/board/groups/new',
    editGuard,
    handle(async (req, res) => {
      const overview = await board.overview(userOf(res))
      if (!overview.board) return res.redirect(303, `${req.baseUrl}/board/new`)
      await renderGroupForm(req, res, {
        kind: 'group',
        group: null,
        values: groupFormOfGroup(null, String(overview.board.id)),
      })
    }),
  )

  router.post(
    '/board/groups',
    editGuard,
    handle(async (req, res) => {
      const result = await board.createGroup(userOf(res), groupFormOf(req.body))
      if (result.kind === 'saved') {
        req.session.flash = `${result.value.name} added.`
        return res.redirect(303, groupPath(req, result.value.id))
      }
      const problems = result.kind === 'invalid' ? result.problems : []
      await renderGroupForm(req, res, { kind: 'group', group: null, values: groupFormOf(req.body), problems })
    }),
  )

  router.get(
    '/board/groups/:id/edit',
    editGuard,
    handle(async (req, res) => {
      const { group } = await board.group(userOf(res), idParam(req))
      await renderGroupForm(req, res, { kind: group.kind, group, values: groupFormOfGroup(group) })
    }),
  )

  router.post(
    '/board/groups/:id/edit',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const user = userOf(res)
      const { group } = await board.group(user, id)
      const version = versionOf(req)
      if (version === null) {
        return renderGroupForm(req, res, {
          kind: group.kind,
          group,
          values: groupFormOf(req.body),
          problems: [INCOMPLETE],
        })
      }
      const result = await board.updateGroup(user, id, version, groupFormOf(req.body))
      switch (result.kind) {
        case 'saved':
          req.session.flash = `${result.value.name} saved.`
          return res.redirect(303, groupPath(req, id))
        case 'invalid':
          return renderGroupForm(req, res, {
            kind: group.kind,
            group,
            values: groupFormOf(req.body),
            problems: result.problems,
          })
        case 'conflict': {
          const current = (await board.group(user, id)).group
          return renderGroupForm(req, res, {
            kind: current.kind,
            group: current,
            values: groupFormOfGroup(current),
            conflict: true,
            status: 409,
          })
        }
      }
    }),
  )

  router.post(
    '/board/groups/:id/move',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const direction = formField(req.body, 'direction') === 'up' ? 'up' : 'down'
      await board.moveGroup(userOf(res), id, direction)
      res.redirect(303, `${req.baseUrl}/board#groups`)
    }),
  )

  router.post(
    '/board/groups/:id/remove',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const version = versionOf(req)
      if (version === null) return renderGroup(req, res, id, { conflict: true, status: 409 })
      const result = await board.removeGroup(userOf(res), id, version)
      switch (result.kind) {
        case 'saved':
          req.session.flash = `${result.value.name} removed.`
          return res.redirect(303, `${req.baseUrl}/board`)
        case 'invalid':
          return renderGroup(req, res, id, { problems: result.problems, status: 409 })
        case 'conflict':
          return renderGroup(req, res, id, { conflict: true, status: 409 })
      }
    }),
  )

  // ---- Seats ------------------------------------------------------------------------------------------------

  async function renderMembershipForm(
    req: Request,
    res: Response,
    options: {
      group: BoardGroup
      seat: Membership | null
      values: MembershipValues
      problems?: readonly Problem[]
      conflict?: boolean
      status?: number
      endDate?: Boxes
    },
  ) {
    const agencies = await board.agencies()
    const problems = options.problems ?? []
    const title = options.seat
      ? `Change the seat of ${options.seat.personName ?? options.seat.seat ?? options.seat.organisation}`
      : `Add a member to ${options.group.name}`
    const v = options.values
    res.status(options.status ?? (problems.length > 0 ? 400 : 200))
    res.render('board/membership-form.njk', {
      pageTitle: `${problems.length > 0 || options.conflict ? 'Error: ' : ''}${title}`,
      title,
      group: options.group,
      seat: options.seat,
      values: v,
      ...errorsOf(problems),
      conflict: options.conflict === true,
      formAction: options.seat
        ? `${req.baseUrl}/board/members/${options.seat.id}/edit`
        : `${groupPath(req, options.group.id)}/members`,
      seatPath: options.seat ? `${req.baseUrl}/board/members/${options.seat.id}` : '',
      cancelHref: groupPath(req, options.group.id),
      sectorItems: [
        { value: '', text: 'Choose the kind of organisation', selected: v.sector === '' },
        ...SECTORS.map((s) => ({ ...s, selected: s.value === v.sector })),
      ],
      roleItems: ROLES.map((r) => ({ ...r, checked: r.value === v.role })),
      votingItems: [
        { value: 'yes', text: 'Yes', checked: v.voting === 'yes' },
        { value: 'no', text: 'No', checked: v.voting === 'no' },
      ],
      agencyItems: [
        { value: '', text: 'Not a partner agency', selected: v.agency === '' },
        ...agencies.map((a) => ({ value: String(a.id), text: a.name, selected: String(a.id) === v.agency })),
      ],
      endDate: options.endDate ?? { day: '', month: '', year: '' },
      version: options.seat ? String(options.seat.version) : '',
    })
  }

  router.get(
    '/board/groups/:id/members/new',
    editGuard,
    handle(async (req, res) => {
      const { group } = await board.group(userOf(res), idParam(req))
      await renderMembershipForm(req, res, { group, seat: null, values: membershipValuesOf(null) })
    }),
  )

  router.post(
    '/board/groups/:id/members',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const user = userOf(res)
      const { group } = await board.group(user, id)
      const result = await board.addMembership(user, id, membershipFormOfBody(req.body))
      if (result.kind === 'saved') {
        req.session.flash = `${result.value.personName ?? result.value.organisation} added to ${group.name}.`
        return res.redirect(303, `${groupPath(req, id)}#members`)
      }
      const problems = result.kind === 'invalid' ? result.problems : []
      await renderMembershipForm(req, res, { group, seat: null, values: membershipValuesOfBody(req.body), problems })
    }),
  )

  router.get(
    '/board/members/:id/edit',
    editGuard,
    handle(async (req, res) => {
      const { seat, group } = await board.membership(userOf(res), idParam(req))
      await renderMembershipForm(req, res, { group, seat, values: membershipValuesOf(seat) })
    }),
  )

  router.post(
    '/board/members/:id/edit',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const user = userOf(res)
      const { seat, group } = await board.membership(user, id)
      const version = versionOf(req)
      const values = membershipValuesOfBody(req.body)
      if (version === null) {
        return renderMembershipForm(req, res, {
          group,
          seat,
          values,
          problems: [{ ...INCOMPLETE, field: 'organisation' }],
        })
      }
      const result = await board.updateMembership(user, id, version, membershipFormOfBody(req.body))
      switch (result.kind) {
        case 'saved':
          req.session.flash = `The seat of ${result.value.personName ?? result.value.organisation} saved.`
          return res.redirect(303, `${groupPath(req, group.id)}#members`)
        case 'invalid':
          return renderMembershipForm(req, res, { group, seat, values, problems: result.problems })
        case 'conflict': {
          const current = await board.membership(user, id)
          return renderMembershipForm(req, res, {
            group,
            seat: current.seat,
            values: membershipValuesOf(current.seat),
            conflict: true,
            status: 409,
          })
        }
      }
    }),
  )

  router.post(
    '/board/members/:id/end',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const user = userOf(res)
      const { seat, group } = await board.membership(user, id)
      const version = versionOf(req)
      const endDate = typedDate(req.body, 'endDate')
      const result =
        version === null
          ? ({ kind: 'conflict' } as const)
          : await board.endMembership(user, id, version, dateBoxes(req.body, 'endDate'))
      switch (result.kind) {
        case 'saved':
          req.session.flash = `The seat of ${result.value.personName ?? result.value.organisation} ended on ${result.value.toDate}.`
          return res.redirect(303, `${groupPath(req, group.id)}#members`)
        case 'invalid':
          return renderMembershipForm(req, res, {
            group,
            seat,
            values: membershipValuesOf(seat),
            problems: result.problems,
            endDate,
          })
        case 'conflict': {
          const current = await board.membership(user, id)
          return renderMembershipForm(req, res, {
            group,
            seat: current.seat,
            values: membershipValuesOf(current.seat),
            conflict: true,
            status: 409,
          })
        }
      }
    }),
  )

  router.post(
    '/board/members/:id/remove',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const user = userOf(res)
      const { seat, group } = await board.membership(user, id)
      const version = versionOf(req)
      const result =
        version === null ? ({ kind: 'conflict' } as const) : await board.removeMembership(user, id, version)
      if (result.kind === 'saved') {
        req.session.flash = `The seat of ${seat.personName ?? seat.organisation} removed.`
        return res.redirect(303, `${groupPath(req, group.id)}#members`)
      }
      const current = await board.membership(user, id)
      return renderMembershipForm(req, res, {
        group,
        seat: current.seat,
        values: membershipValuesOf(current.seat),
        conflict: true,
        status: 409,
      })
    }),
  )

  return router
}
