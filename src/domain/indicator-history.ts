import { expectedPeriodsOf, outturnOf, type YearPeriod } from './aggregation.ts'
import { ControlSeries } from './control-limits.ts'
import type { Indicator, IndicatorValue } from './indicator.ts'
import type { ControlChart, DisplayValue, Outturn } from './performance-report.ts'
import { parsePeriod, yearPeriod, type Period, type PeriodId } from './period.ts'
import { displayValue } from './value-display.ts'

/**
 * A partnership's stored values read once, for building several years' reports from them (`indexValues`).
 *
 * A report for one year reads every value of every KPI (other years give last year, the trend, the control limits
 * and relative targets), so building ten years' reports from the same values read and displayed each value up to
 * ten times, and each year's outturn twice (as this year and as next year's "last year"). Read through this index,
 * a value's period is parsed once, its figure displayed once and a year's outturn computed once, whichever report
 * asks for them. The index holds its own copy of the list: changing the array afterwards does not change it.
 */
export class IndexedValues {
  /** Each indicator's values, in the order given. */
  readonly #byIndicator = new Map<string, IndicatorValue[]>()
  /**
   * The histories made so far, per indicator as defined (its display and outturn depend on the definition). A plain
   * map: the index lives as long as its reports are being built, and a WeakMap per index made collection slower.
   */
  readonly #histories = new Map<Indicator, IndicatorHistory>()
  /** How many values were read (as the list's `length`). */
  readonly length: number

  constructor(values: readonly IndicatorValue[]) {
    this.length = values.length
    for (const value of values) {
      let forIndicator = this.#byIndicator.get(value.indicatorId)
      if (forIndicator === undefined) this.#byIndicator.set(value.indicatorId, (forIndicator = []))
      forIndicator.push(value)
    }
  }

  /** The indicator's stored values, or null when it has none. */
  historyOf(indicator: Indicator): IndicatorHistory | null {
    let history = this.#histories.get(indicator)
    if (history === undefined) {
      const stored = this.#byIndicator.get(indicator.id)
      if (stored === undefined) return null
      history = new IndicatorHistory(indicator)
      for (const value of stored) history.add(value.period, value)
      this.#histories.set(indicator, history)
    }
    return history
  }
}

/**
 * Reads a partnership's values once for several reports: pass the result as `values` to `buildPerformanceReport`
 * for each year (the report service does, for every year it builds from the same data version).
 *
 * @example const values = indexValues(await figures.listValues())
 * for (const year of ['FY2016-17', 'FY2017-18']) buildPerformanceReport({ …, year, values })
 */
export function indexValues(values: readonly IndicatorValue[]): IndexedValues {
  return new IndexedValues(values)
}

/** One stored value of a KPI, with its period (null for an id that cannot be read) and, once asked for, its display. */
export interface RowValue {
  readonly id: PeriodId
  readonly period: Period | null
  readonly value: IndicatorValue
  shown: DisplayValue | null
}

/** A year's expected periods as displayed, and the outturn they give. */
interface YearFigures {
  readonly periods: YearPeriod[]
  readonly outturn: Outturn
}

/**
 * Every stored value of one KPI, each displayed at most once, each year's periods and outturn computed at most once,
 * and the series its control limits are read from collected once.
 */
export class IndicatorHistory {
  readonly indicator: Indicator
  readonly #entries: RowValue[] = []
  readonly #byId = new Map<PeriodId, RowValue>()
  /** The display of a period with no value ("not available"), per period. */
  readonly #absent = new Map<Period, DisplayValue>()
  readonly #years = new Map<number, YearFigures>()
  #control: ControlSeries | null = null

  constructor(indicator: Indicator) {
    this.indicator = indicator
  }

  /**
   * Adds a value stored under `id`: where an id comes twice, the later value, in the place of the first (as a map by
   * id keeps them).
   */
  add(id: PeriodId, value: IndicatorValue): void {
    const entry: RowValue = { id, period: parsePeriod(id), value, shown: null }
    const earlier = this.#byId.get(id)
    if (earlier === undefined) this.#entries.push(entry)
    else this.#entries[this.#entries.indexOf(earlier)] = entry
    this.#byId.set(id, entry)
  }

  /** In the order they were stored. */
  get entries(): readonly RowValue[] {
    return this.#entries
  }

  /** The value stored under the period's own id, if any. */
  entryOf(p: Period): RowValue | undefined {
    return this.#byId.get(p.id)
  }

  /** `displayValue` of an entry, made once. */
  shownEntry(entry: RowValue): DisplayValue {
    return (entry.shown ??= displayValue(this.indicator, entry.id, entry.value))
  }

  /** `displayValue` of a period with no value, made once per period. */
  shownAbsent(p: Period): DisplayValue {
    let shown = this.#absent.get(p)
    if (shown === undefined) this.#absent.set(p, (shown = displayValue(this.indicator, p.id, undefined)))
    return shown
  }

  /** A year's expected periods with every stored value in view, and their outturn, made once per year. */
  yearFigures(financialYear: number): YearFigures {
    let figures = this.#years.get(financialYear)
    if (figures === undefined) {
      const periods = expectedPeriodsOf(this.indicator.cadence, financialYear).map((p) => {
        const entry = this.#byId.get(p.id)
        return entry === undefined
          ? { period: p, shown: this.shownAbsent(p), value: undefined }
          : { period: p, shown: this.shownEntry(entry), value: entry.value }
      })
      figures = { periods, outturn: outturnOf(this.indicator, yearPeriod(financialYear), periods) }
      this.#years.set(financialYear, figures)
    }
    return figures
  }

  /** The control chart through the end of `year`: the figures of the KPI's whole history, collected once. */
  controlChartThrough(year: Period): ControlChart | null {
    if (this.#control === null) {
      this.#control = new ControlSeries(this.indicator)
      for (const entry of this.entries) this.#control.add(entry.value, entry.period)
    }
    return this.#control.chartThrough(year)
  }
}

/**
 * The values one row uses: a KPI's stored values from the first month `from` to the end of `through` (a value whose
 * period cannot be read is kept: the row's own checks report it), each displayed once however often the row (and
 * the other years' rows) show it: in its year's columns, the outturn, the latest changes and the trend.
 */
export class RowValues {
  readonly #history: IndicatorHistory | null
  readonly #indicator: Indicator
  readonly #from: string | null
  readonly #through: string | null
  /** In the order they were stored. */
  readonly entries: readonly RowValue[]

  /** `from` and `through` (first and last months) null: every stored value is in view. */
  constructor(indicator: Indicator, history: IndicatorHistory | null, from: string | null, through: string | null) {
    this.#indicator = indicator
    this.#history = history
    this.#from = from
    this.#through = through
    if (history === null) this.entries = []
    else if (from === null && through === null) this.entries = history.entries
    else this.entries = history.entries.filter((entry) => entry.period === null || this.#inView(entry.period))
  }

  #inView(p: Period): boolean {
    return (
      (this.#from === null || p.firstMonth >= this.#from) && (this.#through === null || p.lastMonth <= this.#through)
    )
  }

  /** `displayValue` of the value stored for the period (or of none, when none is in view). */
  shown(p: Period): DisplayValue {
    const history = this.#history
    if (history === null) return displayValue(this.#indicator, p.id, undefined)
    const entry = history.entryOf(p)
    // Stored under the period's own id, so its period is `p`: in view when `p` is.
    if (entry === undefined || !this.#inView(p)) return history.shownAbsent(p)
    return history.shownEntry(entry)
  }

  /** Every expected period of a financial year, displayed (what `yearPeriods` gives), and their outturn. */
  yearFigures(financialYear: number): YearFigures {
    const history = this.#history
    const year = yearPeriod(financialYear)
    // A year wholly in view sees every value the history has for it, so the history's figures are the row's.
    if (history !== null && this.#inView(year)) return history.yearFigures(financialYear)
    const periods = expectedPeriodsOf(this.#indicator.cadence, financialYear).map((p) => {
      const shown = this.shown(p)
      const entry = history?.entryOf(p)
      return { period: p, shown, value: entry !== undefined && this.#inView(p) ? entry.value : undefined }
    })
    return { periods, outturn: outturnOf(this.#indicator, year, periods) }
  }
}
