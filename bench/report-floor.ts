/**
 * `npm run bench:floor`: the least time any implementation of the performance report's figures can take, measured
 * beside the report itself, to say whether issue 8's goal (the computation within 5× the plain loop) is reachable.
 *
 * On the same generated frameworks as `npm run bench` (bench/performance-framework-data.ts: 350 partnerships × 60
 * quarterly KPIs × 10 years), this times one after the other in one process, each after a warm-up pass on a few
 * partnerships and a full garbage collection (the median of three rounds, but one of the report):
 * a. the bench's reference: the plain loop summing each KPI's values by year through a map (copied exactly);
 * d. the values read and the outturns and changes only: no statistics;
 * c. the figures alone (the floor): for each partnership, year and KPI, the numbers a row holds and nothing else —
 *    this year's and last year's outturn (by measure type: the sum of the quarters; the ratio of the sums for a
 *    proportion; the latest quarter of a stock; the count and its share), the change on last year (absolute and in
 *    %), the significance test's p-value (the domain's exact Poisson and two-proportion tests), the trend
 *    (Mann–Kendall and Sen's slope over the same three years) and the control limits over the history (the
 *    domain's XmR kernel). No strings, no displays, no commentary, no object per row: each partnership's values are
 *    grouped once, into typed arrays by KPI and quarter, and the figures written into one reused typed array;
 * e. the floor and the least display any report prints with its figures: each quarter's figure printed once per
 *    partnership, and each row's two outturns, change and p-value, by the domain's formatters (no commentary, labels,
 *    gap notes, judgements or objects);
 * b. the report itself: one `buildPerformanceReport` per partnership per year, reading each row's commentary, as
 *    `npm run bench` does (the reports are not kept: the bench keeps the latest 350 for rendering).
 * Each is printed in rows a second, µs a row and as a ratio to the reference (wall time, and processor time, which
 * other work on the shared machine disturbs less), with the peak resident set after it (runs are in the order a, d,
 * c, e, b, so each peak is that of the work so far, the report's last). The reference is timed again at the end, to
 * show how much the load moved during the run. Measured after (e), (b) took 3.6–4.6 s (peak 250–260 MB) in nine runs of
 * nine; straight after (c), 5.3–8.1 s (peak 540–570 MB) in seven runs of eight: see docs/architecture.md, "The floor",
 * on V8's pretenuring.
 *
 * The statistics are the domain's own functions (`poissonExactTest`, `twoProportionTest`, `mannKendall`,
 * `senSlope`, `controlLimits`), called with the inputs the report gives them; only the sums of the outturns and the
 * change's two roundings are written here. `--check` proves the floor does the report's work: for every row of a
 * smaller run (20 partnerships unless given) it compares the floor's figures with the full report's (outturns,
 * completeness, numerators, denominators, shares, the change, the p-value, the trend's points, S, p, direction and
 * the slope the description prints, the control limits and signals; and (e)'s strings with the report's) and fails
 * on the first differences.
 *
 * The floor reads what the generator makes (quarterly KPIs; counts, proportions, counts with a share, stocks of the
 * latest quarter; each period stored once, in time order) and refuses anything else rather than reading it wrongly.
 *
 * Options: --partnerships N (default 350; 20 with --check), --rounds N (default 3: each measurement's median of N
 * rounds, but the report's one round), --check.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import { parseOptions } from '../src/cli/command.ts'
import { buildPerformanceReport, TREND_YEARS } from '../src/domain/build-performance-report.ts'
import { controlLimits, MINIMUM_CONTROL_POINTS } from '../src/domain/control-limits.ts'
import type { Indicator, IndicatorValue } from '../src/domain/indicator.ts'
import type { IndicatorRow } from '../src/domain/performance-report.ts'
import { measureChange } from '../src/domain/judgement.ts'
import { financialYearId, parsePeriod, yearsPeriods, type Period } from '../src/domain/period.ts'
import { formatPValue, PERCENT_DECIMALS, percentOf, roundHalfAwayFromZero } from '../src/domain/rounding.ts'
import { poissonExactTest, twoProportionTest } from '../src/domain/statistics.ts'
import { mannKendall, MINIMUM_TREND_POINTS, senSlope, TREND_ALPHA } from '../src/domain/trend.ts'
import { formatCountWithShare, formatFigure, formatProportion } from '../src/domain/value-display.ts'
import { generatedIndicators, generatedValues, referenceLoop } from './performance-framework-data.ts'
import { peakMb, time } from './support/measure.ts'

const { options } = parseOptions(process.argv.slice(2))
const check = options.has('check')
const partnerships = Number(options.get('partnerships') ?? (check ? 20 : 350))
const warmUpPartnerships = Math.min(5, partnerships)
/** Rounds of each measurement but the report's, of which the median is printed. */
const repeat = Number(options.get('rounds') ?? 3)
const firstYear = 2014
const years = 10
const QUARTERS = 4
const slots = years * QUARTERS

const indicators = generatedIndicators(60)
const kpis = indicators.length
const kpiIndex = new Map(indicators.map((indicator, k) => [indicator.id, k]))
for (const indicator of indicators)
  if (
    indicator.cadence !== 'quarterly' ||
    (indicator.measureType === 'stock' && indicator.stockAggregation !== 'latest')
  )
    throw new Error(`The floor reads quarterly KPIs and stocks of the latest quarter only: ${indicator.id}`)

console.log(`Generating ${partnerships} partnerships × ${kpis} indicators × ${years} years of quarters…`)
const data = Array.from({ length: partnerships }, (_, p) => generatedValues(p, indicators, firstYear, years))
const valueCount = data.reduce((sum, values) => sum + values.length, 0)

// ---------------------------------------------------------------------------------------------------------------
// One partnership's values, grouped once: by KPI and quarter (slot = year × 4 + quarter − 1), NaN where a quarter
// has no figure (not reported, or a proportion of nothing), and each KPI's figures again in time order without the
// gaps (the trend's and the control chart's series), with how many of them end by each year.

const figure = new Float64Array(kpis * slots)
const numerator = new Float64Array(kpis * slots)
const denominator = new Float64Array(kpis * slots)
const series: number[][] = indicators.map(() => [])
const positions: number[][] = indicators.map(() => [])
/** upTo[k × years + y]: how many of KPI k's figures lie in years 0 to y. */
const upTo = new Int32Array(kpis * years)

function group(values: readonly IndicatorValue[]): void {
  figure.fill(NaN)
  numerator.fill(NaN)
  denominator.fill(NaN)
  for (let k = 0; k < kpis; k++) {
    ;(series[k] as number[]).length = 0
    ;(positions[k] as number[]).length = 0
  }
  let lastSlot = -1
  let lastKpi = -1
  for (const v of values) {
    const k = kpiIndex.get(v.indicatorId)
    const p = parsePeriod(v.period)
    if (k === undefined || p === null || p.kind !== 'quarter' || p.id !== v.period)
      throw new Error(`The floor reads quarters of known KPIs only: ${v.indicatorId} ${v.period}`)
    const slot = (p.financialYear - firstYear) * QUARTERS + p.index - 1
    if (slot < 0 || slot >= slots) continue
    if (k === lastKpi && slot <= lastSlot)
      throw new Error(`The floor reads each KPI's values once each, in time order: ${v.indicatorId} ${v.period}`)
    if (v.status === 'not-applicable') throw new Error(`The floor does not read periods not applicable: ${v.period}`)
    lastKpi = k
    lastSlot = slot
    if (v.status !== 'reported') continue
    const at = k * slots + slot
    let f: number | null
    switch ((indicators[k] as Indicator).measureType) {
      case 'count':
      case 'stock':
        f = v.value
        break
      case 'count-with-share':
        f = v.value
        if (v.numerator === null) throw new Error(`The floor reads counts with their share's numerator: ${v.period}`)
        numerator[at] = v.numerator
        break
      case 'proportion':
        if (v.numerator === null || v.denominator === null)
          throw new Error(`The floor reads proportions with their counts: ${v.period}`)
        f = percentOf(v.numerator, v.denominator)
        numerator[at] = v.numerator
        denominator[at] = v.denominator
        break
      default:
        throw new Error(`The floor does not read ${(indicators[k] as Indicator).measureType} KPIs`)
    }
    if (f === null) continue
    figure[at] = f
    ;(series[k] as number[]).push(f)
    // Where the trend places a quarter (`financialYear × 4 + index`): only differences between positions count.
    ;(positions[k] as number[]).push(p.financialYear * QUARTERS + p.index)
  }
  for (let k = 0; k < kpis; k++) {
    let n = 0
    for (let y = 0; y < years; y++) {
      for (let q = 0; q < QUARTERS; q++) if (!Number.isNaN(figure[k * slots + y * QUARTERS + q] as number)) n++
      upTo[k * years + y] = n
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The figures of every row of one partnership's ten reports, into one typed array (NaN for none).

const F = {
  value: 0,
  complete: 1,
  numerator: 2,
  denominator: 3,
  share: 4,
  previousValue: 5,
  previousComplete: 6,
  previousNumerator: 7,
  previousDenominator: 8,
  previousShare: 9,
  changeAbsolute: 10,
  changePercent: 11,
  pValue: 12,
  trendPoints: 13,
  trendS: 14,
  trendP: 15,
  /** 1 rising, -1 falling, 0 stable, NaN insufficient data. */
  trendDirection: 16,
  trendSlope: 17,
  controlPoints: 18,
  controlMean: 19,
  controlLower: 20,
  controlUpper: 21,
  controlMeanMovingRange: 22,
  controlScreened: 23,
  controlSignals: 24,
} as const
const FIELDS = 25
const figures = new Float64Array(years * kpis * FIELDS)

/** Where one row's figures start in `figures`. */
const rowAt = (y: number, k: number) => (y * kpis + k) * FIELDS

/**
 * A year's outturn into `figures` from `at`: value, complete (1/0), numerator, denominator, share. Year -1 (last
 * year of the first) has no values: no figure, incomplete, as the report finds it.
 */
function outturnInto(k: number, y: number, at: number): void {
  const type = (indicators[k] as Indicator).measureType
  const base = k * slots + y * QUARTERS
  const quarters = y < 0 ? 0 : QUARTERS
  let reported = 0
  let sum = 0
  let numeratorSum = 0
  let denominatorSum = 0
  let latest = NaN
  // Summed in the quarters' order from 0, as the report's outturn does (the same floating-point sums).
  for (let q = 0; q < quarters; q++) {
    const f = figure[base + q] as number
    if (Number.isNaN(f)) continue
    reported++
    latest = f
    sum += f
    numeratorSum += numerator[base + q] as number
    denominatorSum += denominator[base + q] as number
  }
  figures[at + 1] = reported === QUARTERS ? 1 : 0
  figures[at + 2] = NaN
  figures[at + 3] = NaN
  figures[at + 4] = NaN
  if (reported === 0) {
    figures[at] = NaN
    return
  }
  switch (type) {
    case 'count':
      figures[at] = sum
      break
    case 'stock':
      figures[at] = latest
      break
    case 'proportion':
      figures[at] = percentOf(numeratorSum, denominatorSum) ?? NaN
      figures[at + 2] = numeratorSum
      figures[at + 3] = denominatorSum
      break
    case 'count-with-share':
      figures[at] = sum
      figures[at + 2] = numeratorSum
      figures[at + 3] = sum
      figures[at + 4] = percentOf(numeratorSum, sum) ?? NaN
      break
    default:
      throw new Error(`The floor does not read ${type} KPIs`)
  }
}

const wholeProportion = (x: number, n: number) =>
  Number.isInteger(x) && Number.isInteger(n) && x >= 0 && x <= n && n > 0

/** Every row's figures of one (grouped) partnership; with `statistics` false, only the outturns and changes. */
function floorFigures(statistics: boolean): void {
  for (let y = 0; y < years; y++) {
    for (let k = 0; k < kpis; k++) {
      const at = rowAt(y, k)
      const type = (indicators[k] as Indicator).measureType
      outturnInto(k, y, at)
      outturnInto(k, y - 1, at + F.previousValue)
      const value = figures[at] as number
      const previous = figures[at + F.previousValue] as number
      const bothComplete = figures[at + F.complete] === 1 && figures[at + F.previousComplete] === 1
      // The change as `measureChange` rounds it: counts whole, percentage points and the relative change to 1 place.
      let changeAbsolute = NaN
      let changePercent = NaN
      if (bothComplete) {
        const raw = value - previous
        changeAbsolute =
          type !== 'proportion' && Number.isInteger(raw) ? raw : roundHalfAwayFromZero(raw, PERCENT_DECIMALS)
        changePercent = previous === 0 ? NaN : roundHalfAwayFromZero((raw / Math.abs(previous)) * 100, 1)
      }
      figures[at + F.changeAbsolute] = changeAbsolute
      figures[at + F.changePercent] = changePercent
      if (!statistics) continue

      // The significance of the change on last year, with the inputs `testSignificance` gives the tests.
      let pValue = NaN
      if (bothComplete && (type === 'count' || type === 'count-with-share')) {
        if (Number.isInteger(previous) && Number.isInteger(value) && previous >= 0 && value >= 0)
          pValue = poissonExactTest(previous, value)
      } else if (bothComplete && type === 'proportion') {
        const x1 = figures[at + F.previousNumerator] as number
        const n1 = figures[at + F.previousDenominator] as number
        const x2 = figures[at + F.numerator] as number
        const n2 = figures[at + F.denominator] as number
        if (wholeProportion(x1, n1) && wholeProportion(x2, n2)) pValue = twoProportionTest(x1, n1, x2, n2)
      }
      figures[at + F.pValue] = pValue

      // The trend over the three years ending with this one, as `describeTrendOfPeriods` reads it.
      const from = y - TREND_YEARS < 0 ? 0 : (upTo[k * years + y - TREND_YEARS] as number)
      const to = upTo[k * years + y] as number
      figures[at + F.trendPoints] = to - from
      figures[at + F.trendS] = NaN
      figures[at + F.trendP] = NaN
      figures[at + F.trendDirection] = NaN
      figures[at + F.trendSlope] = NaN
      if (to - from >= MINIMUM_TREND_POINTS) {
        const points = (series[k] as number[]).slice(from, to)
        const { s, pValue: trendP } = mannKendall(points)
        figures[at + F.trendS] = s
        figures[at + F.trendP] = trendP
        if (trendP >= TREND_ALPHA || s === 0) figures[at + F.trendDirection] = 0
        else {
          figures[at + F.trendDirection] = Math.sign(s)
          figures[at + F.trendSlope] = Math.abs(senSlope(points, (positions[k] as number[]).slice(from, to)))
        }
      }

      // The control limits over every figure up to the end of the year.
      figures[at + F.controlPoints] = to
      if (to < MINIMUM_CONTROL_POINTS) {
        for (let f = F.controlMean; f <= F.controlSignals; f++) figures[at + f] = NaN
        continue
      }
      const limits = controlLimits((series[k] as number[]).slice(0, to))
      if (limits === null) throw new Error('controlLimits gave none for 13 or more points')
      figures[at + F.controlMean] = limits.mean
      figures[at + F.controlLower] = limits.lower
      figures[at + F.controlUpper] = limits.upper
      figures[at + F.controlMeanMovingRange] = limits.meanMovingRange
      figures[at + F.controlScreened] = limits.screenedMovingRanges
      figures[at + F.controlSignals] = limits.signals.length
    }
  }
}

/** The floor for one partnership: its values grouped once, then every row of its ten years. */
function floor(values: readonly IndicatorValue[], statistics: boolean): number {
  group(values)
  floorFigures(statistics)
  return years * kpis
}

// ---------------------------------------------------------------------------------------------------------------
// e. The figures and the least display any report prints with them: each quarter's figure printed once per
// partnership (a row shows it in this year's column and the next year's row in last year's), and each row's two
// outturns, its change on last year and its p-value printed, with the domain's formatters (the same strings the
// report shows: `--check` compares them). No commentary, labels, notes or objects.

/** Each quarter's figure as printed, by KPI and slot; '' where it has none. */
const shownQuarter: string[] = new Array<string>(kpis * slots).fill('')

function quarterDisplay(k: number, at: number): string {
  const f = figure[at] as number
  if (Number.isNaN(f)) return ''
  switch ((indicators[k] as Indicator).measureType) {
    case 'proportion':
      return formatProportion(numerator[at] as number, denominator[at] as number)
    case 'count-with-share':
      return formatCountWithShare(f, percentOf(numerator[at] as number, f))
    default:
      return formatFigure(f)
  }
}

/** A complete year's outturn as printed (an incomplete one adds "(3 of 4 quarters)", left out here). */
function outturnDisplay(k: number, y: number, at: number): string {
  const value = figures[at] as number
  if (Number.isNaN(value)) return ''
  switch ((indicators[k] as Indicator).measureType) {
    case 'proportion':
      return formatProportion(figures[at + F.numerator] as number, figures[at + F.denominator] as number)
    case 'count-with-share':
      return formatCountWithShare(value, figures[at + F.share] as number)
    case 'stock': {
      // The latest quarter with a figure, by its label ("2017/18 Q4").
      let q = QUARTERS - 1
      while (q > 0 && Number.isNaN(figure[k * slots + y * QUARTERS + q] as number)) q--
      return `${formatFigure(value)} (${(yearsPeriods(firstYear + y, 'quarter')[q] as Period).label})`
    }
    default:
      return formatFigure(value)
  }
}

/** The change on last year as printed ("+30 (+15.7%)"); '' without one. */
function changeDisplay(k: number, at: number): string {
  if (Number.isNaN(figures[at + F.changeAbsolute] as number)) return ''
  const scale = (indicators[k] as Indicator).measureType === 'proportion' ? 'percentage-points' : 'count'
  return measureChange(figures[at + F.previousValue] as number, figures[at] as number, scale).display
}

/** The floor and its displays for one partnership: the characters printed (kept so the work cannot be skipped). */
function floorWithDisplays(values: readonly IndicatorValue[]): number {
  floor(values, true)
  let characters = 0
  for (let k = 0; k < kpis; k++)
    for (let slot = 0; slot < slots; slot++) {
      const at = k * slots + slot
      const shown = quarterDisplay(k, at)
      shownQuarter[at] = shown
      characters += shown.length
    }
  for (let y = 0; y < years; y++)
    for (let k = 0; k < kpis; k++) {
      const at = rowAt(y, k)
      characters += outturnDisplay(k, y, at).length + changeDisplay(k, at).length
      if (y > 0) characters += outturnDisplay(k, y - 1, at + F.previousValue).length
      const p = figures[at + F.pValue] as number
      if (!Number.isNaN(p)) characters += formatPValue(p).length
    }
  return characters
}

// ---------------------------------------------------------------------------------------------------------------
// --check: every row of the floor against the full report's.

const same = (a: number, b: number | null | undefined) => (b === null || b === undefined ? Number.isNaN(a) : a === b)

/** The differences between the floor's figures (and displays) for row (y, k) and the report's row. */
function differences(y: number, k: number, row: IndicatorRow): string[] {
  const at = rowAt(y, k)
  const found: string[] = []
  const expectText = (what: string, floorText: string, reportText: string) => {
    if (floorText !== reportText) found.push(`${what}: floor "${floorText}", report "${reportText}"`)
  }
  row.periods.forEach((column, q) => {
    const shown = shownQuarter[k * slots + y * QUARTERS + q] as string
    if (shown !== '' || column.thisYear.number !== null) expectText(`Q${q + 1} display`, shown, column.thisYear.display)
  })
  if (row.outturn.complete) expectText('outturn display', outturnDisplay(k, y, at), row.outturn.display)
  if (row.previousOutturn.complete)
    expectText("last year's display", outturnDisplay(k, y - 1, at + F.previousValue), row.previousOutturn.display)
  expectText('change display', changeDisplay(k, at), row.changeOnLastYear?.display ?? '')
  const expect = (what: string, floorValue: number, reportValue: number | null | undefined) => {
    if (!same(floorValue, reportValue)) found.push(`${what}: floor ${floorValue}, report ${reportValue}`)
  }
  expect('outturn', figures[at] as number, row.outturn.value)
  expect('complete', figures[at + F.complete] as number, row.outturn.complete ? 1 : 0)
  expect('numerator', figures[at + F.numerator] as number, row.outturn.numerator)
  expect('denominator', figures[at + F.denominator] as number, row.outturn.denominator)
  expect('share', figures[at + F.share] as number, row.outturn.share)
  expect("last year's outturn", figures[at + F.previousValue] as number, row.previousOutturn.value)
  expect("last year's complete", figures[at + F.previousComplete] as number, row.previousOutturn.complete ? 1 : 0)
  expect("last year's numerator", figures[at + F.previousNumerator] as number, row.previousOutturn.numerator)
  expect("last year's denominator", figures[at + F.previousDenominator] as number, row.previousOutturn.denominator)
  expect("last year's share", figures[at + F.previousShare] as number, row.previousOutturn.share)
  expect('change', figures[at + F.changeAbsolute] as number, row.changeOnLastYear?.absolute)
  expect('change %', figures[at + F.changePercent] as number, row.changeOnLastYear?.percent)
  expect('p-value', figures[at + F.pValue] as number, row.significance?.pValue)
  const trend = row.trend
  expect('trend points', figures[at + F.trendPoints] as number, trend.points.length)
  const direction = { rising: 1, falling: -1, stable: 0, 'insufficient-data': null }[trend.direction]
  expect('trend direction', figures[at + F.trendDirection] as number, direction)
  if (trend.points.length >= MINIMUM_TREND_POINTS) {
    // The report keeps the trend's points, not its S and p: the test on the report's own points gives those.
    const reportTest = mannKendall(trend.points.map((point) => point.value))
    expect('trend S', figures[at + F.trendS] as number, reportTest.s)
    expect('trend p', figures[at + F.trendP] as number, reportTest.pValue)
  }
  const slope = figures[at + F.trendSlope] as number
  const about = /about ([\d,.]+)/.exec(trend.description)
  if (direction === 1 || direction === -1) {
    // The description prints the slope to two significant figures ("about 2.1 offences a quarter"; none when 0).
    const printed = about === null ? 0 : Number((about[1] as string).replaceAll(',', ''))
    const tolerance = slope === 0 ? 0 : 0.5 * 10 ** (Math.floor(Math.log10(slope)) - 1) * (1 + 1e-9)
    if (!(Math.abs(printed - slope) <= tolerance))
      found.push(`trend slope: floor ${slope}, report "${trend.description}"`)
  } else if (!Number.isNaN(slope)) found.push(`trend slope: floor ${slope} for a trend ${trend.direction}`)
  const control = row.control
  if (control === null) {
    if ((figures[at + F.controlPoints] as number) >= MINIMUM_CONTROL_POINTS) found.push('control: the report has none')
  } else {
    expect('control points', figures[at + F.controlPoints] as number, control.values.length)
    expect('control mean', figures[at + F.controlMean] as number, control.mean)
    expect('control lower', figures[at + F.controlLower] as number, control.lower)
    expect('control upper', figures[at + F.controlUpper] as number, control.upper)
    expect('control mean moving range', figures[at + F.controlMeanMovingRange] as number, control.meanMovingRange)
    expect('control screened', figures[at + F.controlScreened] as number, control.screenedMovingRanges)
    expect('control signals', figures[at + F.controlSignals] as number, control.signals.length)
  }
  return found
}

function checkEveryRow(): void {
  let rows = 0
  const seen = { tested: 0, trends: 0, directions: 0, charts: 0, incomplete: 0 }
  const problems: string[] = []
  for (let p = 0; p < data.length; p++) {
    const values = data[p] as IndicatorValue[]
    floorWithDisplays(values)
    for (let y = 0; y < years; y++) {
      const report = buildPerformanceReport({
        partnership: `Partnership ${p}`,
        year: financialYearId(firstYear + y),
        indicators,
        values,
        baselines: [],
      })
      for (const theme of report.themes)
        for (const row of theme.rows) {
          const k = kpiIndex.get(row.indicator.id) as number
          for (const d of differences(y, k, row))
            problems.push(`partnership ${p}, ${financialYearId(firstYear + y)}, ${row.indicator.id}: ${d}`)
          rows++
          if (row.significance !== null) seen.tested++
          if (row.trend.points.length >= MINIMUM_TREND_POINTS) seen.trends++
          if (row.trend.direction === 'rising' || row.trend.direction === 'falling') seen.directions++
          if (row.control !== null) seen.charts++
          if (!row.outturn.complete) seen.incomplete++
        }
    }
  }
  if (problems.length > 0) {
    console.error(`The floor's figures differ from the report's in ${problems.length} places; the first:`)
    for (const problem of problems.slice(0, 20)) console.error(`  ${problem}`)
    process.exit(1)
  }
  console.log(
    `Every figure of ${rows.toLocaleString('en-GB')} rows equals the report's: ${seen.tested} significance tests, ` +
      `${seen.trends} trends tested (${seen.directions} rising or falling, with a slope), ${seen.charts} control ` +
      `charts, ${seen.incomplete} incomplete years.`,
  )
}

if (check) {
  checkEveryRow()
  process.exit(0)
}

// ---------------------------------------------------------------------------------------------------------------
// The timings.

v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void

/** The report as `npm run bench` computes it: rows counted and each row's commentary read. */
function fullReports(over: readonly IndicatorValue[][]): number {
  let rows = 0
  let commentaryCharacters = 0
  for (let p = 0; p < over.length; p++) {
    for (let y = 0; y < years; y++) {
      const report = buildPerformanceReport({
        partnership: `Partnership ${p}`,
        year: financialYearId(firstYear + y),
        indicators,
        values: over[p] as IndicatorValue[],
        baselines: [],
      })
      for (const theme of report.themes) {
        rows += theme.rows.length
        for (const row of theme.rows) commentaryCharacters += row.generatedCommentary.length
      }
    }
  }
  return rows + (commentaryCharacters > 0 ? 0 : Number.NaN)
}

/** The floor over the partnerships, with a checksum of its figures so that none of the work can be left out. */
function floorRows(over: readonly IndicatorValue[][], statistics: boolean): number {
  let rows = 0
  let checksum = 0
  for (const values of over) {
    rows += floor(values, statistics)
    for (let i = 0; i < figures.length; i += FIELDS) {
      const p = figures[i + F.pValue] as number
      checksum += (figures[i] as number) > 0 ? 1 : 0
      if (p > 0.5) checksum++
    }
  }
  return checksum >= 0 ? rows : Number.NaN
}

const warmUp = data.slice(0, warmUpPartnerships)
const rowCount = partnerships * years * kpis

interface Measured {
  readonly label: string
  readonly ms: number
  readonly cpuMs: number
  readonly peakMb: number
}

/** The middle of a list of numbers (of an even count, the mean of the two in the middle). */
function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((x, y) => x - y)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/**
 * `work` over every partnership, after a warm-up on a few and a full collection before each round: the median wall
 * and processor times of `rounds` rounds (a pass of the reference takes some 140 ms, which one descheduling on the
 * shared machine moves by a fifth).
 */
function measure(label: string, work: (over: readonly IndicatorValue[][]) => unknown, rounds = repeat): Measured {
  work(warmUp)
  const runs: { ms: number; cpuMs: number }[] = []
  for (let round = 0; round < rounds; round++) {
    collectGarbage()
    runs.push(time(() => work(data)))
  }
  return {
    label,
    ms: median(runs.map((run) => run.ms)),
    cpuMs: median(runs.map((run) => run.cpuMs)),
    peakMb: peakMb(),
  }
}

const reference = measure('a. reference: plain loop summing by indicator and year', referenceLoop)
const readingOnly = measure('d. floor without statistics: values grouped, outturns and changes', (over) =>
  floorRows(over, false),
)
const figuresAlone = measure('c. floor: the figures alone (outturns, changes, p, trend, control limits)', (over) =>
  floorRows(over, true),
)
const withDisplays = measure('e. floor and its displays: c, and the quarters, outturns, change and p printed', (over) =>
  over.reduce((characters, values) => characters + floorWithDisplays(values), 0),
)
// One round of the report (some 4 s, long enough not to need more), as `npm run bench` times it.
const full = measure('b. full report: buildPerformanceReport, commentary read', fullReports, 1)
const referenceAgain = measure('a. reference again, at the end', referenceLoop)

console.log('')
console.log(
  `${valueCount.toLocaleString('en-GB')} values; ${rowCount.toLocaleString('en-GB')} KPI rows ` +
    `(${partnerships} partnerships × ${years} years × ${kpis} KPIs); load average ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
)
for (const m of [reference, readingOnly, figuresAlone, withDisplays, full, referenceAgain]) {
  console.log(
    `${m.label}: ${m.ms.toFixed(0)} ms (processor ${m.cpuMs.toFixed(0)} ms); ` +
      `${((rowCount / m.ms) * 1000).toFixed(0)} rows/s, ${((m.ms * 1000) / rowCount).toFixed(2)} µs a row; ` +
      `${(m.ms / reference.ms).toFixed(1)}× the reference (processor ${(m.cpuMs / reference.cpuMs).toFixed(1)}×); ` +
      `peak RSS so far ${m.peakMb.toFixed(0)} MB`,
  )
}
console.log(
  `Against the reference at the end: ` +
    [readingOnly, figuresAlone, withDisplays, full]
      .map(
        (m) =>
          `${m.label.slice(0, 1)} ${(m.ms / referenceAgain.ms).toFixed(1)}× ` +
          `(processor ${(m.cpuMs / referenceAgain.cpuMs).toFixed(1)}×)`,
      )
      .join(', '),
)
console.log(
  `The report spends ${(((full.ms - figuresAlone.ms) / full.ms) * 100).toFixed(0)}% of its time ` +
    `(${(((full.ms - figuresAlone.ms) * 1000) / rowCount).toFixed(2)} µs a row) on what the figures alone do not ` +
    `need: words, displays, objects.`,
)
