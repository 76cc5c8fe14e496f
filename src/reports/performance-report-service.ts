import type { Baseline, Indicator, IndicatorValue } from '../domain/indicator.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { financialYearId, parsePeriod, type PeriodId } from '../domain/period.ts'

/** The three reads the report needs; the performance repository provides them (a narrow interface, not the whole). */
export interface PerformanceFigures {
  listIndicators(): Promise<Indicator[]>
  listBaselines(): Promise<Baseline[]>
  listValues(): Promise<IndicatorValue[]>
}

export type BuildPerformanceReport = (input: {
  readonly partnership: string
  readonly year: PeriodId
  readonly indicators: readonly Indicator[]
  readonly values: readonly IndicatorValue[]
  readonly baselines: readonly Baseline[]
}) => PerformanceReport

export interface PerformanceReportService {
  /** Financial years (`FY2017-18`) with at least one reported figure, newest first. */
  yearsWithFigures(): Promise<PeriodId[]>
  /** The newest of those, or null when nothing has been loaded. */
  latestYear(): Promise<PeriodId | null>
  /** The report for a financial year, regenerated from the stored figures; null when the year has no figures. */
  report(year: PeriodId): Promise<PerformanceReport | null>
  /**
   * The report of the latest year with figures (`report(latestYear())`), reading the data version once when it is
   * kept: the dashboard and the KPI page ask on every view.
   */
  latestReport(): Promise<PerformanceReport | null>
}

/**
 * Regenerates the performance report from the stored figures. With `dataVersion` (the newest audit event's id:
 * every change to the figures is audited in its own transaction), a report is rebuilt only when the data has
 * changed since it was last built, so it can never disagree with the figures just imported, in this process or
 * another; without it, on every call. Measured by `npm run bench:web`: building the report is most of the
 * dashboard's time.
 */
export function createPerformanceReportService(deps: {
  readonly figures: PerformanceFigures
  readonly partnership: string
  readonly build: BuildPerformanceReport
  readonly dataVersion?: () => Promise<number>
}): PerformanceReportService {
  let cache: { version: number; years: PeriodId[]; reports: Map<PeriodId, PerformanceReport> } | null = null
  async function current<T>(work: () => Promise<T>, fromCache: (c: NonNullable<typeof cache>) => T | undefined) {
    if (!deps.dataVersion) return work()
    const version = await deps.dataVersion()
    if (cache?.version !== version) cache = { version, years: [], reports: new Map() }
    const hit = fromCache(cache)
    return hit !== undefined ? hit : work()
  }
  const yearsOf = (values: readonly IndicatorValue[]): PeriodId[] => {
    const years = new Set<number>()
    for (const value of values) {
      if (value.status !== 'reported') continue
      const p = parsePeriod(value.period)
      if (p) years.add(p.financialYear)
    }
    return [...years].sort((a, b) => b - a).map(financialYearId)
  }
  // The cache entry is taken before reading, so a change that lands during a build gives a new version and the
  // stale build is never served for it.
  const years = () =>
    current(
      async () => {
        const entry = cache
        const found = yearsOf(await deps.figures.listValues())
        if (entry) entry.years = found
        return found
      },
      (c) => (c.years.length > 0 ? c.years : undefined),
    )
  const latestYear = async () => (await years())[0] ?? null
  const report = async (year: PeriodId) => {
    const p = parsePeriod(year)
    if (!p || p.kind !== 'year') return null
    return current(
      async () => {
        const entry = cache
        const [indicators, baselines, values] = await Promise.all([
          deps.figures.listIndicators(),
          deps.figures.listBaselines(),
          deps.figures.listValues(),
        ])
        if (!yearsOf(values).includes(p.id)) return null
        const built = deps.build({ partnership: deps.partnership, year: p.id, indicators, values, baselines })
        entry?.reports.set(p.id, built)
        return built
      },
      (c) => c.reports.get(p.id),
    )
  }
  return {
    yearsWithFigures: years,
    latestYear,
    report,
    async latestReport() {
      if (deps.dataVersion) {
        // Both kept under the version just read: one read instead of latestYear's and report's.
        const version = await deps.dataVersion()
        if (cache?.version !== version) cache = { version, years: [], reports: new Map() }
        const year = cache.years[0]
        const kept = year === undefined ? undefined : cache.reports.get(year)
        if (kept !== undefined) return kept
      }
      const year = await latestYear()
      return year === null ? null : report(year)
    },
  }
}

/**
 * Reads a financial year as people type it: `2017/18`, `2017-18` (as in our URLs) or `FY2017-18`. Null otherwise.
 *
 * @example parseReportYear('2017-18') // 'FY2017-18'
 * @example parseReportYear('2017-19') // null
 */
export function parseReportYear(text: string): PeriodId | null {
  const trimmed = text.trim()
  const match = /^(\d{4})-(\d{2})$/.exec(trimmed)
  const p = parsePeriod(match ? `FY${match[1]}-${match[2]}` : trimmed)
  return p && p.kind === 'year' ? p.id : null
}

/** `FY2017-18` → `2017-18`, the form used in URLs and file names. */
export function yearSlug(year: PeriodId): string {
  return year.replace(/^FY/, '')
}
