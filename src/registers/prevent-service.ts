import { demand, type Principal } from '../accounts/permissions.ts'
import { inUnitOfWork, RollBack, inUnitOfWorkOrRollBack, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { isSmallCount } from '../domain/disclosure-control.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import {
  parseRecordForm,
  RECORD_TYPES,
  type Choice,
  type ParsedForm,
  type RecordType,
  type ReferenceKind,
} from './prevent-record-types.ts'
import type { PreventArrangements, PreventRepository, RegisterRecord } from './prevent-repository.ts'
import {
  channelTotals,
  coverage,
  referralsOfYear,
  trainingTotals,
  type ChannelTotals,
  type Coverage,
  type ReferralsOfYear,
  type TrainingTotals,
} from './prevent-overview.ts'
import { financialYearOfDate, financialYearWords as yearWords } from '../domain/period.ts'
import { activitiesByType, covenantCounts, type ActivityCount, type CovenantCount } from './engagement-overview.ts'
import { readSettingsCsv, type ImportProblem } from './prevent-settings-import.ts'

/** Someone who changes the registers: the audit trail names them by email. */
export type RegisterUser = Principal & { readonly email: string }

/** A plan action as the Prevent page lists it (the plan's own action, src/plan/). */
export interface PlanActionShown {
  readonly id: number
  readonly reference: string
  readonly title: string
  readonly statusText: string
  readonly dueDate: string | null
  readonly overdue: boolean
}

export interface PreventServiceDeps {
  readonly database: Database
  readonly repository: PreventRepository
  /** The framework KPI's returned values for a year's quarters (read only: the KPI has one writer, its data owner). */
  readonly kpiQuarterValues: (indicatorId: string, year: string) => Promise<Map<string, number | null>>
  /** The framework's KPIs, for choosing the one that counts Prevent referrals. */
  readonly indicators: () => Promise<Choice[]>
  /** The plan's actions under a delivery priority, as `viewer` may see them; null when they may not read the plan. */
  readonly planActions: (viewer: RegisterUser, deliveryPriorityId: number) => Promise<PlanActionShown[] | null>
  /** The publication's disclosure threshold (counts from 1 to this minus 1 are withheld from the public). */
  readonly disclosureMinimum: number
}

/** One row as a list shows it: each field's words. */
export interface ListedRecord {
  readonly id: number
  readonly cells: readonly string[]
  readonly illustrative: boolean
}

export type SaveOutcome =
  | { readonly outcome: 'saved'; readonly id: number }
  | { readonly outcome: 'invalid'; readonly form: ParsedForm }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'changed' }

export type RemoveOutcome = 'deleted' | 'not-found' | 'in-use'

export type ImportOutcome =
  | { readonly ok: true; readonly added: number; readonly updated: number; readonly unchanged: number }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] }

export interface PreventPage {
  readonly year: string
  readonly yearWords: string
  readonly years: readonly string[]
  readonly arrangements: {
    readonly groupName: string | null
    readonly priorityName: string | null
    readonly indicatorName: string | null
  }
  /** The latest risk assessment, if any. */
  readonly riskAssessment: {
    readonly assessedOn: string
    readonly tier: string
    readonly summary: string | null
    readonly reviewOn: string | null
    readonly reviewOverdue: boolean
    readonly illustrative: boolean
  } | null
  readonly pathway: { readonly version: string; readonly effectiveOn: string; readonly text: string } | null
  readonly meetings: { readonly body: string; readonly meetings: number; readonly attendance: number }[]
  readonly channel: ChannelTotals & { readonly illustrative: boolean }
  readonly training: readonly TrainingTotals[]
  readonly coverage: readonly Coverage[]
  readonly communications: { readonly count: number; readonly reach: number }
  readonly referrals: ReferralsOfYear & { readonly illustrative: boolean }
  readonly planActions: readonly PlanActionShown[] | null
  readonly illustrativeCoverage: boolean
}

export interface EngagementPage {
  readonly year: string
  readonly yearWords: string
  readonly years: readonly string[]
  readonly activities: readonly ActivityCount[]
  readonly covenants: readonly CovenantCount[]
  readonly consultations: readonly {
    readonly title: string
    readonly opensOn: string
    readonly responses: number | null
  }[]
  readonly illustrative: boolean
}

/** Reads run on the partnership's handle itself, outside a transaction. */
function readUnit(database: Database): UnitOfWork {
  return { trx: database.db, dialect: database.dialect, partnershipId: partnershipIdOf(database) }
}

const typeOf = (table: RecordType['table']): RecordType => {
  const type = RECORD_TYPES.find((t) => t.table === table)
  if (!type) throw new Error(`No record type for ${table}`)
  return type
}

const num = (v: unknown): number => Number(v ?? 0)
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v))

/** A consultation or survey of the engagement register, as the strategic assessment lists it. */
export interface RegisterConsultation {
  readonly id: number
  readonly title: string
  readonly opensOn: string
  readonly closesOn: string | null
  readonly responses: number | null
  readonly findings: string | null
  readonly illustrative: boolean
}

export interface PreventService {
  /** The rows of a register, newest first, as the list shows them ('statutory:view'). */
  list(viewer: Principal, type: RecordType): Promise<ListedRecord[]>
  /** The choices of the type's reference fields ('statutory:edit'). */
  choices(editor: Principal, type: RecordType): Promise<Partial<Record<ReferenceKind, Choice[]>>>
  get(editor: Principal, type: RecordType, id: number): Promise<RegisterRecord | null>
  create(
    editor: RegisterUser,
    type: RecordType,
    body: Record<string, unknown>,
    requestId?: string | null,
  ): Promise<SaveOutcome>
  update(
    editor: RegisterUser,
    type: RecordType,
    id: number,
    version: number,
    body: Record<string, unknown>,
    requestId?: string | null,
  ): Promise<SaveOutcome>
  /** Deletes a row (audited). A setting that training points at is kept ('in-use'). */
  remove(editor: RegisterUser, type: RecordType, id: number, requestId?: string | null): Promise<RemoveOutcome>
  /** Adds and updates settings from a CSV file: all or nothing (audited, each row). */
  importSettings(editor: RegisterUser, content: Buffer | string, requestId?: string | null): Promise<ImportOutcome>
  arrangements(viewer: Principal): Promise<PreventArrangements>
  arrangementChoices(editor: Principal): Promise<{ groups: Choice[]; priorities: Choice[]; indicators: Choice[] }>
  saveArrangements(
    editor: RegisterUser,
    body: Record<string, unknown>,
    requestId?: string | null,
  ): Promise<{ ok: true } | { ok: false; errors: Record<string, string> }>
  /** Financial years with any dated row, newest first (the current one when there are none). */
  years(viewer: Principal): Promise<string[]>
  preventPage(viewer: RegisterUser, year: string): Promise<PreventPage>
  engagementPage(viewer: Principal, year: string): Promise<EngagementPage>
  /**
   * The consultations and surveys of the engagement register open at any time from `from` to `to` (`YYYY-MM-DD`), in
   * date order: what the strategic assessment shows beside its own consultation record.
   */
  consultationsBetween(viewer: Principal, from: string, to: string): Promise<RegisterConsultation[]>
  /** The raw rows the figures read (no permission: the annual report's catalogue calls it for the partnership). */
  rowsForFigures(): Promise<FigureRows>
  readonly disclosureMinimum: number
}

export interface FigureRows {
  readonly referrals: readonly { quarter: string; referrals: number; source: string; illustrative: boolean }[]
  readonly settings: readonly { id: number; kind: string; illustrative: boolean }[]
  readonly training: readonly {
    course: string
    deliveredOn: string
    sessions: number
    attendees: number
    settingId: number | null
    illustrative: boolean
  }[]
  readonly channel: readonly {
    meetingDate: string
    attendance: number | null
    casesDiscussed: number
    casesAdopted: number
    casesClosed: number
    illustrative: boolean
  }[]
  readonly activities: readonly {
    type: string
    heldOn: string
    reach: number | null
    participants: number | null
    illustrative: boolean
  }[]
  readonly signatories: readonly { covenant: string; signedOn: string; illustrative: boolean }[]
}

export function createPreventService(deps: PreventServiceDeps): PreventService {
  const { database, repository } = deps
  const read = () => readUnit(database)

  async function choicesFor(uow: UnitOfWork, type: RecordType): Promise<Partial<Record<ReferenceKind, Choice[]>>> {
    const kinds = new Set(type.fields.flatMap((f) => (f.reference ? [f.reference] : [])))
    const result: Partial<Record<ReferenceKind, Choice[]>> = {}
    if (kinds.has('board-meeting')) result['board-meeting'] = await repository.boardMeetings(uow)
    if (kinds.has('setting')) result.setting = await repository.settings(uow)
    if (kinds.has('strategic-priority')) result['strategic-priority'] = await repository.strategicPriorities(uow)
    return result
  }

  async function figureRows(): Promise<FigureRows> {
    const uow = read()
    const rows = (table: RecordType['table']) => repository.list(uow, typeOf(table))
    const flag = (r: RegisterRecord) => num(r.illustrative) === 1
    return {
      referrals: (await rows('prevent_referral_counts')).map((r) => ({
        quarter: str(r.quarter),
        referrals: num(r.referrals),
        source: str(r.source),
        illustrative: flag(r),
      })),
      settings: (await rows('prevent_register_settings')).map((r) => ({
        id: r.id,
        kind: str(r.kind),
        illustrative: flag(r),
      })),
      training: (await rows('prevent_training')).map((r) => ({
        course: str(r.course),
        deliveredOn: str(r.delivered_on),
        sessions: num(r.sessions),
        attendees: num(r.attendees),
        settingId: numOrNull(r.setting_id),
        illustrative: flag(r),
      })),
      channel: (await rows('channel_panel_meetings')).map((r) => ({
        meetingDate: str(r.meeting_date),
        attendance: numOrNull(r.attendance),
        casesDiscussed: num(r.cases_discussed),
        casesAdopted: num(r.cases_adopted),
        casesClosed: num(r.cases_closed),
        illustrative: flag(r),
      })),
      activities: (await rows('engagement_activities')).map((r) => ({
        type: str(r.activity_type),
        heldOn: str(r.held_on),
        reach: numOrNull(r.reach),
        participants: numOrNull(r.participants),
        illustrative: flag(r),
      })),
      signatories: (await rows('covenant_signatories')).map((r) => ({
        covenant: str(r.covenant),
        signedOn: str(r.signed_on),
        illustrative: flag(r),
      })),
    }
  }

  async function yearsWithRows(): Promise<string[]> {
    const uow = read()
    const years = new Set<string>()
    for (const type of RECORD_TYPES) {
      if (type.dateColumn === 'created_at') continue
      for (const row of await repository.list(uow, type)) {
        const date = str(row[type.dateColumn])
        if (type.dateColumn === 'quarter') years.add(date.slice(0, 9))
        else if (date.length === 10) years.add(financialYearOfDate(date))
      }
    }
    if (years.size === 0) years.add(financialYearOfDate(new Date().toISOString().slice(0, 10)))
    return [...years].sort().reverse()
  }

  return {
    disclosureMinimum: deps.disclosureMinimum,

    async list(viewer, type) {
      demand(viewer, 'statutory:view')
      const uow = read()
      const rows = await repository.list(uow, type)
      const choices = await choicesFor(uow, type)
      return rows.map((row) => ({
        id: row.id,
        illustrative: num(row.illustrative) === 1,
        cells: type.fields.map((field) => {
          const value = row[field.name]
          if (value === null || value === undefined || value === '') return ''
          switch (field.kind) {
            case 'date':
              return dateInWords(String(value))
            case 'choice':
              return field.choices?.find((c) => c.value === value)?.text ?? String(value)
            case 'reference':
              return choices[field.reference as ReferenceKind]?.find((c) => c.value === String(value))?.text ?? ''
            default:
              return String(value)
          }
        }),
      }))
    },

    async consultationsBetween(viewer, from, to) {
      demand(viewer, 'statutory:view')
      const rows = await repository.list(read(), typeOf('engagement_consultations'))
      return rows
        .map((row) => ({
          id: row.id,
          title: str(row.title),
          opensOn: str(row.opens_on),
          closesOn: row.closes_on ? str(row.closes_on) : null,
          responses: numOrNull(row.responses),
          findings: row.findings ? str(row.findings) : null,
          illustrative: num(row.illustrative) === 1,
        }))
        .filter((c) => c.opensOn <= to && (c.closesOn ?? c.opensOn) >= from)
        .sort((a, b) => a.opensOn.localeCompare(b.opensOn) || a.id - b.id)
    },

    async choices(editor, type) {
      demand(editor, 'statutory:edit')
      return choicesFor(read(), type)
    },

    async get(editor, type, id) {
      demand(editor, 'statutory:edit')
      return repository.get(read(), type, id)
    },

    async create(editor, type, body, requestId = null) {
      demand(editor, 'statutory:edit')
      return inUnitOfWork(database, async (uow): Promise<SaveOutcome> => {
        const form = parseRecordForm(type, body, await choicesFor(uow, type))
        if (Object.keys(form.errors).length > 0) return { outcome: 'invalid', form }
        const duplicate = await duplicateOf(uow, type, form, null)
        if (duplicate) return { outcome: 'invalid', form: { ...form, errors: duplicate } }
        const id = await repository.insert(uow, type, form.values, { actor: editor.email, requestId })
        return { outcome: 'saved', id }
      })
    },

    async update(editor, type, id, version, body, requestId = null) {
      demand(editor, 'statutory:edit')
      return inUnitOfWork(database, async (uow): Promise<SaveOutcome> => {
        const form = parseRecordForm(type, body, await choicesFor(uow, type))
        if (Object.keys(form.errors).length > 0) return { outcome: 'invalid', form }
        const duplicate = await duplicateOf(uow, type, form, id)
        if (duplicate) return { outcome: 'invalid', form: { ...form, errors: duplicate } }
        const result = await repository.update(uow, type, id, version, form.values, { actor: editor.email, requestId })
        return result === 'updated' ? { outcome: 'saved', id } : { outcome: result }
      })
    },

    async remove(editor, type, id, requestId = null) {
      demand(editor, 'statutory:edit')
      return inUnitOfWork(database, async (uow): Promise<RemoveOutcome> => {
        if ((await repository.get(uow, type, id)) === null) return 'not-found'
        if ((await repository.pointingAt(uow, type, id)) > 0) return 'in-use'
        await repository.remove(uow, type, id, { actor: editor.email, requestId })
        return 'deleted'
      })
    },

    async importSettings(editor, content, requestId = null) {
      demand(editor, 'statutory:edit')
      const parsed = readSettingsCsv(content)
      if (!parsed.ok) return parsed
      const type = typeOf('prevent_register_settings')
      // All or nothing: a refusal found while writing (a database check) undoes every row written before it.
      return inUnitOfWorkOrRollBack(database, async (uow): Promise<ImportOutcome> => {
        const existing = await repository.list(uow, type)
        const byKey = new Map(existing.map((r) => [`${str(r.kind)}\u0000${str(r.name).toLowerCase()}`, r]))
        let added = 0
        let updated = 0
        let unchanged = 0
        for (const row of parsed.rows) {
          const found = byKey.get(`${row.kind}\u0000${row.name.toLowerCase()}`)
          const values = { kind: row.kind, name: found ? str(found.name) : row.name, reference: row.reference }
          if (!found) {
            await repository.insert(uow, type, values, { actor: editor.email, requestId })
            added += 1
          } else if ((found.reference ?? null) === row.reference) unchanged += 1
          else {
            const result = await repository.update(uow, type, found.id, found.version, values, {
              actor: editor.email,
              requestId,
            })
            if (result !== 'updated')
              throw new RollBack<ImportOutcome>({
                ok: false,
                problems: [
                  { row: null, column: null, message: 'The settings changed while the file was imported: try again' },
                ],
              })
            updated += 1
          }
        }
        return { ok: true, added, updated, unchanged }
      })
    },

    async arrangements(viewer) {
      demand(viewer, 'statutory:view')
      return repository.arrangements(read())
    },

    async arrangementChoices(editor) {
      demand(editor, 'statutory:edit')
      const uow = read()
      return {
        groups: await repository.boardGroups(uow),
        priorities: await repository.deliveryPriorities(uow),
        indicators: await deps.indicators(),
      }
    },

    async saveArrangements(editor, body, requestId = null) {
      demand(editor, 'statutory:edit')
      const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '')
      const uow = read()
      const errors: Record<string, string> = {}
      // Each list sends `none` for none: a form without a field is refused, never read as "clear it".
      const pick = (name: string, choices: Choice[], message: string): string | null => {
        const value = text(name)
        if (value === 'none') return null
        if (!choices.some((c) => c.value === value)) errors[name] = message
        return value
      }
      const group = pick('boardGroup', await repository.boardGroups(uow), 'Select the group from the list')
      const priority = pick(
        'planPriority',
        await repository.deliveryPriorities(uow),
        'Select the delivery priority from the list',
      )
      const indicator = pick('referralsIndicator', await deps.indicators(), 'Select the KPI from the list')
      if (Object.keys(errors).length > 0) return { ok: false, errors }
      await inUnitOfWork(database, (work) =>
        repository.saveArrangements(
          work,
          {
            boardGroupId: group === null ? null : Number(group),
            planDeliveryPriorityId: priority === null ? null : Number(priority),
            referralsIndicatorId: indicator,
          },
          { actor: editor.email, requestId },
        ),
      )
      return { ok: true }
    },

    async years(viewer) {
      demand(viewer, 'statutory:view')
      return yearsWithRows()
    },

    async preventPage(viewer, year) {
      demand(viewer, 'statutory:view')
      const uow = read()
      const rows = await figureRows()
      const arrangements = await repository.arrangements(uow)
      const groups = await repository.boardGroups(uow)
      const priorities = await repository.deliveryPriorities(uow)
      const indicators = arrangements.referralsIndicatorId === null ? [] : await deps.indicators()
      const assessments = await repository.list(uow, typeOf('prevent_risk_assessments'))
      const latest = assessments[0]
      const today = new Date().toISOString().slice(0, 10)
      const pathway = (await repository.list(uow, typeOf('prevent_referral_pathways')))[0]
      const meetings = (await repository.list(uow, typeOf('prevent_meetings'))).filter(
        (m) => financialYearOfDate(str(m.meeting_date)) === year,
      )
      const bodies = [...new Set(meetings.map((m) => str(m.body)))].sort()
      const communications = (await repository.list(uow, typeOf('prevent_communications'))).filter(
        (c) => financialYearOfDate(str(c.sent_on)) === year,
      )
      const kpi =
        arrangements.referralsIndicatorId === null
          ? new Map<string, number | null>()
          : await deps.kpiQuarterValues(arrangements.referralsIndicatorId, year)
      const channelInYear = rows.channel.filter((c) => financialYearOfDate(c.meetingDate) === year)
      const referralsInYear = rows.referrals.filter((r) => r.quarter.startsWith(year))
      return {
        year,
        yearWords: yearWords(year),
        years: await yearsWithRows(),
        arrangements: {
          groupName: groups.find((g) => g.value === String(arrangements.boardGroupId))?.text ?? null,
          priorityName: priorities.find((p) => p.value === String(arrangements.planDeliveryPriorityId))?.text ?? null,
          indicatorName: indicators.find((i) => i.value === arrangements.referralsIndicatorId)?.text ?? null,
        },
        riskAssessment: latest
          ? {
              assessedOn: str(latest.assessed_on),
              tier: str(latest.tier),
              summary: latest.summary === null ? null : str(latest.summary),
              reviewOn: latest.review_on === null ? null : str(latest.review_on),
              reviewOverdue: latest.review_on !== null && str(latest.review_on) < today,
              illustrative: num(latest.illustrative) === 1,
            }
          : null,
        pathway: pathway
          ? {
              version: str(pathway.pathway_version),
              effectiveOn: str(pathway.effective_on),
              text: str(pathway.pathway),
            }
          : null,
        meetings: bodies.map((body) => {
          const of = meetings.filter((m) => str(m.body) === body)
          return { body, meetings: of.length, attendance: of.reduce((s, m) => s + num(m.attendance), 0) }
        }),
        channel: { ...channelTotals(rows.channel, year), illustrative: channelInYear.some((c) => c.illustrative) },
        training: trainingTotals(rows.training, year),
        coverage: coverage(rows.settings, rows.training, year),
        illustrativeCoverage: rows.settings.some((s) => s.illustrative),
        communications: {
          count: communications.length,
          reach: communications.reduce((s, c) => s + num(c.reach), 0),
        },
        referrals: {
          ...referralsOfYear(rows.referrals, kpi, year),
          illustrative: referralsInYear.some((r) => r.illustrative),
        },
        planActions:
          arrangements.planDeliveryPriorityId === null
            ? null
            : await deps.planActions(viewer, arrangements.planDeliveryPriorityId),
      }
    },

    async engagementPage(viewer, year) {
      demand(viewer, 'statutory:view')
      const rows = await figureRows()
      const consultations = (await repository.list(read(), typeOf('engagement_consultations'))).filter(
        (c) => financialYearOfDate(str(c.opens_on)) === year,
      )
      return {
        year,
        yearWords: yearWords(year),
        years: await yearsWithRows(),
        activities: activitiesByType(rows.activities, year),
        covenants: covenantCounts(rows.signatories, year, yearWords(year)),
        consultations: consultations.map((c) => ({
          title: str(c.title),
          opensOn: str(c.opens_on),
          responses: numOrNull(c.responses),
        })),
        illustrative:
          rows.activities.some((a) => a.illustrative && financialYearOfDate(a.heldOn) === year) ||
          rows.signatories.some((s) => s.illustrative && financialYearOfDate(s.signedOn) === year),
      }
    },

    rowsForFigures: figureRows,
  }

  /** A second row with the same key (a setting's kind and name, a quarter, a covenant's organisation) is refused. */
  async function duplicateOf(
    uow: UnitOfWork,
    type: RecordType,
    form: ParsedForm,
    id: number | null,
  ): Promise<Record<string, string> | null> {
    const keys: Partial<Record<RecordType['table'], { fields: string[]; field: string; message: string }>> = {
      prevent_register_settings: {
        fields: ['kind', 'name'],
        field: 'name',
        message: 'The register already has this setting',
      },
      prevent_referral_counts: {
        fields: ['quarter'],
        field: 'quarter',
        message: 'This quarter’s referrals are already recorded: change them instead',
      },
      covenant_signatories: {
        fields: ['covenant', 'organisation'],
        field: 'organisation',
        message: 'This organisation has already signed this covenant',
      },
    }
    const key = keys[type.table]
    if (!key) return null
    const rows = await repository.list(uow, type)
    const same = rows.find(
      (r) => r.id !== id && key.fields.every((f) => str(r[f]).toLowerCase() === str(form.values[f]).toLowerCase()),
    )
    return same ? { [key.field]: key.message } : null
  }
}

/** Whether a count of people or cases is withheld from the public under the publication's threshold. */
export function withheldFromPublic(count: number, minimumCount: number): boolean {
  return isSmallCount(count, { minimumCount })
}
