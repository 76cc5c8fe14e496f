import { can, PermissionDenied, type Principal } from '../accounts/permissions.ts'
import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { DocumentSection } from '../documents/document.ts'
import { londonDate } from '../domain/period.ts'
import {
  isCurrentSeat,
  missingAuthoritySentence,
  missingResponsibleAuthorities,
  type ResponsibleAuthority,
} from '../domain/responsible-authorities.ts'
import type {
  BoardGroup,
  BoardRepository,
  GroupAction,
  GroupFields,
  LinkedAgency,
  Membership,
  MembershipFields,
  MembershipRole,
} from './board-repository.ts'
import type { Sector } from './board-tables.ts'
import { appendixBSection } from './appendix-b-section.ts'

/** The sectors in the order the forms offer them, with their words. The first five are the s.5 authorities. */
export const SECTORS: readonly { readonly value: Sector; readonly text: string }[] = Object.freeze([
  { value: 'council', text: 'Council' },
  { value: 'police', text: 'Police' },
  { value: 'fire-and-rescue', text: 'Fire and rescue' },
  { value: 'probation', text: 'Probation' },
  { value: 'health', text: 'Health' },
  { value: 'youth-offending', text: 'Youth offending' },
  { value: 'police-and-crime-commissioner', text: 'Police and crime commissioner' },
  { value: 'housing', text: 'Housing' },
  { value: 'education', text: 'Education' },
  { value: 'voluntary', text: 'Voluntary and community (third sector)' },
  { value: 'faith', text: 'Faith' },
  { value: 'business', text: 'Business' },
  { value: 'resident', text: 'Resident representative' },
  { value: 'other', text: 'Other' },
])

export const ROLES: readonly { readonly value: MembershipRole; readonly text: string }[] = Object.freeze([
  { value: 'chair', text: 'Chair' },
  { value: 'vice-chair', text: 'Vice-chair' },
  { value: 'member', text: 'Member' },
  { value: 'adviser', text: 'Adviser' },
])

export const sectorWords = (sector: string): string => SECTORS.find((s) => s.value === sector)?.text ?? sector
export const roleWords = (role: string): string => ROLES.find((r) => r.value === role)?.text ?? role

export const BOARD_TEXT_LIMITS = {
  name: 120,
  purpose: 2000,
  termsOfReference: 20000,
  frequency: 60,
  organisation: 200,
  person: 120,
  jobTitle: 120,
  seat: 200,
} as const

/** The person asking: a principal with a name for the audit trail. */
export interface BoardUser extends Principal {
  readonly email: string
}

/** Thrown when the group or seat does not exist (shown as 404). */
export class BoardNotFound extends Error {
  constructor() {
    super('Not found')
    this.name = 'BoardNotFound'
  }
}

export interface Problem {
  /** The form field the problem is about (the error summary links to it). */
  readonly field: string
  readonly message: string
}

/** A group's (or the board's) form as typed. */
export interface GroupForm {
  readonly name: string
  /** The parent group's id; ignored for the board. */
  readonly parent?: string
  readonly purpose: string
  readonly termsOfReference: string
  readonly meetingFrequency: string
  readonly quorum: string
}

/** A seat's form as typed; dates `YYYY-M-D` from the three boxes, or empty. */
export interface MembershipForm {
  readonly personName: string
  readonly jobTitle: string
  readonly organisation: string
  readonly agency: string
  readonly sector: string
  readonly seat: string
  readonly role: string
  /** `yes` or `no`. */
  readonly voting: string
  readonly fromDate: string
  readonly toDate: string
}

export type Outcome<T> =
  | { readonly kind: 'saved'; readonly value: T }
  | { readonly kind: 'invalid'; readonly problems: readonly Problem[] }
  /** Someone else changed it since the editor read it: nothing was written. */
  | { readonly kind: 'conflict' }

/** A seat with the words the pages show and whether it is held today. */
export interface MembershipView extends Membership {
  readonly roleText: string
  readonly sectorText: string
  readonly agencyName: string | null
  readonly current: boolean
}

/** A group with its seats and the delivery plan actions that name it. */
export interface GroupView extends BoardGroup {
  readonly parentName: string | null
  readonly members: readonly MembershipView[]
  /** The chairs holding the seat today (one, unless the partnership has none). */
  readonly chairs: readonly MembershipView[]
}

/** The s.5 check's answer for the board page. */
export interface AuthorityCheck {
  readonly missing: readonly ResponsibleAuthority[]
  readonly sentences: readonly string[]
  readonly today: string
}

/**
 * A date from the form's three boxes (`YYYY-M-D`), checked to be a real date. `''` or `--` is no date.
 *
 * @example readDate('2018-3-31') // { date: '2018-03-31' }
 */
export function readDate(text: string): { readonly date: string | null } | { readonly problem: true } {
  const trimmed = text.trim()
  if (trimmed === '' || trimmed === '--') return { date: null }
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed)
  if (!match) return { problem: true }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const at = new Date(Date.UTC(year, month - 1, day))
  if (year < 1990 || year > 2100 || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return { problem: true }
  return { date: at.toISOString().slice(0, 10) }
}

/**
 * Whether two seats' dates overlap (an empty from is "always before", an empty to "still held").
 *
 * @example datesOverlap({ fromDate: '2017-01-01', toDate: '2017-10-31' }, { fromDate: '2017-11-01', toDate: null }) // false
 */
export function datesOverlap(
  a: { readonly fromDate: string | null; readonly toDate: string | null },
  b: { readonly fromDate: string | null; readonly toDate: string | null },
): boolean {
  const aStartsBeforeBEnds = a.fromDate === null || b.toDate === null || a.fromDate <= b.toDate
  const bStartsBeforeAEnds = b.fromDate === null || a.toDate === null || b.fromDate <= a.toDate
  return aStartsBeforeBEnds && bStartsBeforeAEnds
}

/** A group's name as the plan's free-text `delivery_group` is matched against it: letter case and spacing ignored. */
export function groupNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-GB')
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/** A group or seat as the audit trail records it. */
export function auditGroup(group: BoardGroup): Record<string, unknown> {
  return {
    name: group.name,
    kind: group.kind,
    parentGroupId: group.parentGroupId,
    purpose: group.purpose,
    termsOfReference: group.termsOfReference,
    meetingFrequency: group.meetingFrequency,
    quorum: group.quorum,
    sortOrder: group.sortOrder,
    version: group.version,
  }
}

export function auditMembership(seat: Membership): Record<string, unknown> {
  return {
    groupId: seat.groupId,
    personName: seat.personName,
    jobTitle: seat.jobTitle,
    organisation: seat.organisation,
    agencyId: seat.agencyId,
    sector: seat.sector,
    seat: seat.seat,
    role: seat.role,
    voting: seat.voting,
    fromDate: seat.fromDate,
    toDate: seat.toDate,
    version: seat.version,
  }
}

export interface BoardServiceDeps {
  /** The partnership's database handle: each write's unit of work is opened on it. */
  readonly database: Database
  readonly repository: BoardRepository
  readonly audit: Pick<AuditRepository, 'append'>
  readonly now?: () => Date
}

/**
 * The partnership's board, the groups under it and their seats: read by whoever holds `board:view`, changed by those
 * holding `board:edit`. Each change is one unit of work with its audit event; an edit carries the version it was made
 * from and is refused when the row has moved on.
 */
export function createBoardService(deps: BoardServiceDeps) {
  const { database, repository, audit } = deps
  const now = deps.now ?? (() => new Date())

  function demandView(user: Principal): void {
    if (!can(user, 'board:view')) throw new PermissionDenied('board:view')
  }
  function demandEdit(user: Principal): void {
    if (!can(user, 'board:edit')) throw new PermissionDenied('board:edit')
  }

  const event = (
    user: BoardUser,
    action: string,
    entityType: 'board-group' | 'board-membership',
    entityKey: number,
    before: unknown,
    after: unknown,
  ): AuditEventInput => ({ actor: user.email, action, entityType, entityKey: String(entityKey), before, after })

  const stampOf = (user: BoardUser) => ({ at: now().toISOString(), by: user.email })

  function membershipView(seat: Membership, agencies: readonly LinkedAgency[], today: string): MembershipView {
    return {
      ...seat,
      roleText: roleWords(seat.role),
      sectorText: sectorWords(seat.sector),
      agencyName: agencies.find((a) => a.id === seat.agencyId)?.name ?? null,
      current: isCurrentSeat(seat, today),
    }
  }

  /** The groups that are `groupId` or under it (a group may not report to one of these). */
  function selfAndBelow(groups: readonly BoardGroup[], groupId: number): Set<number> {
    const found = new Set<number>([groupId])
    let grew = true
    while (grew) {
      grew = false
      for (const g of groups) {
        if (g.parentGroupId !== null && found.has(g.parentGroupId) && !found.has(g.id)) {
          found.add(g.id)
          grew = true
        }
      }
    }
    return found
  }

  function readGroupForm(
    form: GroupForm,
    kind: 'board' | 'group',
    groups: readonly BoardGroup[],
    editing: BoardGroup | null,
  ): { fields: GroupFields } | { problems: Problem[] } {
    const problems: Problem[] = []
    const text = (value: string, field: string, label: string, limit: number, required: boolean): string | null => {
      const trimmed = value.trim()
      if (trimmed === '') {
        if (required) problems.push({ field, message: `Enter ${label}` })
        return null
      }
      if ([...trimmed].length > limit)
        problems.push({ field, message: `${capital(label)} must be ${limit} characters or fewer` })
      return trimmed
    }
    const noun = kind === 'board' ? 'the board' : 'the group'
    const name = text(form.name, 'name', `${noun}’s name`, BOARD_TEXT_LIMITS.name, true)
    if (name !== null && groups.some((g) => g.id !== editing?.id && groupNameKey(g.name) === groupNameKey(name))) {
      problems.push({ field: 'name', message: `The partnership already has a board or group called ${name}` })
    }
    const purpose = text(form.purpose, 'purpose', `${noun}’s purpose`, BOARD_TEXT_LIMITS.purpose, false)
    const termsOfReference = text(
      form.termsOfReference,
      'termsOfReference',
      'the terms of reference',
      BOARD_TEXT_LIMITS.termsOfReference,
      false,
    )
    const meetingFrequency = text(
      form.meetingFrequency,
      'meetingFrequency',
      'how often it meets',
      BOARD_TEXT_LIMITS.frequency,
      false,
    )
    let quorum: number | null = null
    const quorumText = form.quorum.trim()
    if (quorumText !== '') {
      if (!/^\d{1,3}$/.test(quorumText) || Number(quorumText) < 1) {
        problems.push({ field: 'quorum', message: 'The quorum must be a whole number of voting members, 1 or more' })
      } else quorum = Number(quorumText)
    }
    let parent: number | null = null
    if (kind === 'group') {
      const parentText = (form.parent ?? '').trim()
      const chosen = groups.find((g) => String(g.id) === parentText)
      if (!chosen) problems.push({ field: 'parent', message: 'Choose the board or group it reports to' })
      else if (editing && selfAndBelow(groups, editing.id).has(chosen.id)) {
        problems.push({
          field: 'parent',
          message: `${editing.name} cannot report to ${chosen.name}: ${chosen.id === editing.id ? 'a group cannot report to itself' : `${chosen.name} reports to it`}`,
        })
      } else parent = chosen.id
    }
    if (problems.length > 0 || name === null) return { problems }
    return {
      fields: {
        name,
        parent_group_id: parent,
        purpose,
        terms_of_reference: termsOfReference,
        meeting_frequency: meetingFrequency,
        quorum,
      },
    }
  }

  function readMembershipForm(
    form: MembershipForm,
    agencies: readonly LinkedAgency[],
  ): { fields: MembershipFields } | { problems: Problem[] } {
    const problems: Problem[] = []
    const text = (value: string, field: string, label: string, limit: number, required: boolean): string | null => {
      const trimmed = value.trim()
      if (trimmed === '') {
        if (required) problems.push({ field, message: `Enter ${label}` })
        return null
      }
      if ([...trimmed].length > limit)
        problems.push({ field, message: `${capital(label)} must be ${limit} characters or fewer` })
      return trimmed
    }
    const personName = text(form.personName, 'personName', 'the person’s name', BOARD_TEXT_LIMITS.person, false)
    const jobTitle = text(form.jobTitle, 'jobTitle', 'the job title', BOARD_TEXT_LIMITS.jobTitle, false)
    const organisation = text(
      form.organisation,
      'organisation',
      'the organisation the seat is held for',
      BOARD_TEXT_LIMITS.organisation,
      true,
    )
    const seat = text(form.seat, 'seat', 'the seat', BOARD_TEXT_LIMITS.seat, false)
    const sector = SECTORS.find((s) => s.value === form.sector.trim())?.value
    if (!sector) problems.push({ field: 'sector', message: 'Choose the kind of organisation' })
    const role = ROLES.find((r) => r.value === form.role.trim())?.value
    if (!role) problems.push({ field: 'role', message: 'Choose the role: chair, vice-chair, member or adviser' })
    const voting = form.voting === 'yes' ? 1 : form.voting === 'no' ? 0 : null
    if (voting === null) problems.push({ field: 'voting', message: 'Say whether the seat votes' })
    let agencyId: number | null = null
    if (form.agency.trim() !== '') {
      const agency = agencies.find((a) => String(a.id) === form.agency.trim())
      if (!agency)
        problems.push({ field: 'agency', message: 'Choose the partner agency from the partnership’s agencies' })
      else agencyId = agency.id
    }
    const date = (value: string, field: string, label: string): string | null => {
      const read = readDate(value)
      if ('problem' in read) {
        problems.push({ field, message: `${capital(label)} must be a real date, for example 1 11 2017` })
        return null
      }
      return read.date
    }
    const fromDate = date(form.fromDate, 'fromDate', 'the date the seat was taken')
    const toDate = date(form.toDate, 'toDate', 'the date the seat ended')
    if (fromDate !== null && toDate !== null && toDate < fromDate) {
      problems.push({ field: 'toDate', message: 'The date the seat ended must be on or after the date it was taken' })
    }
    if (problems.length > 0 || organisation === null || !sector || !role || voting === null) return { problems }
    return {
      fields: {
        person_name: personName,
        job_title: jobTitle,
        organisation,
        agency_id: agencyId,
        sector,
        seat,
        role,
        voting,
        from_date: fromDate,
        to_date: toDate,
      },
    }
  }

  /** The one-chair rule: another seat of the group chairing it over any of the same days. */
  async function chairClash(
    uow: UnitOfWork,
    groupId: number,
    fields: MembershipFields,
    exceptId: number | null,
  ): Promise<Problem | null> {
    if (fields.role !== 'chair') return null
    const seats = await repository.membershipsIn(uow, groupId)
    const other = seats.find(
      (s) =>
        s.id !== exceptId &&
        s.role === 'chair' &&
        datesOverlap(s, { fromDate: fields.from_date, toDate: fields.to_date }),
    )
    if (!other) return null
    const who = other.personName ?? other.organisation
    const until = other.toDate === null ? 'with no end date' : `until ${other.toDate}`
    return {
      field: 'role',
      message: `${who} already chairs this group over those dates (${other.fromDate === null ? 'from the start' : `from ${other.fromDate}`}, ${until}): end that seat first or choose another role`,
    }
  }

  async function groupOrNotFound(id: number): Promise<BoardGroup> {
    const group = await repository.getGroup(id)
    if (!group) throw new BoardNotFound()
    return group
  }

  /** Appendix B with the seats held on `asOf`: see `appendixBAsOf` below for who may ask. */
  async function appendixBAsOf(asOf: string): Promise<DocumentSection> {
    const [groups, seats, agencies] = await Promise.all([
      repository.listGroups(),
      repository.listMemberships(),
      repository.listAgencies(),
    ])
    return appendixBSection({
      groups: groups.map((g) => ({
        ...g,
        members: seats.filter((s) => s.groupId === g.id).map((s) => membershipView(s, agencies, asOf)),
      })),
      asOf,
    })
  }

  return {
    /** The partnership's linked agencies (a seat may be held for one). */
    agencies: () => repository.listAgencies(),

    /**
     * The board, its groups with their seats, and the s.5 check, as the board page shows them. `board` is null until
     * the partnership makes one.
     */
    async overview(user: Principal) {
      demandView(user)
      const today = londonDate(now())
      const [groups, seats, agencies] = await Promise.all([
        repository.listGroups(),
        repository.listMemberships(),
        repository.listAgencies(),
      ])
      const views: GroupView[] = groups.map((g) => {
        const members = seats.filter((s) => s.groupId === g.id).map((s) => membershipView(s, agencies, today))
        return {
          ...g,
          parentName: groups.find((p) => p.id === g.parentGroupId)?.name ?? null,
          members,
          chairs: members.filter((m) => m.role === 'chair' && m.current),
        }
      })
      const board = views.find((g) => g.kind === 'board') ?? null
      const missing = board ? missingResponsibleAuthorities(board.members, today) : []
      const check: AuthorityCheck = { missing, sentences: missing.map(missingAuthoritySentence), today }
      return { board, groups: views.filter((g) => g.kind === 'group'), all: views, check, today }
    },

    /** One group (or the board) with its seats, its parent's name, its sub-groups and the plan's actions naming it. */
    async group(user: Principal, id: number) {
      demandView(user)
      const today = londonDate(now())
      const [group, groups, seats, agencies, actions] = await Promise.all([
        groupOrNotFound(id),
        repository.listGroups(),
        repository.listMemberships(id),
        repository.listAgencies(),
        repository.actionsWithGroups(),
      ])
      const members = seats.map((s) => membershipView(s, agencies, today))
      const view: GroupView = {
        ...group,
        parentName: groups.find((p) => p.id === group.parentGroupId)?.name ?? null,
        members,
        chairs: members.filter((m) => m.role === 'chair' && m.current),
      }
      const key = groupNameKey(group.name)
      return {
        group: view,
        subGroups: groups.filter((g) => g.parentGroupId === id),
        actions: actions.filter((a: GroupAction) => groupNameKey(a.deliveryGroup) === key),
        today,
      }
    },

    /**
     * Appendix B as a section of a printable document, with the seats held on `asOf` (the annual report passes its
     * year's last day): for whoever may read the board or the annual report.
     *
     * @example const section = await board.appendixB(user, '2018-03-31')
     */
    async appendixB(user: Principal, asOf: string): Promise<DocumentSection> {
      if (!can(user, 'board:view') && !can(user, 'annual-report:view')) throw new PermissionDenied('board:view')
      return appendixBAsOf(asOf)
    },

    /**
     * Appendix B for the annual report, whose own service has already asked whether its reader may read the report
     * (src/annual-report/annual-report-service.ts): what the public report prints is the board's public membership.
     */
    appendixBAsOf,

    /** Every group (and the board) a group may report to, for the form. */
    async groups(user: Principal): Promise<BoardGroup[]> {
      demandView(user)
      return repository.listGroups()
    },

    async membership(user: Principal, id: number): Promise<{ seat: Membership; group: BoardGroup }> {
      demandView(user)
      const seat = await repository.getMembership(id)
      if (!seat) throw new BoardNotFound()
      return { seat, group: await groupOrNotFound(seat.groupId) }
    },

    /** Makes the partnership's board (one per partnership). */
    async createBoard(user: BoardUser, form: GroupForm): Promise<Outcome<BoardGroup>> {
      demandEdit(user)
      return inUnitOfWork(database, async (uow): Promise<Outcome<BoardGroup>> => {
        const groups = await repository.groupsIn(uow)
        if (groups.some((g) => g.kind === 'board')) {
          return { kind: 'invalid', problems: [{ field: 'name', message: 'The partnership already has a board' }] }
        }
        const read = readGroupForm(form, 'board', groups, null)
        if ('problems' in read) return { kind: 'invalid', problems: read.problems }
        const id = await repository.insertGroup(uow, 'board', read.fields, stampOf(user))
        const after = (await repository.readGroup(uow, id)) as BoardGroup
        await audit.append(uow.trx, event(user, 'create', 'board-group', id, null, auditGroup(after)))
        return { kind: 'saved', value: after }
      })
    },

    /** Adds a group under the board or another group. */
    async createGroup(user: BoardUser, form: GroupForm): Promise<Outcome<BoardGroup>> {
      demandEdit(user)
      return inUnitOfWork(database, async (uow): Promise<Outcome<BoardGroup>> => {
        const groups = await repository.groupsIn(uow)
        if (!groups.some((g) => g.kind === 'board')) {
          return {
            kind: 'invalid',
            problems: [{ field: 'parent', message: 'Set up the board first: every group reports to it in the end' }],
          }
        }
        const read = readGroupForm(form, 'group', groups, null)
        if ('problems' in read) return { kind: 'invalid', problems: read.problems }
        const id = await repository.insertGroup(uow, 'group', read.fields, stampOf(user))
        const after = (await repository.readGroup(uow, id)) as BoardGroup
        await audit.append(uow.trx, event(user, 'create', 'board-group', id, null, auditGroup(after)))
        return { kind: 'saved', value: after }
      })
    },

    /** Changes the board's or a group's details, if it is still at `version`. */
    async updateGroup(user: BoardUser, id: number, version: number, form: GroupForm): Promise<Outcome<BoardGroup>> {
      demandEdit(user)
      await groupOrNotFound(id)
      return inUnitOfWork(database, async (uow): Promise<Outcome<BoardGroup>> => {
        const before = await repository.readGroup(uow, id)
        if (!before) throw new BoardNotFound()
        if (before.version !== version) return { kind: 'conflict' }
        const read = readGroupForm(form, before.kind, await repository.groupsIn(uow), before)
        if ('problems' in read) return { kind: 'invalid', problems: read.problems }
        if (!(await repository.updateGroup(uow, id, version, read.fields, stampOf(user)))) return { kind: 'conflict' }
        const after = (await repository.readGroup(uow, id)) as BoardGroup
        await audit.append(uow.trx, event(user, 'update', 'board-group', id, auditGroup(before), auditGroup(after)))
        return { kind: 'saved', value: after }
      })
    },

    /** Moves a group one place up or down among the groups reporting to the same parent. */
    async moveGroup(user: BoardUser, id: number, direction: 'up' | 'down'): Promise<Outcome<BoardGroup>> {
      demandEdit(user)
      await groupOrNotFound(id)
      return inUnitOfWork(database, async (uow): Promise<Outcome<BoardGroup>> => {
        const groups = await repository.groupsIn(uow)
        const group = groups.find((g) => g.id === id)
        if (!group) throw new BoardNotFound()
        const siblings = groups.filter((g) => g.kind === 'group' && g.parentGroupId === group.parentGroupId)
        const at = siblings.findIndex((g) => g.id === id)
        const other = siblings[direction === 'up' ? at - 1 : at + 1]
        if (group.kind === 'board' || !other) return { kind: 'saved', value: group }
        const stamp = stampOf(user)
        // Swapped by position, not by value: two groups may share a sort order (made in the same instant elsewhere).
        const [first, second] = direction === 'up' ? [group, other] : [other, group]
        const lower = Math.min(first.sortOrder, second.sortOrder)
        const upper = Math.max(first.sortOrder, second.sortOrder, lower + 1)
        await repository.updateGroup(uow, first.id, first.version, { sort_order: lower }, stamp)
        await repository.updateGroup(uow, second.id, second.version, { sort_order: upper }, stamp)
        for (const moved of [first, second]) {
          const after = (await repository.readGroup(uow, moved.id)) as BoardGroup
          await audit.append(
            uow.trx,
            event(user, 'reorder', 'board-group', moved.id, auditGroup(moved), auditGroup(after)),
          )
        }
        return { kind: 'saved', value: (await repository.readGroup(uow, id)) as BoardGroup }
      })
    },

    /**
     * Removes a group or the board: refused while it has seats, meetings or groups under it, saying which, so that
     * nothing is lost by accident (remove those first).
     */
    async removeGroup(user: BoardUser, id: number, version: number): Promise<Outcome<BoardGroup>> {
      demandEdit(user)
      await groupOrNotFound(id)
      return inUnitOfWork(database, async (uow): Promise<Outcome<BoardGroup>> => {
        const before = await repository.readGroup(uow, id)
        if (!before) throw new BoardNotFound()
        if (before.version !== version) return { kind: 'conflict' }
        const holdings = await repository.holdingsOf(uow, id)
        const reasons: string[] = []
        if (holdings.members > 0)
          reasons.push(`${holdings.members} ${holdings.members === 1 ? 'seat' : 'seats'} (remove or end them first)`)
        if (holdings.meetings > 0)
          reasons.push(`${holdings.meetings} ${holdings.meetings === 1 ? 'meeting' : 'meetings'}`)
        if (holdings.subGroups.length > 0)
          reasons.push(`groups reporting to it: ${holdings.subGroups.join(', ')} (move or remove them first)`)
        if (reasons.length > 0) {
          return {
            kind: 'invalid',
            problems: [
              { field: 'remove', message: `${before.name} cannot be removed while it has ${reasons.join('; ')}` },
            ],
          }
        }
        if (!(await repository.deleteGroup(uow, id, version))) return { kind: 'conflict' }
        await audit.append(uow.trx, event(user, 'delete', 'board-group', id, auditGroup(before), null))
        return { kind: 'saved', value: before }
      })
    },

    /** Adds a seat to a group (or the board). */
    async addMembership(user: BoardUser, groupId: number, form: MembershipForm): Promise<Outcome<Membership>> {
      demandEdit(user)
      await groupOrNotFound(groupId)
      const read = readMembershipForm(form, await repository.listAgencies())
      if ('problems' in read) return { kind: 'invalid', problems: read.problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome<Membership>> => {
        if (!(await repository.readGroup(uow, groupId))) throw new BoardNotFound()
        const clash = await chairClash(uow, groupId, read.fields, null)
        if (clash) return { kind: 'invalid', problems: [clash] }
        const id = await repository.insertMembership(uow, groupId, read.fields, stampOf(user))
        const after = (await repository.readMembership(uow, id)) as Membership
        await audit.append(uow.trx, event(user, 'create', 'board-membership', id, null, auditMembership(after)))
        return { kind: 'saved', value: after }
      })
    },

    /** Changes a seat, if it is still at `version`. */
    async updateMembership(
      user: BoardUser,
      id: number,
      version: number,
      form: MembershipForm,
    ): Promise<Outcome<Membership>> {
      demandEdit(user)
      if (!(await repository.getMembership(id))) throw new BoardNotFound()
      const read = readMembershipForm(form, await repository.listAgencies())
      if ('problems' in read) return { kind: 'invalid', problems: read.problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome<Membership>> => {
        const before = await repository.readMembership(uow, id)
        if (!before) throw new BoardNotFound()
        if (before.version !== version) return { kind: 'conflict' }
        const clash = await chairClash(uow, before.groupId, read.fields, id)
        if (clash) return { kind: 'invalid', problems: [clash] }
        if (!(await repository.updateMembership(uow, id, version, read.fields, stampOf(user))))
          return { kind: 'conflict' }
        const after = (await repository.readMembership(uow, id)) as Membership
        await audit.append(
          uow.trx,
          event(user, 'update', 'board-membership', id, auditMembership(before), auditMembership(after)),
        )
        return { kind: 'saved', value: after }
      })
    },

    /** Ends a seat on a date (kept, so past meetings' attendance still names it). */
    async endMembership(user: BoardUser, id: number, version: number, endDate: string): Promise<Outcome<Membership>> {
      demandEdit(user)
      if (!(await repository.getMembership(id))) throw new BoardNotFound()
      const read = readDate(endDate)
      if ('problem' in read || read.date === null) {
        return {
          kind: 'invalid',
          problems: [
            { field: 'endDate', message: 'Enter the date the seat ended as a real date, for example 31 3 2018' },
          ],
        }
      }
      const ended = read.date
      return inUnitOfWork(database, async (uow): Promise<Outcome<Membership>> => {
        const before = await repository.readMembership(uow, id)
        if (!before) throw new BoardNotFound()
        if (before.version !== version) return { kind: 'conflict' }
        if (before.fromDate !== null && ended < before.fromDate) {
          return {
            kind: 'invalid',
            problems: [{ field: 'endDate', message: `The seat cannot end before it was taken (${before.fromDate})` }],
          }
        }
        if (!(await repository.updateMembership(uow, id, version, { to_date: ended }, stampOf(user))))
          return { kind: 'conflict' }
        const after = (await repository.readMembership(uow, id)) as Membership
        await audit.append(
          uow.trx,
          event(user, 'end', 'board-membership', id, auditMembership(before), auditMembership(after)),
        )
        return { kind: 'saved', value: after }
      })
    },

    /** Removes a seat entered by mistake (a seat that was held ends instead: `endMembership`). */
    async removeMembership(user: BoardUser, id: number, version: number): Promise<Outcome<Membership>> {
      demandEdit(user)
      if (!(await repository.getMembership(id))) throw new BoardNotFound()
      return inUnitOfWork(database, async (uow): Promise<Outcome<Membership>> => {
        const before = await repository.readMembership(uow, id)
        if (!before) throw new BoardNotFound()
        if (before.version !== version || !(await repository.deleteMembership(uow, id, version)))
          return { kind: 'conflict' }
        await audit.append(uow.trx, event(user, 'delete', 'board-membership', id, auditMembership(before), null))
        return { kind: 'saved', value: before }
      })
    },
  }
}

export type BoardService = ReturnType<typeof createBoardService>
