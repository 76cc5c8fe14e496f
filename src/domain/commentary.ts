import type { Indicator } from './indicator.ts'
import type { Change, DisplayValue, IndicatorRow, Outturn, PeriodGap } from './performance-report.ts'
import { periodNoun, periodKindOf } from './aggregation.ts'
import { changeDirection, targetLabel } from './judgement.ts'
import { period, previousPeriod, type PeriodId } from './period.ts'
import { formatPercent, formatPValue } from './rounding.ts'
import {
  formatCountWithShare,
  formatFigure,
  formatMeasure,
  formatProportion,
  PERCENT_DECIMALS,
} from './value-display.ts'

/**
 * The generated commentary: one plain-English paragraph per KPI, in the register of the annual report ("This
 * indicator has increased by 11 offences (2.9%), from 374 to 385, in line with the preferred direction. The change
 * is within normal variation. The new baseline is 385."). Built only from the row's own numbers, so that it cannot
 * contradict the table beside it — the seed report's own commentary did (knife crime "+16.5%" for +15.7%; gun crime
 * "from 37 to 64" for 33 → 63).
 */

/** The row's figures that the commentary reads (everything but the commentary itself). */
export type CommentaryInput = Omit<IndicatorRow, 'generatedCommentary' | 'ownerCommentary'>

/**
 * The words a KPI's name may count, and the unit each gives, first match winning: made once (a literal in the
 * function made twelve patterns per call, and the report asks twice a row). None has the `g` flag, so a shared
 * pattern keeps no position between calls.
 */
const UNIT_WORDS: readonly (readonly [RegExp, string])[] = [
  [/\bincidents?\b/, 'incidents'],
  [/\breferrals?\b/, 'referrals'],
  [/\bfirst time entrants?\b/, 'first time entrants'],
  [/\bvictims?\b/, 'victims'],
  [/\bgang members?\b/, 'gang members'],
  [/\boffenders?\b/, 'offenders'],
  [/\bhomicides?\b/, 'homicides'],
  [/\bchecks?\b/, 'checks'],
  [/\bvisits?\b/, 'visits'],
  [/\bcases?\b/, 'cases'],
  [/\byoung people\b/, 'young people'],
  [/\b(?:offences?|crimes?|robbery|violence|burglar(?:y|ies))\b/, 'offences'],
]

/**
 * What an indicator counts, plural, from its `unit` or else from its name ("Hate Crime - number of recorded
 * crimes" → "offences"; "Number of referrals to SARC" → "referrals"). Null when nothing fits: the commentary then
 * gives the bare number, which is better than a wrong word.
 */
export function unitOf(indicator: Indicator): string | null {
  if (indicator.unit !== undefined && indicator.unit.trim() !== '') return indicator.unit.trim()
  // What a share is of is said in brackets ("(% that are recordable offences)"): not what is counted.
  const name = indicator.name.replace(/\([^)]*\)/g, ' ').toLowerCase()
  for (const [pattern, unit] of UNIT_WORDS) if (pattern.test(name)) return unit
  return null
}

const IRREGULAR: Readonly<Record<string, string>> = { people: 'person', children: 'child', men: 'man', women: 'woman' }

/** "1 offence", "2 offences"; the unit given in the plural. */
export function countOf(n: number, unit: string | null): string {
  const figure = formatFigure(n)
  if (unit === null) return figure
  if (Math.abs(n) !== 1) return `${figure} ${unit}`
  const words = unit.split(' ')
  const last = words.pop() ?? ''
  const singular =
    IRREGULAR[last] ?? (last.endsWith('ies') ? `${last.slice(0, -3)}y` : last.endsWith('s') ? last.slice(0, -1) : last)
  return `${figure} ${[...words, singular].join(' ')}`
}

/** The year's figure as a sentence prints it, without the "(3 of 4 quarters)" the table adds. */
function outturnFigure(indicator: Indicator, outturn: Outturn): string {
  if (outturn.value === null) return 'no figure'
  switch (indicator.measureType) {
    case 'proportion':
      return outturn.numerator !== null && outturn.denominator !== null
        ? formatProportion(outturn.numerator, outturn.denominator)
        : formatMeasure(indicator, outturn.value)
    case 'count-with-share':
      return formatCountWithShare(outturn.value, outturn.share ?? null)
    case 'stock':
      return outturn.display
    default:
      return formatMeasure(indicator, outturn.value)
  }
}

/** How far a change went, in words: "30 offences (15.7%)", "0.4 percentage points (4.5% in relative terms)". */
function sizeOf(indicator: Indicator, change: Change, unit: string | null): string {
  const size = Math.abs(change.absolute)
  const relative = change.percent === null ? '' : formatPercent(Math.abs(change.percent), 1)
  switch (indicator.measureType) {
    case 'proportion':
      return `${formatFigure(size)} percentage ${size === 1 ? 'point' : 'points'}${relative ? ` (${relative} in relative terms)` : ''}`
    case 'rate':
      return `${formatMeasure(indicator, size)}${relative ? ` (${relative})` : ''}`
    default:
      return `${countOf(size, unit)}${relative ? ` (${relative})` : ''}`
  }
}

function movedWord(change: Change): string {
  return changeDirection(change) === 'increase' ? 'increased' : 'decreased'
}

/**
 * "2017/18 Q4 is not available (MOJ website does not have an update for Q4)"; periods missing for the same status
 * and reason are said together: "2017/18 Q1, 2017/18 Q2 and 2017/18 Q3 are not available (no figure…)".
 */
function gapPhrases(gaps: readonly PeriodGap[]): string[] {
  const only = gaps.length === 1 ? gaps[0] : undefined
  if (only !== undefined) {
    // One gap (the commonest incomplete year): what the grouping below says of a group of one period.
    const reason = only.reason?.trim() ?? ''
    return [`${period(only.period).label} ${GAP_STATES[only.status][0]}${reason === '' ? '' : ` (${reason})`}`]
  }
  const state = GAP_STATES
  const groups = new Map<string, { status: PeriodGap['status']; reason: string; periods: PeriodId[] }>()
  for (const gap of gaps) {
    const reason = gap.reason?.trim() ?? ''
    const key = `${gap.status}\u0000${reason}`
    const group = groups.get(key) ?? { status: gap.status, reason, periods: [] }
    group.periods.push(gap.period)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ status, reason, periods }) => {
    const verb = state[status][periods.length === 1 ? 0 : 1]
    return `${listPhrases(periodRuns(periods))} ${verb}${reason === '' ? '' : ` (${reason})`}`
  })
}

/** How a gap's period is described, for one period and for several. */
const GAP_STATES: Readonly<Record<PeriodGap['status'], readonly [string, string]>> = Object.freeze({
  'not-yet-available': ['is not available', 'are not available'],
  'not-collected': ['was not collected', 'were not collected'],
  'not-applicable': ['is not applicable', 'are not applicable'],
  suppressed: ['was suppressed as a small number', 'were suppressed as small numbers'],
  reported: ['has no figure', 'have no figure'],
})

/** Periods in order, with runs of three or more in a row said as one: "April 2017 to December 2017". */
function periodRuns(ids: readonly PeriodId[]): string[] {
  const runs: { first: PeriodId; last: PeriodId; length: number }[] = []
  for (const id of ids) {
    const run = runs.at(-1)
    if (run !== undefined && previousPeriod(period(id)).id === run.last) {
      run.last = id
      run.length++
    } else runs.push({ first: id, last: id, length: 1 })
  }
  return runs.flatMap(({ first, last, length }) => {
    if (length >= 3) return [`${period(first).label} to ${period(last).label}`]
    return length === 2 ? [period(first).label, period(last).label] : [period(first).label]
  })
}

function listPhrases(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`
}

function sentence(text: string): string {
  const trimmed = text.trim()
  // By character code, as every sentence of every row passes here: a to z made capital by arithmetic, any other
  // ASCII character left as it is, and anything beyond ASCII through `toUpperCase` as before.
  const initial = trimmed.charCodeAt(0)
  let first = trimmed
  if (initial >= 97 && initial <= 122) first = String.fromCharCode(initial - 32) + trimmed.slice(1)
  else if (initial > 127) {
    const capital = trimmed.charAt(0).toUpperCase()
    if (capital !== trimmed.charAt(0)) first = capital + trimmed.slice(1)
  }
  const last = first.charCodeAt(first.length - 1)
  return last === 46 || last === 33 || last === 63 ? first : `${first}.` // . ! ?
}

/** "up 16 (31.4%) on 2016/17 Q4", "unchanged on 2017/18 Q3". */
function periodComparison(indicator: Indicator, change: Change, unit: string | null): string {
  const against = change.fromPeriod === undefined ? '' : ` on ${period(change.fromPeriod).label}`
  if (changeDirection(change) === 'none') return `unchanged${against}`
  const way = changeDirection(change) === 'increase' ? 'up' : 'down'
  return `${way} ${sizeOf(indicator, change, indicator.measureType === 'proportion' ? null : unit)}${against}`
}

function latestShown(row: CommentaryInput, id: PeriodId): DisplayValue | null {
  for (const p of row.periods) if (p.thisYear.period === id) return p.thisYear
  return null
}

/**
 * The paragraph for one KPI. Sentences, in order: the judgement against the baseline (or why there is none), the
 * change on last year when the baseline is something else, whether the change is more than normal variation, the
 * target, the new baseline, the hidden-harm reading of a rise, the latest period against the same period last year
 * and the one before, and the trend.
 *
 * @example generateCommentary(hateCrimeRow)
 * // 'This indicator has increased by 11 offences (2.9%), from 374 to 385, in line with the preferred direction.
 * //  The change is within normal variation. The new baseline is 385. …'
 */
export function generateCommentary(row: CommentaryInput): string {
  const { indicator, outturn, previousOutturn, baseline, changeOnBaseline: change } = row
  const unit = unitOf(indicator)
  const out: string[] = []
  const yearLabel = period(outturn.year).label
  const previousLabel = period(previousOutturn.year).label
  const kind = periodKindOf(indicator.cadence)

  if (indicator.measureType === 'text') {
    out.push(
      outturn.value === null && outturn.periodsReported === 0
        ? `There is no return for ${yearLabel}`
        : `The latest return reads: "${outturn.display.replace(/[.\s]+$/, '')}"`,
    )
    out.push(...gapPhrases(outturn.gaps ?? []))
    return out.map(sentence).join(' ')
  }

  if (!outturn.complete) {
    const gaps = gapPhrases(outturn.gaps ?? [])
    out.push(
      `There is insufficient data to judge this indicator for ${yearLabel}` +
        (gaps.length ? `: ${listPhrases(gaps)}` : ''),
    )
    if (outturn.value !== null) {
      const reported = `${outturn.periodsReported} ${periodNoun(kind, outturn.periodsReported)}`
      out.push(
        indicator.measureType === 'stock' && indicator.stockAggregation !== 'average'
          ? `The latest reported figure is ${outturnFigure(indicator, outturn)}`
          : `The ${reported} reported ${outturn.periodsReported === 1 ? 'gives' : 'give'} ${outturnFigure(indicator, outturn)}`,
      )
    }
    if (baseline !== null) out.push(`The baseline is ${baseline.display}`)
  } else if (baseline === null || change === null) {
    out.push(`This year's outturn is ${outturnFigure(indicator, outturn)}`)
    const why =
      !previousOutturn.complete && (previousOutturn.gaps ?? []).length > 0
        ? `: ${previousLabel} is incomplete, as ${listPhrases(gapPhrases(previousOutturn.gaps ?? []))}`
        : ''
    out.push(`There is no baseline to judge it against${why}`)
  } else {
    const from = formatMeasure(indicator, change.from ?? baseline.value)
    const to = formatMeasure(indicator, change.to ?? outturn.value ?? 0)
    if (changeDirection(change) === 'none') {
      out.push(`This indicator is unchanged at ${to}, the same as the baseline`)
    } else {
      const way =
        row.preferredDirection === 'none'
          ? '; it has no preferred direction'
          : changeDirection(change) === (row.preferredDirection === 'increase' ? 'increase' : 'decrease')
            ? ', in line with the preferred direction'
            : ', against the preferred direction'
      out.push(
        `This indicator has ${movedWord(change)} by ${sizeOf(indicator, change, unit)}, from ${from} to ${to}${way}`,
      )
    }
    const lastYear = row.changeOnLastYear
    const baselineIsLastYear =
      previousOutturn.value !== null &&
      formatMeasure(indicator, previousOutturn.value) === formatMeasure(indicator, baseline.value)
    if (lastYear !== null && !baselineIsLastYear) {
      const prev = formatMeasure(indicator, lastYear.from ?? previousOutturn.value ?? 0)
      out.push(
        changeDirection(lastYear) === 'none'
          ? `It is the same as last year's ${prev}`
          : `Compared with last year's ${prev}, it has ${movedWord(lastYear)} by ${sizeOf(indicator, lastYear, unit)}`,
      )
      if (baseline.source === 'previous-outturn') {
        out.push(
          `The stored baseline of ${baseline.display} differs from the ${previousLabel} outturn of ${outturnFigure(indicator, previousOutturn)}; the judgement uses the stored baseline`,
        )
      }
    }
    const stockCheck = stockBaselineCheck(row)
    if (stockCheck !== null) out.push(stockCheck)
  }

  // Nothing to read when the year equals last year: "unchanged" has already said it.
  const unchanged = row.changeOnLastYear !== null && changeDirection(row.changeOnLastYear) === 'none'
  if (row.significance !== null && !unchanged) {
    const s = row.significance
    const subject = row.changeOnLastYear !== null && !sameAsBaseline(row) ? 'The change on last year' : 'The change'
    out.push(
      s.significant
        ? `${subject} is ${s.reading}, larger than normal variation would explain (${formatPValue(s.pValue)})`
        : `${subject} is ${s.reading}`,
    )
  }

  if (indicator.measureType === 'count-with-share' && outturn.complete && previousOutturn.complete) {
    const [before, after] = [previousOutturn.share ?? null, outturn.share ?? null]
    if (before !== null && after !== null) {
      const what = shareSubject(indicator.shareLabel)
      const [b, a] = [formatPercent(before, PERCENT_DECIMALS), formatPercent(after, PERCENT_DECIMALS)]
      out.push(
        a === b
          ? `${what} stayed at ${a}`
          : `${what} ${after > before ? 'rose' : 'fell'} from ${b} in ${previousLabel} to ${a}`,
      )
    }
  }

  if (row.target !== null && row.targetOutcome !== null) {
    const label = targetLabel(indicator, row.target)
    const lower = label.charAt(0).toLowerCase() + label.slice(1)
    const t = row.target
    switch (row.targetOutcome) {
      case 'achieved':
        out.push(`The target (${lower}) has been met`)
        break
      case 'not-achieved':
        out.push(`The target (${lower}) has not been met`)
        break
      default: {
        const reason =
          t.kind === 'relative'
            ? `it needs a complete outturn for ${period(t.referenceYear).label}`
            : `the year is incomplete`
        out.push(`The target (${lower}) cannot be judged: ${outturn.complete ? reason : 'the year is incomplete'}`)
      }
    }
  }

  if (row.nextBaseline !== null) out.push(`The new baseline is ${formatMeasure(indicator, row.nextBaseline)}`)

  if (indicator.hiddenHarm && change !== null && changeDirection(change) === 'increase') {
    out.push('As a hidden harm, a rise is read as growing confidence to report')
  }

  const latestId = row.quarterOnQuarter?.toPeriod ?? row.sameQuarterLastYear?.toPeriod
  const latest = latestId === undefined ? null : latestShown(row, latestId)
  if (latestId !== undefined && latest !== null) {
    const parts = [row.sameQuarterLastYear, row.quarterOnQuarter]
      .filter((c): c is Change => c !== null)
      .map((c) => periodComparison(indicator, c, unit))
    out.push(`In ${period(latestId).label} the figure was ${latest.display}: ${listPhrases(parts)}`)
  }

  if (row.trend.direction !== 'insufficient-data') out.push(row.trend.description)

  return out.map(sentence).join(' ')
}

/** Whether the baseline judged against is last year's outturn (at the precision printed). */
function sameAsBaseline(row: CommentaryInput): boolean {
  if (row.baseline === null || row.previousOutturn.value === null) return false
  return formatMeasure(row.indicator, row.previousOutturn.value) === formatMeasure(row.indicator, row.baseline.value)
}

/**
 * "The share that are recordable offences" for a plain noun phrase; a label that is a description ("% of VAWG cases
 * finalised…", "repeat rate (…)") is set off by commas instead, so the sentence stays grammatical.
 */
function shareSubject(label: string | undefined): string {
  const text = label?.trim() ?? ''
  if (text === '') return 'The share'
  return /^[a-z][a-z -]*$/.test(text) ? `The share that are ${text}` : `The share, ${text},`
}

/**
 * A point-in-time count's baseline should be one of last year's figures (the latest) or within them (an
 * average). One outside every figure is most likely a sum — the seed report's GODOC baseline 97 = 31 + 31 + 35 —
 * and is pointed out, though the stored baseline is still the one judged against (a past judgement is not
 * silently redone).
 */
function stockBaselineCheck(row: CommentaryInput): string | null {
  if (row.indicator.measureType !== 'stock' || row.baseline === null) return null
  const figures = row.periods.map((p) => p.lastYear.number).filter((n): n is number => n !== null)
  if (figures.length === 0) return null
  const [low, high] = [Math.min(...figures), Math.max(...figures)]
  if (row.baseline.value >= low && row.baseline.value <= high) return null
  const previousLabel = period(row.previousOutturn.year).label
  const range = low === high ? formatFigure(low) : `${formatFigure(low)} to ${formatFigure(high)}`
  return (
    `The baseline of ${row.baseline.display} lies outside every ${previousLabel} figure (${range}): ` +
    'for a point-in-time count it should be the latest figure or an average, never a sum'
  )
}
