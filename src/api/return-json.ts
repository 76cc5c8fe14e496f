import { samePeriodLastYear } from '../domain/period.ts'
import { FIGURE_BOXES } from '../returns/return-fields.ts'
import type { AgencyReturn, ReturnItem } from '../returns/returns-repository.ts'
import type { ReturnPage } from '../returns/returns-service.ts'

function itemJson(item: ReturnItem) {
  return {
    status: item.status,
    value: item.value,
    numerator: item.numerator,
    denominator: item.denominator,
    percent: item.percent,
    text: item.text,
    reason: item.reason,
    commentary: item.commentary,
    warning: item.warning,
    confirmed: item.warningConfirmedBy !== null,
    confirmedBy: item.warningConfirmedBy,
    confirmedAt: item.warningConfirmedAt,
  }
}

/**
 * A quarter's return as the return page shows it: due date, state, version (also the ETag), the review comment,
 * and for each KPI due, each period due (its quarter; its three months; the two-month periods or the year ending
 * in the quarter) with the item saved for it and the same period last year.
 */
export function returnJson(page: ReturnPage) {
  const returned = page.returned
  return {
    quarter: page.period.id,
    label: page.period.label,
    agency: { code: page.agency.code, name: page.agency.name },
    dueDate: page.dueDate,
    status: returned?.status ?? 'not-started',
    version: returned?.version ?? null,
    locked: page.quarter?.locked === true,
    submittedAt: returned?.submittedAt ?? null,
    submittedBy: returned?.submittedBy ?? null,
    reviewComment: returned?.reviewComment ?? null,
    /** When nothing is due this quarter: the next quarter with something due. */
    nextDue: page.nextDue?.id ?? null,
    indicators: page.lines.map((line) => ({
      indicator: line.indicator.id,
      name: line.indicator.name,
      cadence: line.indicator.cadence,
      measureType: line.indicator.measureType,
      /** The figure fields this KPI's measure type takes (the boxes the return page shows). */
      figures: FIGURE_BOXES[line.indicator.measureType],
      periods: line.entries.map((entry) => ({
        period: entry.period.id,
        label: entry.period.label,
        lastYear: { period: samePeriodLastYear(entry.period).id, shown: entry.lastYear },
        item: entry.item ? itemJson(entry.item) : null,
      })),
    })),
  }
}

/** The page as it is once `saved` has been written (the saved return and its items in place of the old ones). */
export function withSavedReturn(page: ReturnPage, saved: AgencyReturn): ReturnPage {
  return {
    ...page,
    returned: saved,
    lines: page.lines.map((line) => ({
      ...line,
      entries: line.entries.map((entry) => ({
        ...entry,
        item: saved.items.find((i) => i.indicatorId === line.indicator.id && i.period === entry.period.id) ?? null,
      })),
    })),
  }
}
