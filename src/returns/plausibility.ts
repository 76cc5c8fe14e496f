import { controlLimits, MINIMUM_CONTROL_POINTS, shownLowerLimit } from '../domain/control-limits.ts'

/**
 * Plausibility checks of a figure against the KPI's own history. They never block: a figure can be real and
 * unusual (a new recording practice, a one-off operation). They ask the sender to look again and confirm, and the
 * confirmation is recorded with the figure.
 */

/** How many earlier periods the median is taken over. */
export const MEDIAN_WINDOW = 8
/** Fewer earlier figures than this and the median says too little to warn about. */
export const MINIMUM_MEDIAN_POINTS = 4
/** More than this many times the median, or less than the median divided by it, is flagged. */
export const MEDIAN_FACTOR = 3

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const shown = (n: number) => String(Number(n.toFixed(2)))

/**
 * A warning about `figure` given the KPI's earlier figures (oldest first, same kind of period), or null.
 * - against the median of the last 8: more than 3 times it or less than a third of it (with 4 or more points);
 * - outside the control limits of the whole history when there are 13 or more points: the XmR limits of
 *   `controlLimits`, the same function and (given every earlier figure of the period's kind, as the returns service
 *   passes) the same series as the report's and the KPI page's charts.
 *
 * @example plausibilityWarning([10, 12, 11, 9, 10, 13, 12, 11], 40) // 'more than 3 times the median …'
 */
export function plausibilityWarning(history: readonly number[], figure: number): string | null {
  const warnings: string[] = []
  const recent = history.slice(-MEDIAN_WINDOW)
  if (recent.length >= MINIMUM_MEDIAN_POINTS) {
    const m = median(recent)
    if (m > 0 && figure > MEDIAN_FACTOR * m) {
      warnings.push(
        `${shown(figure)} is more than 3 times the median of the last ${recent.length} periods (${shown(m)})`,
      )
    } else if (m > 0 && figure < m / MEDIAN_FACTOR) {
      warnings.push(
        `${shown(figure)} is less than a third of the median of the last ${recent.length} periods (${shown(m)})`,
      )
    }
  }
  if (history.length >= MINIMUM_CONTROL_POINTS) {
    const limits = controlLimits(history)
    if (limits && (figure > limits.upper || figure < limits.lower)) {
      warnings.push(
        `${shown(figure)} is outside the control limits of the last ${history.length} periods (${shown(shownLowerLimit(limits))} to ${shown(limits.upper)})`,
      )
    }
  }
  return warnings.length === 0 ? null : warnings.join('; ')
}
