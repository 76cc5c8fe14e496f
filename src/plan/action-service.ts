import { can, PermissionDenied, type Principal } from '../accounts/permissions.ts'
import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { londonDate } from '../domain/period.ts'
import { isOverdue } from './action-overdue.ts'
import type {
  ActionFields,
  ActionRepository,
  ActionUpdate,
  LinkedAgency,
  Milestone,
  PlanAction,
  PriorityChoice,
} from './action-repository.ts'
import type { ActionStatus } from './plan-tables.ts'

/** The statuses in the order a partnership officer reads them, with their words. */
export const ACTION_STATUSES: readonly { readonly value: ActionStatus; readonly text: string }[] = Object.freeze([
  { value: 'not-started', text: 'Not started' },
  { value: 'on-track', text: 'On track' },
  { value: 'at-risk', text: 'At risk' },
  { value: 'off-track', text: 'Off track' },
  { value: 'complete', text: 'Complete' },
  { value: 'cancelled', text: 'Cancelled' },
])

export const STATUS_WORDS: Readonly<Record<ActionStatus, string>> = Object.freeze(
  Object.fromEntries(ACTION_STATUSES.map((s) => [s.value, s.text])) as Record<ActionStatus, string>,
)

export function isActionStatus(value: string): value is ActionStatus {
  return ACTION_STATUSES.some((s) => s.value === value)
}

/** The person asking: a principal with a name for the audit trail. */
export interface ActionUser extends Principal {
  readonly email: string
  readonly id?: number
}

/** Thrown when the action does not exist or the person may not know it exists (shown as 404). */
export class ActionNotFound extends Error {
  constructor() {
    super('Not found')
    this.name = 'ActionNotFound'
  }
}

export interface Problem {
  /** The form field the problem is about (the error summary links to it). */
  readonly field: string
  readonly message: string
}

/** An action's form as typed: every field text; dates `YYYY-M-D` from the three boxes, or empty. */
export interface ActionForm {
  readonly reference: string
  readonly title: string
  readonly description: string
  readonly strategicPriority: string
  readonly deliveryPriority: string
  readonly deliveryGroup: string
  readonly leadAgency: string
  readonly owner: string
  readonly startDate: string
  readonly dueDate: string
  /** A new action's first status (an existing action's changes only with a progress update). */
  readonly status?: string
  readonly milestones: readonly { readonly title: string; readonly dueDate: string; readonly completedOn: string }[]
}

export interface UpdateForm {
  readonly writtenOn: string
  readonly status: string
  readonly note: string
}

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly action: PlanAction }
  | { readonly kind: 'invalid'; readonly problems: readonly Problem[] }
  /** Someone else changed the action since the editor read it: nothing was written. */
  | { readonly kind: 'conflict'; readonly current: PlanAction }

/** The list's filters, as the GET form sends them; empty means "all". */
export interface ActionFilters {
  readonly priority?: string
  readonly status?: string
  readonly agency?: string
  readonly group?: string
  /** `yes`: only overdue actions. */
  readonly overdue?: string
}

/** An action as the list and its page show it, with the names it refers to and the overdue rule's answer. */
export interface ActionView extends PlanAction {
  readonly statusText: string
  readonly priorityName: string | null
  readonly deliveryPriorityName: string | null
  readonly leadAgency: LinkedAgency | null
  readonly overdue: boolean
  readonly milestonesShown: readonly (Milestone & { readonly overdue: boolean })[]
  /** Whether any of its milestones is overdue (the list says so beside the action's own status). */
  readonly milestoneOverdue: boolean
}

/** The dashboard's flags: open actions overdue, at risk and off track. */
export interface ActionFlags {
  readonly overdue: number
  readonly atRisk: number
  readonly offTrack: number
}

export const TEXT_LIMITS = { reference: 20, title: 200, description: 2000, name: 120, note: 2000 } as const

const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9./-]*$/

/**
 * A date from the form's three boxes (`YYYY-M-D`, day and month with or without a leading zero), checked to be a
 * real date. `''` (all three empty) is no date.
 *
 * @example readDate('2018-3-31') // { date: '2018-03-31' }
 * @example readDate('2018-2-30') // { problem: true }
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

export interface ActionServiceDeps {
  /** The partnership's database handle: each write's unit of work is opened on it. */
  readonly database: Database
  readonly repository: ActionRepository
  readonly audit: Pick<AuditRepository, 'append' | 'appendAll'>
  readonly now?: () => Date
}

/**
 * The delivery plan's actions: listed and read by whoever may read the plan (a data owner only their agency's, and
 * another agency's action is not found), changed by those who may edit it. Each change is one unit of work with its
 * audit events; an edit carries the version it was made from and is refused when the action has moved on; the status
 * changes only with a dated progress update (or a quarterly return's, when accepted: action-return-updates.ts).
 */
export function createActionService(deps: ActionServiceDeps) {
  const { database, repository, audit } = deps
  const now = deps.now ?? (() => new Date())
  /** The dashboard's counts, kept with the object that stands for the data they were counted from (see `flags`). */
  const keptFlags = new WeakMap<object, Map<string, ActionFlags>>()

  /**
   * The agency whose actions only `user` may see, or null for all: a data owner's `plan:view` is their own agency's.
   * Refuses someone who may read no actions at all.
   */
  function visibleAgency(user: Principal): number | null {
    if (can(user, 'plan:view')) return null
    if (user.agencyId !== null && can(user, 'plan:view', { agencyId: user.agencyId })) return user.agencyId
    throw new PermissionDenied('plan:view')
  }

  /** The action if `user` may see it; not found otherwise (another agency's, to a data owner: no existence oracle). */
  async function visibleAction(user: ActionUser, id: number): Promise<PlanAction> {
    const only = visibleAgency(user)
    const action = await repository.getAction(id)
    if (!action || (only !== null && action.leadAgencyId !== only)) throw new ActionNotFound()
    return action
  }

  function demandEdit(user: ActionUser): void {
    if (!can(user, 'plan:edit')) throw new PermissionDenied('plan:edit')
  }

  async function namesFor() {
    const [priorities, agencies] = await Promise.all([repository.listPriorities(), repository.listAgencies()])
    return { priorities, agencies }
  }

  function viewOf(
    action: PlanAction,
    names: { priorities: { strategic: PriorityChoice[]; delivery: PriorityChoice[] }; agencies: LinkedAgency[] },
    at: Date,
  ): ActionView {
    return {
      ...action,
      statusText: STATUS_WORDS[action.status],
      priorityName: names.priorities.strategic.find((p) => p.id === action.strategicPriorityId)?.name ?? null,
      deliveryPriorityName: names.priorities.delivery.find((p) => p.id === action.deliveryPriorityId)?.name ?? null,
      leadAgency: names.agencies.find((a) => a.id === action.leadAgencyId) ?? null,
      overdue: isOverdue(action, at),
      milestonesShown: action.milestones.map((m) => ({ ...m, overdue: isOverdue(m, at, action.status) })),
      milestoneOverdue: action.milestones.some((m) => isOverdue(m, at, action.status)),
    }
  }

  /** The form read against the partnership's priorities and agencies: the columns, or every problem found. */
  function readForm(
    form: ActionForm,
    names: { priorities: { strategic: PriorityChoice[]; delivery: PriorityChoice[] }; agencies: LinkedAgency[] },
  ): { fields: ActionFields; milestones: Milestone[]; status: ActionStatus } | { problems: Problem[] } {
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
    const reference = text(form.reference, 'reference', 'the action’s reference', TEXT_LIMITS.reference, true)
    if (reference !== null && !REFERENCE_PATTERN.test(reference)) {
      problems.push({
        field: 'reference',
        message:
          'The reference must start with a letter or digit and use only letters, digits, full stops, hyphens and slashes',
      })
    }
    const title = text(form.title, 'title', 'what the action is', TEXT_LIMITS.title, true)
    const description = text(form.description, 'description', 'the description', TEXT_LIMITS.description, false)
    const deliveryGroup = text(form.deliveryGroup, 'deliveryGroup', 'the delivery group', TEXT_LIMITS.name, false)
    const owner = text(form.owner, 'owner', 'the owner’s name', TEXT_LIMITS.name, false)

    const strategic = names.priorities.strategic.find((p) => String(p.id) === form.strategicPriority.trim())
    if (!strategic)
      problems.push({ field: 'strategicPriority', message: 'Choose the strategic priority the action serves' })
    let deliveryPriorityId: number | null = null
    if (form.deliveryPriority.trim() !== '') {
      const delivery = names.priorities.delivery.find((p) => String(p.id) === form.deliveryPriority.trim())
      if (!delivery) problems.push({ field: 'deliveryPriority', message: 'Choose a delivery priority from the list' })
      else if (strategic && delivery.strategicPriorityId !== strategic.id) {
        problems.push({
          field: 'deliveryPriority',
          message: `The delivery priority “${delivery.name}” is not under the strategic priority chosen`,
        })
      } else deliveryPriorityId = delivery.id
    }
    let leadAgencyId: number | null = null
    if (form.leadAgency.trim() !== '') {
      const agency = names.agencies.find((a) => String(a.id) === form.leadAgency.trim())
      if (!agency)
        problems.push({ field: 'leadAgency', message: 'Choose the lead agency from the partnership’s agencies' })
      else leadAgencyId = agency.id
    }
    const date = (value: string, field: string, label: string): string | null => {
      const read = readDate(value)
      if ('problem' in read) {
        problems.push({ field, message: `${capital(label)} must be a real date, for example 31 3 2018` })
        return null
      }
      return read.date
    }
    const startDate = date(form.startDate, 'startDate', 'the start date')
    const dueDate = date(form.dueDate, 'dueDate', 'the due date')
    if (startDate !== null && dueDate !== null && startDate > dueDate) {
      problems.push({ field: 'dueDate', message: 'The due date must be on or after the start date' })
    }
    let status: ActionStatus = 'not-started'
    if (form.status !== undefined && form.status !== '') {
      if (isActionStatus(form.status)) status = form.status
      else problems.push({ field: 'status', message: 'Choose the action’s status' })
    }
    const milestones: Milestone[] = []
    form.milestones.forEach((m, index) => {
      const n = index + 1
      const mTitle = m.title.trim()
      const due = date(m.dueDate, `milestone-${n}-due`, `milestone ${n}’s due date`)
      const done = date(m.completedOn, `milestone-${n}-done`, `milestone ${n}’s completion date`)
      if (mTitle === '') {
        // A row left blank is no milestone; a date without a title is a mistake worth saying.
        if (due !== null || done !== null)
          problems.push({ field: `milestone-${n}-title`, message: `Enter milestone ${n}’s title` })
        return
      }
      if ([...mTitle].length > TEXT_LIMITS.title) {
        problems.push({
          field: `milestone-${n}-title`,
          message: `Milestone ${n}’s title must be ${TEXT_LIMITS.title} characters or fewer`,
        })
      }
      milestones.push({ title: mTitle, dueDate: due, completedOn: done })
    })
    if (problems.length > 0 || reference === null || title === null || !strategic) return { problems }
    return {
      fields: {
        reference,
        title,
        description,
        strategic_priority_id: strategic.id,
        delivery_priority_id: deliveryPriorityId,
        delivery_group: deliveryGroup,
        lead_agency_id: leadAgencyId,
        owner,
        start_date: startDate,
        due_date: dueDate,
      },
      milestones,
      status,
    }
  }

  const event = (
    user: ActionUser,
    action: string,
    entityType: string,
    entityKey: string,
    before: unknown,
    after: unknown,
    requestId: string | null,
  ): AuditEventInput => ({ actor: user.email, action, entityType, entityKey, before, after, requestId })

  /** The same reference twice, said on the field rather than left to the database's refusal (a 500). */
  const referenceProblem = (reference: string): SaveOutcome => ({
    kind: 'invalid',
    problems: [{ field: 'reference', message: `Another action has the reference ${reference}` }],
  })

  return {
    /** The choices of the action form: strategic priorities, delivery priorities under them, linked agencies. */
    choices: namesFor,

    /** Every action `user` may see, narrowed by the filters, with the names and the overdue rule's answer. */
    async list(user: ActionUser, filters: ActionFilters = {}) {
      const only = visibleAgency(user)
      const at = now()
      const [actions, names] = await Promise.all([
        repository.listActions(only === null ? {} : { leadAgencyId: only }),
        namesFor(),
      ])
      const views = actions.map((a) => viewOf(a, names, at))
      const f = {
        priority: filters.priority?.trim() ?? '',
        status: filters.status?.trim() ?? '',
        agency: filters.agency?.trim() ?? '',
        group: filters.group?.trim() ?? '',
        overdue: filters.overdue === 'yes' ? 'yes' : '',
      }
      const shown = views.filter(
        (a) =>
          (f.priority === '' || String(a.strategicPriorityId) === f.priority) &&
          (f.status === '' || a.status === f.status) &&
          (f.agency === '' || String(a.leadAgencyId) === f.agency) &&
          (f.group === '' || a.deliveryGroup === f.group) &&
          (f.overdue === '' || a.overdue),
      )
      const groups = [...new Set(views.map((a) => a.deliveryGroup).filter((g): g is string => g !== null))].sort()
      return {
        actions: shown,
        total: views.length,
        filters: f,
        options: {
          priorities: names.priorities.strategic,
          agencies: only === null ? names.agencies : names.agencies.filter((a) => a.id === only),
          groups,
        },
        today: londonDate(at),
      }
    },

    /** One action with its progress updates, newest first. */
    async get(user: ActionUser, id: number): Promise<{ action: ActionView; updates: ActionUpdate[] }> {
      const action = await visibleAction(user, id)
      const [names, updates] = await Promise.all([namesFor(), repository.listUpdates(id)])
      return { action: viewOf(action, names, now()), updates }
    },

    /**
     * Counts for the dashboard, from one query: open actions overdue, at risk and off track that `user` may see.
     * `keptWith`: an object that stands for the partnership's data as it is (the dashboard passes the performance
     * report, which the report service builds anew whenever the partnership's audit trail moves, and every change of
     * an action is audited): the counts are kept with it, per agency and per day in England, so a dashboard viewed
     * again with nothing changed reads no actions.
     */
    async flags(user: Principal, keptWith?: object): Promise<ActionFlags> {
      const only = visibleAgency(user)
      const at = now()
      const key = `${only ?? 'all'}|${londonDate(at)}`
      const kept = keptWith === undefined ? undefined : keptFlags.get(keptWith)
      const found = kept?.get(key)
      if (found !== undefined) return found
      const open = await repository.openActionDates(only === null ? {} : { leadAgencyId: only })
      const flags = Object.freeze({
        overdue: open.filter((a) => isOverdue(a, at)).length,
        atRisk: open.filter((a) => a.status === 'at-risk').length,
        offTrack: open.filter((a) => a.status === 'off-track').length,
      })
      if (keptWith !== undefined) {
        const byKey = kept ?? new Map<string, ActionFlags>()
        // A day's key per agency at most: bounded by the partnership's agencies (and a day or two around midnight).
        if (byKey.size > 256) byKey.clear()
        byKey.set(key, flags)
        keptFlags.set(keptWith, byKey)
      }
      return flags
    },

    async create(user: ActionUser, form: ActionForm, requestId: string | null = null): Promise<SaveOutcome> {
      demandEdit(user)
      const read = readForm(form, await namesFor())
      if ('problems' in read) return { kind: 'invalid', problems: read.problems }
      // Checked inside the unit of work: writers are one at a time there, so two adding the same reference cannot
      // both pass the check.
      return inUnitOfWork(database, async (uow): Promise<SaveOutcome> => {
        if (await repository.referenceTaken(uow, read.fields.reference, null))
          return referenceProblem(read.fields.reference)
        const stamp = { at: now().toISOString(), by: user.email }
        const id = await repository.insertAction(uow, read.fields, read.status, stamp)
        await repository.replaceMilestones(uow, id, read.milestones, stamp)
        const after = (await repository.readAction(uow, id)) as PlanAction
        await audit.append(uow.trx, event(user, 'create', 'plan-action', String(id), null, auditForm(after), requestId))
        return { kind: 'saved', action: after }
      })
    },

    /** Changes an action's details and milestones (not its status), if it is still at `version`. */
    async update(
      user: ActionUser,
      id: number,
      version: number,
      form: ActionForm,
      requestId: string | null = null,
    ): Promise<SaveOutcome> {
      demandEdit(user)
      await visibleAction(user, id)
      const read = readForm({ ...form, status: '' }, await namesFor())
      if ('problems' in read) return { kind: 'invalid', problems: read.problems }
      return inUnitOfWork(database, async (uow): Promise<SaveOutcome> => {
        const before = await repository.readAction(uow, id)
        if (!before) throw new ActionNotFound()
        if (before.version !== version) return { kind: 'conflict', current: before }
        if (await repository.referenceTaken(uow, read.fields.reference, id))
          return referenceProblem(read.fields.reference)
        const stamp = { at: now().toISOString(), by: user.email }
        if (!(await repository.updateAction(uow, id, version, read.fields, stamp))) {
          return { kind: 'conflict', current: before }
        }
        await repository.replaceMilestones(uow, id, read.milestones, stamp)
        const after = (await repository.readAction(uow, id)) as PlanAction
        await audit.append(
          uow.trx,
          event(user, 'update', 'plan-action', String(id), auditForm(before), auditForm(after), requestId),
        )
        return { kind: 'saved', action: after }
      })
    },

    /**
     * A dated progress update: the note, with the status as of that date, which becomes the action's status. Refused
     * when the action has changed since `version`.
     */
    async addUpdate(
      user: ActionUser,
      id: number,
      version: number,
      form: UpdateForm,
      requestId: string | null = null,
    ): Promise<SaveOutcome> {
      demandEdit(user)
      await visibleAction(user, id)
      const problems: Problem[] = []
      const written = readDate(form.writtenOn)
      let writtenOn: string | null = null
      if ('problem' in written)
        problems.push({
          field: 'writtenOn',
          message: 'The date of the update must be a real date, for example 31 3 2018',
        })
      else if (written.date === null) problems.push({ field: 'writtenOn', message: 'Enter the date the update is for' })
      else if (written.date > londonDate(now()))
        problems.push({ field: 'writtenOn', message: 'The date of the update must be today or in the past' })
      else writtenOn = written.date
      if (!isActionStatus(form.status))
        problems.push({ field: 'status', message: 'Choose the action’s status as of this update' })
      const note = form.note.trim()
      if (note === '') problems.push({ field: 'note', message: 'Enter what has happened' })
      else if ([...note].length > TEXT_LIMITS.note)
        problems.push({ field: 'note', message: `The update must be ${TEXT_LIMITS.note} characters or fewer` })
      if (problems.length > 0 || writtenOn === null || !isActionStatus(form.status))
        return { kind: 'invalid', problems }
      const status = form.status
      return inUnitOfWork(database, async (uow): Promise<SaveOutcome> => {
        const before = await repository.readAction(uow, id)
        if (!before) throw new ActionNotFound()
        if (before.version !== version) return { kind: 'conflict', current: before }
        const at = now().toISOString()
        const update = { actionId: id, writtenOn, status, note, writtenBy: user.email, returnId: null, recordedAt: at }
        const updateId = await repository.insertUpdate(uow, { ...update, userId: user.id ?? null })
        await repository.updateAction(uow, id, version, { status }, { at, by: user.email })
        const after = (await repository.readAction(uow, id)) as PlanAction
        await audit.appendAll(uow.trx, [
          event(user, 'create', 'action-update', `${id}/${updateId}`, null, { id: updateId, ...update }, requestId),
          event(user, 'update', 'plan-action', String(id), auditForm(before), auditForm(after), requestId),
        ])
        return { kind: 'saved', action: after }
      })
    },
  }
}

export type ActionService = ReturnType<typeof createActionService>

/** What the audit trail keeps of an action: everything but the bookkeeping that changes on every write. */
export function auditForm(action: PlanAction): unknown {
  const { updatedAt: _u, updatedBy: _b, ...rest } = action
  return rest
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
