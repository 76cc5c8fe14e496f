import { can, demand, PermissionDenied, type Action, type Principal } from '../accounts/permissions.ts'
import { agencyForDataOwner } from '../accounts/data-owner-names.ts'
import type { Baseline, Indicator, IndicatorValue } from '../domain/indicator.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import {
  comparePeriods,
  financialYearId,
  nextPeriod,
  parsePeriod,
  samePeriodLastYear,
  type Period,
} from '../domain/period.ts'
import { displayValue } from '../domain/value-display.ts'
import { dueDate, isAfterDueDate, londonDate } from './due-dates.ts'
import { duePeriods } from '../domain/due-periods.ts'
import { plausibilityWarning } from './plausibility.ts'
import {
  FIGURE_BOXES,
  fieldName,
  isBlankItem,
  ITEM_FIELDS,
  itemBoxes,
  readItem,
  type ItemBoxes,
  type ItemInput,
  type ItemProblem,
} from './return-fields.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import { QUARTER_STEPS, RETURN_STEPS } from './return-transitions.ts'
import type { ReturnWrites } from './return-writes.ts'
import {
  readActionBoxes,
  type ReturnActionUpdates,
  type StoredDraftActionUpdate,
} from '../plan/action-return-updates.ts'
import type { PlanAction } from '../plan/action-repository.ts'
import { outputFieldNames, type ReturnOutputLine, type ReturnOutputs } from './return-outputs.ts'
import type {
  Actor,
  Agency,
  AgencyReturn,
  NewReturnItem,
  ReturnItem,
  ReturnPeriod,
  ReturnsRepository,
} from './returns-repository.ts'

/** The signed-in person asking: a principal with a name for the audit trail. */
export interface ReturnsUser extends Principal {
  readonly email: string
}

/** Thrown when the object does not exist or the user may not know it exists (shown as 404). */
export class ReturnNotFound extends Error {
  constructor() {
    super('Not found')
    this.name = 'ReturnNotFound'
  }
}

/** What the performance side offers this service (a narrow view of the performance repository and reports). */
export interface ReturnsFigures {
  listIndicators(): Promise<Indicator[]>
  listValues(filter?: { indicatorIds?: readonly string[] }): Promise<IndicatorValue[]>
  listBaselines(filter?: { years?: readonly string[] }): Promise<Baseline[]>
}

export interface ReturnsServiceDeps {
  /** Reads: agencies, quarters, returns. */
  readonly repository: ReturnsRepository
  /** Every change, each in its own unit of work, with the process's rules (return-writes.ts). */
  readonly writes: ReturnWrites
  readonly figures: ReturnsFigures
  /** Builds the year's report from the stored figures (the report service). */
  readonly report: (year: string) => Promise<PerformanceReport | null>
  /** Returns are due this many days after the quarter ends (0 to 366; anything else is refused at start-up). */
  readonly daysAfterQuarterEnd: number
  /** The delivery plan actions an agency leads, updated in its return (src/plan/action-return-updates.ts). */
  readonly actions?: Pick<ReturnActionUpdates, 'forReturn'>
  /** Commissioned services' outputs the agency's providers report in the return (return-outputs.ts), if any. */
  readonly outputs?: ReturnOutputs
  readonly now?: () => Date
}

/** An action the agency leads, on its return, with the update written in this return (if any). */
export interface ReturnActionLine {
  readonly action: PlanAction
  readonly draft: StoredDraftActionUpdate | null
}

/** Where a quarter's returns stand, for one agency. */
export type ArrivalState = 'in' | 'late' | 'missing' | 'not-yet-due'

export interface OverviewRow {
  readonly agency: Agency
  readonly indicators: number
  readonly returned: AgencyReturn | null
  readonly arrival: ArrivalState
}

export interface QuarterOverview {
  readonly period: Period
  readonly dueDate: string
  readonly quarter: ReturnPeriod | null
  readonly rows: readonly OverviewRow[]
}

/** One period of a KPI in a return: its own boxes, with the same period last year beside them. */
export interface ReturnEntry {
  readonly period: Period
  /** The same period last year (quarter, month, two months or year), as the report prints it. */
  readonly lastYear: string
  /** Where the period's boxes sit on the form (field names and the title messages use). */
  readonly boxes: ItemBoxes
  readonly item: ReturnItem | null
}

/** A KPI in a return, with the periods of it the quarter's return asks for (see due-periods.ts). */
export interface ReturnLine {
  readonly indicator: Indicator
  /** Oldest first: the quarter; or its three months; the two-month periods ending in it; the year (Q4). */
  readonly entries: readonly ReturnEntry[]
}

export interface ReturnPage {
  readonly period: Period
  readonly dueDate: string
  readonly agency: Agency
  readonly quarter: ReturnPeriod | null
  readonly returned: AgencyReturn | null
  readonly lines: readonly ReturnLine[]
  /**
   * When nothing is due this quarter (an agency whose KPIs are all annual, say): the next quarter with something
   * due, so that its data owner is told when to come back instead of being shown "not found".
   */
  readonly nextDue: Period | null
  /** The actions the agency leads, to update with the return (empty when there are none). */
  readonly actions: readonly ReturnActionLine[]
  /** The outputs of the services this agency reports for (return-outputs.ts), and their boxes' names. */
  readonly outputs: readonly ReturnOutputLine[]
  readonly outputFields: readonly string[]
}

/** The PerformanceReport the board signed off, with the baselines it was judged against. */
export interface SignedOffReport {
  readonly period: string
  readonly year: string
  readonly signedOffAt: string
  readonly signedOffBy: string
  readonly report: PerformanceReport | null
  readonly baselines: readonly Baseline[]
}

export type SaveResult =
  | { readonly kind: 'saved'; readonly saved: AgencyReturn }
  | {
      readonly kind: 'invalid'
      readonly problems: readonly ItemProblem[]
      readonly warnings: Readonly<Record<string, string>>
    }
  | { readonly kind: 'conflict'; readonly current: AgencyReturn }
  | { readonly kind: 'locked' }
  | { readonly kind: 'wrong-state'; readonly current: AgencyReturn }

export const REVIEW_COMMENT_LIMIT = 2000
export const REOPEN_REASON_LIMIT = 2000

/**
 * Quarterly returns: a data owner's figures for the KPIs their agency owns, the analyst's review, and the board's
 * sign-off that locks the quarter. Every permission is checked here against the actual agency of the return.
 */
export function createReturnsService(deps: ReturnsServiceDeps) {
  const now = deps.now ?? (() => new Date())
  // Checked at start-up rather than on the first page that needs a due date.
  dueDate('FY2017-18-Q1', deps.daysAfterQuarterEnd)
  const actorOf = (user: ReturnsUser, requestId?: string): Actor => ({ name: user.email, requestId: requestId ?? null })

  /** A quarter from its identifier, or not found. */
  function quarterOf(id: string): Period {
    const p = parsePeriod(id)
    if (!p || p.kind !== 'quarter' || p.id !== id) throw new ReturnNotFound()
    return p
  }

  /** The agency's code an indicator belongs to, matching its data owner text against the agencies we know. */
  function ownerOf(indicator: Indicator, agencies: readonly Agency[]): Agency | undefined {
    // By code or by the owner names an administrator gave the agency (src/accounts/data-owner-names.ts).
    return agencyForDataOwner(indicator.dataOwner, agencies)
  }

  /**
   * The KPIs due from an agency for a quarter, each with its periods due: every KPI it owns that has a period ending
   * in the quarter (an annual KPI only in Q4).
   */
  async function dueIndicators(
    agency: Agency,
    agencies: readonly Agency[],
    quarter: Period,
  ): Promise<{ indicator: Indicator; periods: Period[] }[]> {
    const indicators = await deps.figures.listIndicators()
    return indicators
      .filter((i) => ownerOf(i, agencies)?.id === agency.id)
      .map((indicator) => ({ indicator, periods: duePeriods(indicator.cadence, quarter) }))
      .filter((due) => due.periods.length > 0)
  }

  /**
   * Refuses an action on an agency's return: 404 to someone whose access is limited to their own agency (so that
   * another agency's return cannot be found by trying ids), 403 to someone who may see no returns at all.
   */
  function refuse(user: ReturnsUser, action: Action, agencyId: number): void {
    if (can(user, action, { agencyId })) return
    if (user.agencyId !== null && can(user, action, { agencyId: user.agencyId })) throw new ReturnNotFound()
    throw new PermissionDenied(action)
  }

  async function agencyFor(
    user: ReturnsUser,
    action: Action,
    agencyId: number,
  ): Promise<{ agency: Agency; agencies: Agency[] }> {
    refuse(user, action, agencyId)
    const agencies = await deps.repository.listAgencies()
    const agency = agencies.find((a) => a.id === agencyId)
    if (!agency) throw new ReturnNotFound()
    return { agency, agencies }
  }

  function arrival(returned: AgencyReturn | null, due: string): ArrivalState {
    const received = returned?.submittedAt != null && returned.status !== 'sent-back' && returned.status !== 'draft'
    if (received) return isAfterDueDate(new Date(returned.submittedAt as string), due) ? 'late' : 'in'
    return londonDate(now()) > due ? 'missing' : 'not-yet-due'
  }

  /**
   * The KPI's earlier reported figures at the same cadence as `before` (months against months, quarters against
   * quarters), oldest first, as the report reads them.
   */
  function history(indicator: Indicator, values: readonly IndicatorValue[], before: Period): number[] {
    return values
      .filter((v) => v.indicatorId === indicator.id && v.status === 'reported')
      .map((v) => ({ v, p: parsePeriod(v.period) }))
      .filter(
        (x): x is { v: IndicatorValue; p: Period } =>
          x.p !== null && x.p.kind === before.kind && comparePeriods(x.p, before) < 0,
      )
      .sort((a, b) => comparePeriods(a.p, b.p))
      .map((x) => displayValue(indicator, x.p.id, x.v).number)
      .filter((n): n is number => n !== null)
  }

  /** The agency's actions on its return, each with this return's draft update. */
  async function actionLines(agencyId: number, returned: AgencyReturn | null): Promise<ReturnActionLine[]> {
    if (!deps.actions) return []
    const { actions, drafts } = await deps.actions.forReturn(agencyId, returned?.id ?? null)
    return actions.map((action) => ({ action, draft: drafts.find((d) => d.actionId === action.id) ?? null }))
  }

  /** True when the agency leads any of the delivery plan's actions, which it updates in its return. */
  async function leadsActions(agencyId: number): Promise<boolean> {
    if (!deps.actions) return false
    return (await deps.actions.forReturn(agencyId, null)).actions.length > 0
  }

  /** The service outputs an agency reports in its return for a quarter (none without the services feature). */
  async function outputLines(agencyId: number, period: string): Promise<ReturnOutputLine[]> {
    if (!deps.outputs) return []
    const returned = await deps.repository.getReturn(agencyId, period)
    return deps.outputs.linesFor(agencyId, period, returned?.id ?? null)
  }

  return {
    /** Every agency (for finding one by the code in a URL; access is checked on the return itself). */
    agencies: (): Promise<Agency[]> => deps.repository.listAgencies(),

    /**
     * Asks, before anything else is read, whether `user` may view or edit an agency's returns, with the same answer
     * every method below gives: throws ReturnNotFound (another agency's, for someone limited to their own) or
     * PermissionDenied. For callers that must refuse before reading a request's body (the JSON API).
     */
    authorise(user: ReturnsUser, action: 'return:view' | 'return:edit', agencyId: number): void {
      refuse(user, action, agencyId)
    },

    /** Where each agency's return for a quarter stands (for those who may see every agency's returns). */
    async overview(user: ReturnsUser, periodId: string): Promise<QuarterOverview> {
      const p = quarterOf(periodId)
      // The whole quarter's picture is the reviewers' (analyst, board); a data owner works from their own return.
      demand(user, 'return:view')
      const agencies = await deps.repository.listAgencies()
      const indicators = (await deps.figures.listIndicators()).filter((i) => duePeriods(i.cadence, p).length > 0)
      const [quarter, returns] = await Promise.all([deps.repository.getPeriod(p.id), deps.repository.listReturns(p.id)])
      const due = quarter?.dueDate ?? dueDate(p.id, deps.daysAfterQuarterEnd)
      const rows: OverviewRow[] = []
      for (const agency of agencies) {
        const count = indicators.filter((i) => ownerOf(i, agencies)?.id === agency.id).length
        // An agency that owns no KPI due may still report its providers' service outputs (return-outputs.ts) or update
        // the actions it leads (src/plan/action-return-updates.ts).
        if (count === 0 && (await outputLines(agency.id, p.id)).length === 0 && !(await leadsActions(agency.id)))
          continue
        const returned = returns.find((r) => r.agencyId === agency.id) ?? null
        rows.push({ agency, indicators: count, returned, arrival: arrival(returned, due) })
      }
      return { period: p, dueDate: due, quarter, rows }
    },

    /** One agency's return for a quarter: each KPI's periods due, with the same period last year beside each. */
    async returnPage(user: ReturnsUser, periodId: string, agencyId: number): Promise<ReturnPage> {
      const p = quarterOf(periodId)
      const { agency, agencies } = await agencyFor(user, 'return:view', agencyId)
      const due = await dueIndicators(agency, agencies, p)
      const outputs = await outputLines(agency.id, p.id)
      const outputFields = outputFieldNames(outputs)
      if (due.length === 0 && outputs.length === 0 && !(await leadsActions(agency.id))) {
        // An agency that owns KPIs, none due this quarter, has a return page that says when the next one is due.
        let next = p
        for (let step = 0; step < 4; step++) {
          next = nextPeriod(next)
          if ((await dueIndicators(agency, agencies, next)).length > 0) {
            const [quarter, returned] = await Promise.all([
              deps.repository.getPeriod(p.id),
              deps.repository.getReturn(agency.id, p.id),
            ])
            const dueBy = quarter?.dueDate ?? dueDate(p.id, deps.daysAfterQuarterEnd)
            return {
              period: p,
              dueDate: dueBy,
              agency,
              quarter,
              returned,
              lines: [],
              nextDue: next,
              actions: [],
              outputs,
              outputFields,
            }
          }
        }
        throw new ReturnNotFound()
      }
      const values = await deps.figures.listValues({ indicatorIds: due.map((d) => d.indicator.id) })
      const [quarter, returned] = await Promise.all([
        deps.repository.getPeriod(p.id),
        deps.repository.getReturn(agency.id, p.id),
      ])
      const lines: ReturnLine[] = due.map(({ indicator, periods }) => ({
        indicator,
        entries: periods.map((period) => {
          const lastYear = samePeriodLastYear(period).id
          const last = values.find((v) => v.indicatorId === indicator.id && v.period === lastYear)
          return {
            period,
            lastYear: displayValue(indicator, lastYear, last).display,
            boxes: itemBoxes(indicator, period, p),
            item: returned?.items.find((i) => i.indicatorId === indicator.id && i.period === period.id) ?? null,
          }
        }),
      }))
      return {
        period: p,
        dueDate: quarter?.dueDate ?? dueDate(p.id, deps.daysAfterQuarterEnd),
        agency,
        quarter,
        returned,
        lines,
        nextDue: null,
        actions: await actionLines(agency.id, returned),
        outputs,
        outputFields,
      }
    },

    /**
     * Saves a draft or submits a return. `fields` are the form's boxes (see return-fields.ts), one set per KPI per
     * period due. Hard rules block; a figure far from the KPI's own history at the same cadence needs its "I have
     * checked this figure" box ticked to be submitted, and the confirmation is stored. `version` is the version the
     * editor's form was made from (null if new). The warnings returned are keyed by the boxes' prefix.
     */
    async saveReturn(
      user: ReturnsUser,
      periodId: string,
      agencyId: number,
      input: {
        readonly version: number | null
        readonly intent: 'save' | 'submit'
        readonly fields: Readonly<Record<string, string>>
        /** The action boxes of the page (`action-<id>-status`, `-note`); absent (the API) leaves the drafts alone. */
        readonly actionFields?: Readonly<Record<string, string>>
        readonly requestId?: string
        /** Runs after a save in the same unit of work (the API's idempotent answer). */
        readonly alsoInUnitOfWork?: (uow: UnitOfWork, saved: AgencyReturn) => Promise<void>
      },
    ): Promise<SaveResult> {
      const p = quarterOf(periodId)
      const step = RETURN_STEPS[input.intent === 'submit' ? 'submit' : 'save-draft']
      const { agency, agencies } = await agencyFor(user, step.permission, agencyId)
      const due = await dueIndicators(agency, agencies, p)
      const outputs = await outputLines(agency.id, p.id)
      if (due.length === 0 && outputs.length === 0 && !(await leadsActions(agency.id))) throw new ReturnNotFound()
      const values = await deps.figures.listValues({ indicatorIds: due.map((d) => d.indicator.id) })
      const submitting = input.intent === 'submit'
      const problems: ItemProblem[] = []
      const warnings: Record<string, string> = {}
      const items: NewReturnItem[] = []
      for (const { indicator, periods } of due) {
        for (const period of periods) {
          const boxes = itemBoxes(indicator, period, p)
          const typed: Record<string, string> = {}
          for (const f of ITEM_FIELDS) typed[f] = input.fields[fieldName(boxes.prefix, f)] ?? ''
          const itemInput = typed as ItemInput
          if (isBlankItem(itemInput)) {
            if (submitting) {
              // Points at the first box the page shows for this measure type (a proportion has no "value" box).
              problems.push({
                field: fieldName(boxes.prefix, FIGURE_BOXES[indicator.measureType][0] ?? 'status'),
                message: `${boxes.title}: enter the figure, or choose why there is none and give a reason`,
              })
            }
            continue
          }
          const read = readItem(indicator, period.id, itemInput, boxes)
          if (read.value === null) {
            problems.push(...read.problems)
            continue
          }
          const figure = displayValue(indicator, period.id, read.value).number
          const warning = figure === null ? null : plausibilityWarning(history(indicator, values, period), figure)
          const confirmed = input.fields[fieldName(boxes.prefix, 'confirm')] === 'yes'
          if (warning !== null) {
            warnings[boxes.prefix] = warning
            if (submitting && !confirmed) {
              problems.push({
                field: fieldName(boxes.prefix, 'confirm'),
                message: `${boxes.title}: check this figure — ${warning}. If it is right, tick “I have checked this figure”`,
              })
            }
          }
          items.push({ value: read.value, warning, confirmed })
        }
      }
      let actionUpdates: ReturnType<typeof readActionBoxes>['updates'] | undefined
      if (input.actionFields !== undefined && deps.actions) {
        const existing = await deps.repository.getReturn(agency.id, p.id)
        const { actions } = await deps.actions.forReturn(agency.id, existing?.id ?? null)
        const read = readActionBoxes(actions, input.actionFields)
        problems.push(...read.problems)
        actionUpdates = read.updates
      }
      const outputDrafts = deps.outputs?.read(outputs, input.fields) ?? { drafts: null, problems: [] }
      problems.push(...outputDrafts.problems)
      if (problems.length > 0) return { kind: 'invalid', problems, warnings }
      const actor = actorOf(user, input.requestId)
      return deps.writes.saveReturn({
        actionUpdates,
        agencyId: agency.id,
        period: p.id,
        dueDate: dueDate(p.id, deps.daysAfterQuarterEnd),
        expectedVersion: input.version,
        status: submitting ? 'submitted' : 'draft',
        items,
        actor,
        alsoInUnitOfWork: async (uow, saved) => {
          // The outputs' figures are kept as the return's drafts in the same unit of work as its KPI figures.
          if (deps.outputs && outputDrafts.drafts !== null) {
            await deps.outputs.saveDrafts(uow, saved, outputDrafts.drafts, actor)
          }
          if (input.alsoInUnitOfWork) await input.alsoInUnitOfWork(uow, saved)
        },
      })
    },

    /** The analyst's review: accept a submitted return, or send it back with a comment. */
    async review(
      user: ReturnsUser,
      periodId: string,
      agencyId: number,
      input: {
        readonly version: number
        readonly decision: 'accept' | 'send-back'
        readonly comment: string
        readonly requestId?: string
      },
    ): Promise<SaveResult> {
      const p = quarterOf(periodId)
      await agencyFor(user, 'return:view', agencyId)
      demand(user, RETURN_STEPS[input.decision].permission, { agencyId })
      const comment = input.comment.trim()
      if (input.decision === 'send-back' && comment === '') {
        return {
          kind: 'invalid',
          problems: [{ field: 'comment', message: 'Say what needs to change before the return is sent back' }],
          warnings: {},
        }
      }
      if ([...comment].length > REVIEW_COMMENT_LIMIT) {
        return {
          kind: 'invalid',
          problems: [{ field: 'comment', message: `The comment must be ${REVIEW_COMMENT_LIMIT} characters or fewer` }],
          warnings: {},
        }
      }
      const existing = await deps.repository.getReturn(agencyId, p.id)
      if (!existing) throw new ReturnNotFound()
      return deps.writes.reviewReturn({
        agencyId,
        period: p.id,
        expectedVersion: input.version,
        decision: input.decision,
        comment: comment === '' ? null : comment,
        actor: actorOf(user, input.requestId),
      })
    },

    /**
     * The board's sign-off: locks the quarter (nothing is accepted after this commits), then stores the year's
     * report as it stands, with its baselines, so that a locked quarter is shown as signed off.
     */
    async signOff(user: ReturnsUser, periodId: string, requestId?: string): Promise<ReturnPeriod | null> {
      demand(user, QUARTER_STEPS.lock.permission)
      const p = quarterOf(periodId)
      const actor = actorOf(user, requestId)
      const locked = await deps.writes.lockPeriod({
        period: p.id,
        dueDate: dueDate(p.id, deps.daysAfterQuarterEnd),
        actor,
      })
      if (!locked) return null
      // Built after the lock has committed: no return for this quarter can change the figures from here on.
      const year = financialYearId(p.financialYear)
      const snapshot: SignedOffReport = {
        period: p.id,
        year,
        signedOffAt: locked.lockedAt ?? now().toISOString(),
        signedOffBy: user.email,
        report: await deps.report(year),
        baselines: await deps.figures.listBaselines({ years: [year] }),
      }
      await deps.writes.storeSignedOffReport({ period: p.id, version: locked.version, report: snapshot, actor })
      return deps.repository.getPeriod(p.id)
    },

    /** Reopens a signed-off quarter; the reason is required and audited. */
    async reopen(
      user: ReturnsUser,
      periodId: string,
      reason: string,
      requestId?: string,
    ): Promise<
      | { kind: 'reopened'; quarter: ReturnPeriod }
      | { kind: 'invalid'; problems: ItemProblem[] }
      | { kind: 'not-locked' }
    > {
      demand(user, QUARTER_STEPS.reopen.permission)
      const p = quarterOf(periodId)
      const why = reason.trim()
      if (why === '')
        return { kind: 'invalid', problems: [{ field: 'reason', message: 'Enter why the quarter is being reopened' }] }
      if ([...why].length > REOPEN_REASON_LIMIT) {
        return {
          kind: 'invalid',
          problems: [{ field: 'reason', message: `The reason must be ${REOPEN_REASON_LIMIT} characters or fewer` }],
        }
      }
      const quarter = await deps.writes.reopenPeriod({ period: p.id, reason: why, actor: actorOf(user, requestId) })
      return quarter ? { kind: 'reopened', quarter } : { kind: 'not-locked' }
    },

    /**
     * Every quarter's report as signed off, oldest quarter first: what the board's meeting papers read to print the
     * report a meeting had before it (src/board/meeting-papers.ts). Not a page of its own: the pack that prints it
     * asks its own permission (`board:view`), so this asks none.
     */
    async signedOffReports(): Promise<SignedOffReport[]> {
      return (await deps.repository.listSignedOffPeriods()).map((q) => q.signedOffReport as SignedOffReport)
    },

    /** The report as signed off for a quarter, or null when the quarter has not been signed off. */
    async signedOffReport(user: ReturnsUser, periodId: string): Promise<SignedOffReport | null> {
      demand(user, 'report:view')
      const p = quarterOf(periodId)
      const quarter = await deps.repository.getPeriod(p.id)
      return (quarter?.signedOffReport as SignedOffReport | null | undefined) ?? null
    },
  }
}

export type ReturnsService = ReturnType<typeof createReturnsService>
