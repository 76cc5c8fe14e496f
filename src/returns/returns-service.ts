import { can, demand, PermissionDenied, type Action, type Principal } from '../accounts/permissions.ts'
import { agencyCodeForDataOwner } from '../accounts/default-agencies.ts'
import type { Baseline, Indicator, IndicatorValue } from '../domain/indicator.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { comparePeriods, financialYearId, parsePeriod, samePeriodLastYear, type Period } from '../domain/period.ts'
import { displayValue } from '../domain/value-display.ts'
import { dueDate, isAfterDueDate, londonDate } from './due-dates.ts'
import { plausibilityWarning } from './plausibility.ts'
import { fieldName, isBlankItem, ITEM_FIELDS, readItem, type ItemInput, type ItemProblem } from './return-fields.ts'
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
  readonly repository: ReturnsRepository
  readonly figures: ReturnsFigures
  /** Builds the year's report from the stored figures (the report service). */
  readonly report: (year: string) => Promise<PerformanceReport | null>
  /** Returns are due this many days after the quarter ends (0 to 366; anything else is refused at start-up). */
  readonly daysAfterQuarterEnd: number
  readonly now?: () => Date
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

export interface ReturnLine {
  readonly indicator: Indicator
  /** Last year's same quarter, as the report prints it. */
  readonly lastYear: string
  readonly item: ReturnItem | null
}

export interface ReturnPage {
  readonly period: Period
  readonly dueDate: string
  readonly agency: Agency
  readonly quarter: ReturnPeriod | null
  readonly returned: AgencyReturn | null
  readonly lines: readonly ReturnLine[]
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
    const code = agencyCodeForDataOwner(indicator.dataOwner) ?? indicator.dataOwner.trim()
    return agencies.find((a) => a.code.toLowerCase() === code.toLowerCase())
  }

  /** The KPIs due from an agency for a quarter: the quarterly ones it owns. */
  async function dueIndicators(agency: Agency, agencies: readonly Agency[]): Promise<Indicator[]> {
    const indicators = await deps.figures.listIndicators()
    return indicators.filter((i) => i.cadence === 'quarterly' && ownerOf(i, agencies)?.id === agency.id)
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

  /** The KPI's earlier reported figures (quarters before this one, oldest first), as the report reads them. */
  function history(indicator: Indicator, values: readonly IndicatorValue[], before: Period): number[] {
    return values
      .filter((v) => v.indicatorId === indicator.id && v.status === 'reported')
      .map((v) => ({ v, p: parsePeriod(v.period) }))
      .filter(
        (x): x is { v: IndicatorValue; p: Period } =>
          x.p !== null && x.p.kind === 'quarter' && comparePeriods(x.p, before) < 0,
      )
      .sort((a, b) => comparePeriods(a.p, b.p))
      .map((x) => displayValue(indicator, x.p.id, x.v).number)
      .filter((n): n is number => n !== null)
  }

  return {
    /** Every agency (for finding one by the code in a URL; access is checked on the return itself). */
    agencies: (): Promise<Agency[]> => deps.repository.listAgencies(),

    /** Where each agency's return for a quarter stands (for those who may see every agency's returns). */
    async overview(user: ReturnsUser, periodId: string): Promise<QuarterOverview> {
      const p = quarterOf(periodId)
      // The whole quarter's picture is the reviewers' (analyst, board); a data owner works from their own return.
      demand(user, 'return:view')
      const agencies = await deps.repository.listAgencies()
      const indicators = (await deps.figures.listIndicators()).filter((i) => i.cadence === 'quarterly')
      const [quarter, returns] = await Promise.all([deps.repository.getPeriod(p.id), deps.repository.listReturns(p.id)])
      const due = quarter?.dueDate ?? dueDate(p.id, deps.daysAfterQuarterEnd)
      const rows: OverviewRow[] = []
      for (const agency of agencies) {
        const count = indicators.filter((i) => ownerOf(i, agencies)?.id === agency.id).length
        if (count === 0) continue
        const returned = returns.find((r) => r.agencyId === agency.id) ?? null
        rows.push({ agency, indicators: count, returned, arrival: arrival(returned, due) })
      }
      return { period: p, dueDate: due, quarter, rows }
    },

    /** One agency's return for a quarter, with last year's same quarter beside each KPI. */
    async returnPage(user: ReturnsUser, periodId: string, agencyId: number): Promise<ReturnPage> {
      const p = quarterOf(periodId)
      const { agency, agencies } = await agencyFor(user, 'return:view', agencyId)
      const indicators = await dueIndicators(agency, agencies)
      if (indicators.length === 0) throw new ReturnNotFound()
      const lastYear = samePeriodLastYear(p)
      const values = await deps.figures.listValues({ indicatorIds: indicators.map((i) => i.id) })
      const [quarter, returned] = await Promise.all([
        deps.repository.getPeriod(p.id),
        deps.repository.getReturn(agency.id, p.id),
      ])
      const lines = indicators.map((indicator) => ({
        indicator,
        lastYear: displayValue(
          indicator,
          lastYear.id,
          values.find((v) => v.indicatorId === indicator.id && v.period === lastYear.id),
        ).display,
        item: returned?.items.find((i) => i.indicatorId === indicator.id) ?? null,
      }))
      return {
        period: p,
        dueDate: quarter?.dueDate ?? dueDate(p.id, deps.daysAfterQuarterEnd),
        agency,
        quarter,
        returned,
        lines,
      }
    },

    /**
     * Saves a draft or submits a return. `fields` are the form's boxes (see return-fields.ts). Hard rules block;
     * a figure far from the KPI's own history needs its "I have checked this figure" box ticked to be submitted,
     * and the confirmation is stored. `version` is the version the editor's form was made from (null if new).
     */
    async saveReturn(
      user: ReturnsUser,
      periodId: string,
      agencyId: number,
      input: {
        readonly version: number | null
        readonly intent: 'save' | 'submit'
        readonly fields: Readonly<Record<string, string>>
        readonly requestId?: string
      },
    ): Promise<SaveResult> {
      const p = quarterOf(periodId)
      const { agency, agencies } = await agencyFor(user, 'return:edit', agencyId)
      const indicators = await dueIndicators(agency, agencies)
      if (indicators.length === 0) throw new ReturnNotFound()
      const values = await deps.figures.listValues({ indicatorIds: indicators.map((i) => i.id) })
      const submitting = input.intent === 'submit'
      const problems: ItemProblem[] = []
      const warnings: Record<string, string> = {}
      const items: NewReturnItem[] = []
      for (const indicator of indicators) {
        const boxes: Record<string, string> = {}
        for (const f of ITEM_FIELDS) boxes[f] = input.fields[fieldName(indicator.id, f)] ?? ''
        const itemInput = boxes as ItemInput
        if (isBlankItem(itemInput)) {
          if (submitting) {
            problems.push({
              field: fieldName(indicator.id, 'value'),
              message: `${indicator.name}: enter the figure, or choose why there is none and give a reason`,
            })
          }
          continue
        }
        const read = readItem(indicator, p.id, itemInput)
        if (read.value === null) {
          problems.push(...read.problems)
          continue
        }
        const figure = displayValue(indicator, p.id, read.value).number
        const warning = figure === null ? null : plausibilityWarning(history(indicator, values, p), figure)
        const confirmed = input.fields[fieldName(indicator.id, 'confirm')] === 'yes'
        if (warning !== null) {
          warnings[indicator.id] = warning
          if (submitting && !confirmed) {
            problems.push({
              field: fieldName(indicator.id, 'confirm'),
              message: `${indicator.name}: check this figure — ${warning}. If it is right, tick “I have checked this figure”`,
            })
          }
        }
        items.push({ value: read.value, warning, confirmed })
      }
      if (problems.length > 0) return { kind: 'invalid', problems, warnings }
      return deps.repository.saveReturn({
        agencyId: agency.id,
        period: p.id,
        dueDate: dueDate(p.id, deps.daysAfterQuarterEnd),
        expectedVersion: input.version,
        status: submitting ? 'submitted' : 'draft',
        items,
        actor: actorOf(user, input.requestId),
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
      demand(user, 'return:review', { agencyId })
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
      return deps.repository.reviewReturn({
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
      demand(user, 'report:sign-off')
      const p = quarterOf(periodId)
      const actor = actorOf(user, requestId)
      const locked = await deps.repository.lockPeriod({
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
      await deps.repository.storeSignedOffReport({ period: p.id, version: locked.version, report: snapshot, actor })
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
      demand(user, 'report:sign-off')
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
      const quarter = await deps.repository.reopenPeriod({ period: p.id, reason: why, actor: actorOf(user, requestId) })
      return quarter ? { kind: 'reopened', quarter } : { kind: 'not-locked' }
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
