import type { Figure, FigureProvider } from '../annual-report/figures.ts'
import { isSmallCount, type DisclosureRules } from '../domain/disclosure-control.ts'
import { financialYearWords } from '../domain/period.ts'

/** The register's counts of one financial year, as the service gives them. */
export interface RegisterCounts {
  readonly notified: number
  readonly held: number
  readonly notHeld: number
  readonly ledElsewhere: number
  readonly overdue: number
}

/**
 * The register's figures for the annual report and the KPIs: notifications received, reviews held, not held, led by
 * another partnership, overdue. Counts only (no reference, no name, no date of a case), each under the publication's
 * disclosure rule: a small count is marked `suppressed` and its sentence says "fewer than N" rather than the number,
 * so the public report can never print it (a sentence that states the number is for the partnership's own pages).
 *
 * @example reviewFigures(() => Promise.resolve(counts), { minimumCount: 5 })('FY2017-18')
 */
export function reviewFigures(
  countsFor: (year: string) => Promise<RegisterCounts>,
  rules: DisclosureRules,
): FigureProvider {
  return async (year) => {
    const counts = await countsFor(year)
    // A year with nothing in the register gives no figures, rather than a row of noughts the report would bind as
    // "no notifications": the register cannot tell a quiet year from one before it was kept.
    if (Object.values(counts).every((n) => n === 0)) return []
    const period = financialYearWords(year)
    const source = 'Death review register (saferhub)'
    const figure = (key: string, label: string, value: number, words: string, subject: string[]): Figure => {
      const suppressed = isSmallCount(value, rules)
      const stated = suppressed ? `fewer than ${rules.minimumCount}` : String(value)
      return {
        key: `register:${key}:${year}`,
        label,
        value,
        unit: 'count',
        decimals: 0,
        period,
        source,
        sentence: `In ${period} the partnership ${words.replace('{n}', stated)}.`,
        subjectWords: ['domestic', 'homicide', 'review', 'death', ...subject],
        ...(suppressed ? { suppressed: true } : {}),
      }
    }
    return [
      figure(
        'dhr-notifications',
        'Notifications of a death that could meet the criteria for a review',
        counts.notified,
        'received {n} notifications of a death that could meet the criteria for a review',
        ['notification'],
      ),
      figure('dhr-reviews-held', 'Reviews held (decided to review)', counts.held, 'decided to hold {n} reviews', [
        'held',
      ]),
      figure(
        'dhr-reviews-not-held',
        'Notifications not reviewed',
        counts.notHeld,
        'decided not to hold a review on {n} notifications',
        ['not', 'held'],
      ),
      figure(
        'dhr-led-elsewhere',
        'Reviews led by another partnership',
        counts.ledElsewhere,
        'followed {n} reviews led by another partnership',
        ['another', 'partnership'],
      ),
      figure(
        'dhr-overdue',
        'Reviews overdue (decision or overview report)',
        counts.overdue,
        'had {n} reviews overdue',
        ['overdue'],
      ),
    ]
  }
}
