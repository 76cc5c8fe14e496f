import type { DocumentBlock } from '../documents/document.ts'
import { formatMoney } from '../domain/money.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { OUTCOME_WORDS, readKpi, summariseReport, summarySentences } from '../domain/kpi-summary.ts'
import { budgetSentence, type YearBudget } from '../domain/budget.ts'
import { financialYearId, financialYearLabelOf, financialYearOfDate, londonDate } from '../domain/period.ts'
import { dateInWords } from '../shared/time-in-words.ts'

/** A paper the agenda pack prints under an item: its blocks as of the meeting's date. */
export type PaperWriter = (meetingDate: string) => Promise<DocumentBlock[]>

export interface MeetingPapers {
  readonly performance: PaperWriter
  readonly budget: PaperWriter
  readonly actionStatus: PaperWriter
}

/** A delivery plan action as its status paper lists it: its status now, and its dated progress updates. */
export interface PlanActionLine {
  readonly reference: string
  readonly title: string
  /** Its status as saferhub holds it now, in words, and whether that status closes it. */
  readonly statusText: string
  readonly closed: boolean
  readonly startDate: string | null
  readonly dueDate: string | null
  /**
   * Its dated progress updates (any order), each with the status as of its date: an action's status changes only
   * through one (src/plan/action-service.ts), so these say what its status was on any date after the first.
   */
  readonly updates: readonly { readonly writtenOn: string; readonly statusText: string; readonly closed: boolean }[]
}

/** A quarter's performance report as the board signed it off (returns' stored `signed_off_report`). */
export interface SignedOffPerformanceReport {
  /** The quarter, `FY2017-18-Q3`. */
  readonly period: string
  /** When it was signed off, ISO 8601 UTC. */
  readonly signedOffAt: string
  /** The year's report as it stood at the sign-off, its judgements as made then; null when it held no figures. */
  readonly report: PerformanceReport | null
}

/**
 * The financial year whose figures a meeting on `date` reads: the year of the latest quarter that had ended by then
 * (a meeting in April to June reads the year just ended; any other, the year it is in, to its latest quarter).
 *
 * @example yearReadOn('2018-06-12') // 'FY2017-18'
 * @example yearReadOn('2017-09-12') // 'FY2017-18'
 */
export function yearReadOn(date: string): string {
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  // The quarter before the meeting's: April to June meetings read the year that ended on 31 March.
  const start = month >= 7 ? year : year - 1
  return financialYearId(start)
}

const paragraph = (text: string): DocumentBlock => ({ kind: 'paragraph', runs: [{ text }] })
const note = (text: string): DocumentBlock => ({ kind: 'note', runs: [{ text }] })

/** `2017/18 to Q3` for `FY2017-18-Q3`. */
const quarterWords = (quarter: string) => `${financialYearLabelOf(quarter.slice(0, 9))} to ${quarter.slice(10)}`

/**
 * The quarter whose report a meeting on `date` had before it: of the quarters signed off on or before that date (in
 * England), the latest quarter. A quarter signed off again after the date (reopened and signed off anew) holds only
 * its later report, so it is not one the meeting had: an earlier quarter's is used.
 *
 * @example reportSignedOffBy(reports, '2018-03-13')?.period // 'FY2017-18-Q3' when Q3 was signed off on 14 January
 */
export function reportSignedOffBy(
  reports: readonly SignedOffPerformanceReport[],
  date: string,
): SignedOffPerformanceReport | null {
  let chosen: SignedOffPerformanceReport | null = null
  for (const r of reports) {
    if (londonDate(new Date(r.signedOffAt)) > date) continue
    if (chosen === null || r.period > chosen.period) chosen = r
  }
  return chosen
}

/** One action's status on `date`, and what it rests on. */
export interface ActionStatusOn {
  readonly statusText: string
  readonly closed: boolean
  /** `update`: its latest progress update on or before the date; `recorded`: no update at all, its status as held. */
  readonly basis: 'update' | 'not-started' | 'no-update-by-then' | 'recorded'
}

/**
 * An action's status as of `date`: its latest progress update written on or before the date (an action closed by a
 * later update is open at the date). Without one: not started, when it starts after the date; its status as recorded,
 * when it has no update at all (an action's status changes only through an update, so it has not changed since it was
 * recorded, though when it was reached is not known); else not known, and counted open.
 *
 * @example actionStatusOn({ ..., updates: [{ writtenOn: '2018-05-01', statusText: 'Complete', closed: true }] }, '2018-03-13')
 *   // { statusText: 'No update by then', closed: false, basis: 'no-update-by-then' }
 */
export function actionStatusOn(action: PlanActionLine, date: string): ActionStatusOn {
  let latest: PlanActionLine['updates'][number] | null = null
  for (const u of action.updates)
    if (u.writtenOn <= date && (latest === null || u.writtenOn >= latest.writtenOn)) latest = u
  if (latest) return { statusText: latest.statusText, closed: latest.closed, basis: 'update' }
  if (action.startDate !== null && action.startDate > date)
    return { statusText: 'Not started', closed: false, basis: 'not-started' }
  if (action.updates.length === 0) return { statusText: action.statusText, closed: action.closed, basis: 'recorded' }
  return { statusText: 'No update by then', closed: false, basis: 'no-update-by-then' }
}

/**
 * The papers the agenda pack prints, over the features that hold them, each as of the meeting's date: the performance
 * report the board had signed off by then (returns' stored report, its judgements as made: never recomputed here; the
 * live report only where no quarter had been signed off), the year's budget monitoring with the actual spend of the
 * quarters ended by then (the budget service's `yearBudgetAsOf`, src/domain/budget.ts), and the delivery plan's
 * actions with their status on the date (from their dated progress updates).
 */
export function createMeetingPapers(deps: {
  readonly report: (year: string) => Promise<PerformanceReport | null>
  readonly signedOffReports: () => Promise<readonly SignedOffPerformanceReport[]>
  readonly yearBudget: (
    year: string,
    date: string,
  ) => Promise<YearBudget & { readonly quartersCounted: readonly string[] }>
  readonly planActions: () => Promise<readonly PlanActionLine[]>
}): MeetingPapers {
  const reportBlocks = (report: PerformanceReport): DocumentBlock[] => {
    const readings = report.themes.flatMap((t) => t.rows.map((r) => ({ row: r, reading: readKpi(r) })))
    return [
      ...summarySentences(summariseReport(report), report.yearLabel).map(paragraph),
      {
        kind: 'table',
        caption: `KPIs of ${report.yearLabel}: outturn and outcome`,
        head: ['KPI', 'Outturn', 'Outcome'],
        rows: readings.map(({ row, reading }) => [reading.name, row.outturn.display, OUTCOME_WORDS[reading.outcome]]),
      },
    ]
  }
  return {
    async performance(date) {
      const signed = reportSignedOffBy(await deps.signedOffReports(), date)
      if (signed) {
        const heading = `The performance report for ${quarterWords(signed.period)}, as signed off on ${dateInWords(londonDate(new Date(signed.signedOffAt)))}`
        if (!signed.report) return [paragraph(`${heading}, held no figures.`)]
        return [
          paragraph(`${heading}.`),
          ...reportBlocks(signed.report),
          note('The report as the board signed it off: later returns and baselines do not change it.'),
        ]
      }
      const year = yearReadOn(date)
      const none = `No quarter’s performance report had been signed off by ${dateInWords(date)}`
      const report = await deps.report(year)
      if (!report)
        return [paragraph(`${none}; the performance report for ${financialYearLabelOf(year)} holds no figures.`)]
      return [
        paragraph(`${none}: this is the live report for ${report.yearLabel}.`),
        ...reportBlocks(report),
        note('From the performance report as saferhub holds it when the pack is printed.'),
      ]
    },
    async budget(date) {
      const year = financialYearOfDate(date)
      const budget = await deps.yearBudget(year, date)
      const money = (p: number) => formatMoney(p)
      const counted = budget.quartersCounted.map((q) => q.slice(10))
      const blocks: DocumentBlock[] = [
        paragraph(budgetSentence(budget)),
        {
          kind: 'table',
          caption: `Budget monitoring ${financialYearLabelOf(year)} by priority`,
          head: ['Priority', 'Allocated', 'Spent'],
          numeric: [false, true, true],
          rows: [
            ...budget.priorities.map((p) => [p.priority?.name ?? 'No priority', money(p.allocated), money(p.spent)]),
            ['Total', money(budget.allocated), money(budget.spent)],
          ],
        },
        note(
          `${counted.length === 0 ? `Spent: no quarter of ${financialYearLabelOf(year)} had ended by ${dateInWords(date)}, so no actual spend is counted` : `Spent: the actual spend of ${counted.join(', ')}, the quarters ended by ${dateInWords(date)}`}. Income, allocations and forecasts as saferhub holds them when the pack is printed (they carry no date of their own).`,
        ),
      ]
      if (budget.illustrative) blocks.push(note('Includes illustrative figures (not Wolverhampton’s).'))
      return blocks
    },
    async actionStatus(date) {
      const actions = (await deps.planActions()).map((a) => ({ action: a, on: actionStatusOn(a, date) }))
      const open = actions.filter((a) => !a.on.closed)
      const overdue = new Set(open.filter((a) => a.action.dueDate !== null && a.action.dueDate < date))
      const asRecorded = actions.filter((a) => a.on.basis === 'recorded').length
      const blocks: DocumentBlock[] = [
        paragraph(
          `${actions.length} delivery plan actions on ${dateInWords(date)}: ${open.length} open, of which ${overdue.size} overdue.`,
        ),
        {
          kind: 'table',
          caption: `Delivery plan actions: status on ${dateInWords(date)}`,
          head: ['Action', 'Status', 'Due'],
          rows: actions.map((a) => [
            `${a.action.reference}: ${a.action.title}`,
            a.on.statusText +
              (a.on.basis === 'recorded' ? ' (as recorded)' : '') +
              (overdue.has(a) ? ' (overdue)' : ''),
            a.action.dueDate ?? 'Not given',
          ]),
        },
      ]
      if (asRecorded > 0)
        blocks.push(
          note(
            `Each status is the action’s latest progress update on or before ${dateInWords(date)}. “As recorded”: ${asRecorded === 1 ? 'an action' : `${asRecorded} actions`} with no dated update, shown with the status saferhub holds, which has not changed since it was recorded.`,
          ),
        )
      return blocks
    },
  }
}
