import type { DocumentBlock } from '../documents/document.ts'
import { formatMoney } from '../domain/money.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { OUTCOME_WORDS, readKpi, summariseReport, summarySentences } from '../domain/kpi-summary.ts'
import { budgetSentence, type YearBudget } from '../domain/budget.ts'
import { financialYearId, financialYearLabelOf, financialYearOfDate } from '../domain/period.ts'

/** A paper the agenda pack prints under an item: its blocks as of the meeting's date. */
export type PaperWriter = (meetingDate: string) => Promise<DocumentBlock[]>

export interface MeetingPapers {
  readonly performance: PaperWriter
  readonly budget: PaperWriter
  readonly actionStatus: PaperWriter
}

/** A delivery plan action as its status paper lists it. */
export interface PlanActionLine {
  readonly reference: string
  readonly title: string
  readonly statusText: string
  readonly dueDate: string | null
  readonly closed: boolean
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

/**
 * The papers the agenda pack prints, over the features that hold them: the performance report's summary (the report
 * service's report, its judgements as it made them: never recomputed here), the year's budget monitoring (the budget
 * service's `yearBudget`, src/domain/budget.ts), and the delivery plan's action status as of the meeting's date.
 */
export function createMeetingPapers(deps: {
  readonly report: (year: string) => Promise<PerformanceReport | null>
  readonly yearBudget: (year: string) => Promise<YearBudget>
  readonly planActions: () => Promise<readonly PlanActionLine[]>
}): MeetingPapers {
  return {
    async performance(date) {
      const year = yearReadOn(date)
      const report = await deps.report(year)
      if (!report) return [paragraph(`The performance report for ${year} holds no figures.`)]
      const readings = report.themes.flatMap((t) => t.rows.map((r) => ({ row: r, reading: readKpi(r) })))
      return [
        ...summarySentences(summariseReport(report), report.yearLabel).map(paragraph),
        {
          kind: 'table',
          caption: `KPIs of ${report.yearLabel}: outturn and outcome`,
          head: ['KPI', 'Outturn', 'Outcome'],
          rows: readings.map(({ row, reading }) => [reading.name, row.outturn.display, OUTCOME_WORDS[reading.outcome]]),
        },
        {
          kind: 'note',
          runs: [{ text: 'From the performance report as saferhub holds it when the pack is printed.' }],
        },
      ]
    },
    async budget(date) {
      const year = financialYearOfDate(date)
      const budget = await deps.yearBudget(year)
      const money = (p: number) => formatMoney(p)
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
      ]
      if (budget.illustrative)
        blocks.push({ kind: 'note', runs: [{ text: 'Includes illustrative figures (not Wolverhampton’s).' }] })
      return blocks
    },
    async actionStatus(date) {
      const actions = await deps.planActions()
      const open = actions.filter((a) => !a.closed)
      const overdue = open.filter((a) => a.dueDate !== null && a.dueDate < date)
      return [
        paragraph(
          `${actions.length} delivery plan actions: ${open.length} open, of which ${overdue.length} overdue on ${date}.`,
        ),
        {
          kind: 'table',
          caption: 'Delivery plan actions: status',
          head: ['Action', 'Status', 'Due'],
          rows: actions.map((a) => [
            `${a.reference}: ${a.title}`,
            a.statusText + (overdue.includes(a) ? ' (overdue)' : ''),
            a.dueDate ?? 'Not given',
          ]),
        },
      ]
    },
  }
}
