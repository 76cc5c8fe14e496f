import { yearsWithMoney, type BudgetRows, type YearBudget } from '../domain/budget.ts'
import { formatMoney } from '../domain/money.ts'
import type { Change, IndicatorRow, PerformanceReport } from '../domain/performance-report.ts'
import { financialYearWords, parsePeriod, yearPeriod } from '../domain/period.ts'
import type { HeadlineFigures } from '../crime/headlines/headline-figures.ts'
import type { HeadlineReport } from '../crime/headlines/headlines-service.ts'
import type { RankOf } from '../crime/headlines/ranking.ts'
import type { Figure, FigureProvider, FigureUnit } from './figures.ts'

/**
 * The catalogue of a year's figures (issue 11, item 4): every number saferhub holds that an annual report may bind or
 * the number checker (./number-check.ts) compares a typed number with. Each feature's figures come from its own
 * service, already computed: the performance report's outturns, baselines, changes and shares
 * (src/domain/build-performance-report.ts) and the budget's lines (src/domain/budget.ts). Nothing here judges or
 * recomputes: a figure is a value the report or the budget already holds, given a key, words and a source.
 *
 * Keys: `kpi:<indicator>:<measure>:<FY>` (measures: outturn, baseline, change, change-percent, target, q1…q4,
 * share, share-change, share-count, share-count-change, quarter-on-quarter-percent, q1-share…),
 * `budget:<line>:<FY>` for the year (income, carry-forward, total, allocated, spend) and
 * `budget:<stream or priority slug>:<line>:<FY>` for one funding stream or priority.
 */
export async function figureCatalogue(providers: readonly FigureProvider[], year: string): Promise<Figure[]> {
  const all = (await Promise.all(providers.map((provide) => provide(year)))).flat()
  // One figure per key: a provider that repeats a key (a stream named like a line) keeps its first.
  const seen = new Set<string>()
  return all.filter((figure) => (seen.has(figure.key) ? false : (seen.add(figure.key), true)))
}

/**
 * Words that name the same thing, so "gun crime" finds the firearm KPI and "DV" the domestic abuse one. Each list's
 * first word is the one the figures carry; the checker reads a sentence's words through `canonicalWord`.
 */
export const SYNONYMS: readonly (readonly string[])[] = [
  ['firearm', 'gun', 'guns', 'shooting', 'shootings'],
  ['knife', 'bladed', 'blade', 'knives', 'stabbing', 'stabbings'],
  ['domestic', 'dv', 'da'],
  ['fgm', 'genital', 'mutilation'],
  ['hba', 'honour'],
  ['pcc', 'commissioner', 'opcc'],
  ['sso', 'sexual'],
  ['marac', 'conference'],
  ['yot', 'youth offending'],
  ['fte', 'entrants'],
  ['carry', 'carried', 'brought'],
]

const CANONICAL = new Map<string, string>()
for (const list of SYNONYMS) for (const word of list) CANONICAL.set(word, list[0] as string)

/** Words too common to say what a sentence is about. */
const STOP_WORDS = new Set(
  (
    'a an and the of in on at to for by with from as or is are was were be been this that these those it its ' +
    'number numbers no not all ages aged age where which who what per than over under into our their there ' +
    'reported police wolverhampton reduce reducing increase increased reduction level levels ' +
    // The words every KPI's commentary uses ("this indicator has achieved its desired outcome"), and ages' units.
    'this thi has have had been however there here indicator desired outcome achieved compared period year last ' +
    'month quarter baseline set new yrs yr years old ' +
    // What is counted, shared by most KPIs: they say nothing about which one a sentence is about.
    'incident offence crime case report out west midland within'
  ).split(' '),
)

/** The words of a text as the checker compares them: lower case, singular, synonyms folded, common words dropped. */
export function contentWords(text: string): string[] {
  const words: string[] = []
  // "4th" is a rank, not the word "th".
  for (const raw of text
    .toLowerCase()
    .replace(/\d+(?:st|nd|rd|th)\b/g, ' ')
    .match(/[a-z][a-z']*/g) ?? []) {
    let word = raw.replace(/'s$/, '').replace(/'/g, '')
    if (word.length > 3 && word.endsWith('ies')) word = `${word.slice(0, -3)}y`
    else if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) word = word.slice(0, -1)
    word = CANONICAL.get(word) ?? CANONICAL.get(raw) ?? word
    if (word.length < 2 || STOP_WORDS.has(word)) continue
    words.push(word)
  }
  return words
}

const unique = (words: readonly string[]) => [...new Set(words)]

const round1 = (n: number) => Math.round(n * 10) / 10

function changeRelated(change: Change): Record<string, number> {
  const related: Record<string, number> = { difference: change.absolute }
  if (change.from !== undefined) related.from = change.from
  if (change.to !== undefined) related.to = change.to
  return related
}

/**
 * The figures of one year's performance report: per KPI its outturn, baseline, change (and in per cent), target,
 * quarters, and for a count with a share (domestic abuse's "% that are recordable offences") the share, its change in
 * percentage points and the count it is a share of. Suppressed values are kept, flagged, never shown as numbers to
 * the public (the report already withholds them: a suppressed quarter has no number, so it gives no figure).
 *
 * @example kpiFigures(report).find((f) => f.key === 'kpi:knife-crime:change-percent:FY2017-18')?.value // 15.7
 */
export function kpiFigures(report: PerformanceReport): Figure[] {
  const figures: Figure[] = []
  const year = report.year
  const period = financialYearWords(year)
  for (const theme of report.themes) {
    for (const row of theme.rows) figures.push(...rowFigures(row, year, period))
  }
  return figures
}

function rowFigures(row: IndicatorRow, year: string, period: string): Figure[] {
  const indicator = row.indicator
  const proportion = indicator.measureType === 'proportion'
  const unitWord = indicator.unit ?? 'offences'
  const source = `Appendix C, ${indicator.theme} (${indicator.dataOwner})`
  // The name, not the definition: definitions carry words about the data ("the row has no name in the report",
  // "discussed at the meeting") that would match sentences about other things.
  const subjectWords = unique(contentWords(indicator.name))
  const base = { period, source, subjectWords }
  const levelUnit: FigureUnit = proportion ? 'percent' : 'count'
  const levelDecimals = proportion ? 1 : 0
  const shown = (value: number) => (proportion ? `${value.toFixed(1)}%` : value.toLocaleString('en-GB'))
  const key = (measure: string) => `kpi:${indicator.id}:${measure}:${year}`
  const figures: Figure[] = []

  if (row.outturn.value !== null) {
    const value = proportion ? round1(row.outturn.value) : row.outturn.value
    figures.push({
      ...base,
      key: key('outturn'),
      label: `${indicator.name} (${period})`,
      value,
      unit: levelUnit,
      decimals: levelDecimals,
      sentence: `${indicator.name}: ${row.outturn.display} in ${period}.`,
      ...(row.outturn.numerator !== null && row.outturn.denominator !== null
        ? { related: { numerator: row.outturn.numerator, denominator: row.outturn.denominator } }
        : {}),
    })
  }
  if (row.baseline) {
    figures.push({
      ...base,
      key: key('baseline'),
      label: `${indicator.name} (baseline for ${period})`,
      value: row.baseline.value,
      unit: levelUnit,
      decimals: levelDecimals,
      sentence: `The baseline for ${indicator.name} in ${period} was ${row.baseline.display}.`,
    })
  }
  const change = row.changeOnBaseline ?? row.changeOnLastYear
  if (change) {
    const changeUnit: FigureUnit = proportion ? 'percentage-points' : 'count'
    figures.push({
      ...base,
      key: key('change'),
      label: `${indicator.name} (change on the baseline)`,
      value: change.absolute,
      unit: changeUnit,
      decimals: proportion ? 1 : 0,
      sentence: `${indicator.name} changed by ${change.display} in ${period}.`,
      related: changeRelated(change),
    })
    if (change.percent !== null) {
      figures.push({
        ...base,
        key: key('change-percent'),
        label: `${indicator.name} (change on the baseline, %)`,
        value: change.percent,
        unit: 'percent',
        decimals: 1,
        sentence:
          `${indicator.name} ${change.absolute >= 0 ? 'rose' : 'fell'} by ${Math.abs(change.percent).toFixed(1)}%` +
          (change.from !== undefined && change.to !== undefined
            ? ` (from ${shown(change.from)} to ${shown(change.to)}${proportion ? '' : ` ${unitWord}`}).`
            : '.'),
        related: changeRelated(change),
      })
    }
  }
  if (row.target) {
    const target = row.target
    figures.push({
      ...base,
      key: key('target'),
      label: `${indicator.name} (target)`,
      value: target.kind === 'absolute' ? target.value : target.percent,
      unit: target.kind === 'absolute' ? levelUnit : 'percent',
      decimals: target.kind === 'absolute' ? levelDecimals : 0,
      sentence: `The target for ${indicator.name}: ${row.targetLabel ?? ''}.`,
    })
  }
  if (row.quarterOnQuarter && row.quarterOnQuarter.percent !== null) {
    const q = row.quarterOnQuarter
    figures.push({
      ...base,
      key: key('quarter-on-quarter-percent'),
      label: `${indicator.name} (last quarter on the quarter before, %)`,
      value: q.percent as number,
      unit: 'percent',
      decimals: 1,
      sentence: `${indicator.name} changed by ${q.display} on the quarter before.`,
      related: changeRelated(q),
    })
  }
  // Quarters (or months): the reporting year's figures as the report prints them.
  row.periods.forEach((p, index) => {
    const shownValue = p.thisYear
    const measure = row.periods.length === 4 ? `q${index + 1}` : `p${index + 1}`
    const suppressed = shownValue.status === 'suppressed'
    if (shownValue.number === null && !suppressed) return
    const related: Record<string, number> = {}
    if (shownValue.numerator !== null) related.numerator = shownValue.numerator
    if (shownValue.denominator !== null) related.denominator = shownValue.denominator
    if (shownValue.number !== null) {
      figures.push({
        ...base,
        period: shownValue.periodLabel,
        key: key(measure),
        label: `${indicator.name} (${shownValue.periodLabel})`,
        value: shownValue.number,
        unit: levelUnit,
        decimals: levelDecimals,
        sentence: `${indicator.name}: ${shownValue.display} in ${shownValue.periodLabel}.`,
        ...(Object.keys(related).length > 0 ? { related } : {}),
      })
    }
    if (indicator.measureType === 'count-with-share' && shownValue.percent !== null) {
      figures.push({
        ...base,
        period: shownValue.periodLabel,
        key: key(`${measure}-share`),
        label: `${indicator.name} (${shownValue.periodLabel}, % ${indicator.shareLabel ?? 'share'})`,
        value: shownValue.percent,
        unit: 'percent',
        decimals: 1,
        sentence: `${shownValue.percent.toFixed(1)}% ${indicator.shareLabel ?? ''} in ${shownValue.periodLabel}.`,
      })
    }
    if (suppressed) {
      figures.push({
        ...base,
        period: shownValue.periodLabel,
        key: key(measure),
        label: `${indicator.name} (${shownValue.periodLabel}, withheld)`,
        value: Number.NaN,
        unit: levelUnit,
        decimals: levelDecimals,
        sentence: `${indicator.name} in ${shownValue.periodLabel} is withheld (a small count).`,
        suppressed: true,
      })
    }
  })
  if (indicator.measureType === 'count-with-share') figures.push(...shareFigures(row, key, base))
  return figures
}

function shareFigures(
  row: IndicatorRow,
  key: (measure: string) => string,
  base: { period: string; source: string; subjectWords: string[] },
): Figure[] {
  const label = row.indicator.shareLabel ?? 'share'
  // The share's own words ("recordable offences") are the figure's too, so "recordable offences" finds it.
  const subjectWords = unique([...base.subjectWords, ...contentWords(label)])
  const figures: Figure[] = []
  const now = row.outturn.share
  const before = row.previousOutturn.share
  if (now !== null && now !== undefined) {
    figures.push({
      ...base,
      subjectWords,
      key: key('share'),
      label: `${row.indicator.name} (% ${label})`,
      value: round1(now),
      unit: 'percent',
      decimals: 1,
      sentence: `${round1(now).toFixed(1)}% were ${label} in ${base.period}.`,
    })
    if (before !== null && before !== undefined) {
      figures.push({
        ...base,
        subjectWords,
        key: key('share-change'),
        label: `${row.indicator.name} (change in % ${label}, percentage points)`,
        value: round1(now - before),
        unit: 'percentage-points',
        decimals: 1,
        sentence: `The share of ${label} went from ${round1(before).toFixed(1)}% to ${round1(now).toFixed(1)}%.`,
        related: { from: round1(before), to: round1(now) },
      })
    }
  }
  const count = row.outturn.numerator
  const previous = row.previousOutturn.numerator
  if (count !== null) {
    figures.push({
      ...base,
      subjectWords,
      key: key('share-count'),
      label: `${row.indicator.name} (${label})`,
      value: count,
      unit: 'count',
      decimals: 0,
      sentence: `${count} ${label} in ${base.period}.`,
    })
    if (previous !== null) {
      figures.push({
        ...base,
        subjectWords,
        key: key('share-count-change'),
        label: `${row.indicator.name} (change in ${label})`,
        value: count - previous,
        unit: 'count',
        decimals: 0,
        sentence: `${label} went from ${previous} to ${count}.`,
        related: { from: previous, to: count, difference: count - previous },
      })
    }
  }
  return figures
}

const BUDGET_WORDS = ['budget', 'income', 'carry', 'forward', 'allocation', 'allocated', 'spend', 'spent', 'grant']

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/**
 * The figures of one year's money (src/domain/budget.ts, computed by the budget service): the year's income,
 * carry-forward, total budget, allocated and spent, and the same per funding stream and per priority. Money is in
 * pence (`unit: 'pence'`).
 *
 * @example budgetFigures(budget).find((f) => f.key === 'budget:pcc-grant:total:FY2018-19')?.value // 37_843_000
 */
export function budgetFigures(budget: YearBudget, rows?: Pick<BudgetRows, 'awards' | 'carryForwards'>): Figure[] {
  const year = budget.year
  const period = financialYearWords(year)
  const source = `the budget ${period} (Appendix A)`
  const figures: Figure[] = []
  const money = (
    subject: string | null,
    name: string,
    words: readonly string[],
    line: string,
    label: string,
    value: number,
    illustrative: boolean,
  ) => {
    figures.push({
      key: subject === null ? `budget:${line}:${year}` : `budget:${subject}:${line}:${year}`,
      label: `${name}: ${label} ${period}`,
      value,
      unit: 'pence',
      decimals: 0,
      period,
      source,
      sentence: `${name}: ${label} ${formatMoney(value)} in ${period}.`,
      subjectWords: unique([...BUDGET_WORDS, ...words]),
      ...(illustrative ? { illustrative: true } : {}),
    })
  }
  const lines = (
    subject: string | null,
    name: string,
    words: readonly string[],
    line: { income?: number; carryForwardIn?: number; budget?: number; allocated: number; spent: number },
    illustrative: boolean,
  ) => {
    if (line.income !== undefined) money(subject, name, words, 'income', 'income', line.income, illustrative)
    if (line.carryForwardIn !== undefined)
      money(subject, name, words, 'carry-forward', 'carry-forward', line.carryForwardIn, illustrative)
    if (line.budget !== undefined) money(subject, name, words, 'total', 'budget', line.budget, illustrative)
    money(subject, name, words, 'allocated', 'allocated', line.allocated, illustrative)
    money(subject, name, words, 'spend', 'spent', line.spent, illustrative)
  }
  lines(null, 'The year', [], budget, budget.illustrative)
  for (const stream of budget.streams) {
    const words = contentWords(`${stream.stream.name} ${stream.stream.funder}`)
    const subject = slug(stream.stream.name)
    // A stream's income and carry-forward are illustrative only when their own rows are (the demo's PCC award and
    // carry-forward are the seed's; its allocations are not), so the seed's sum is still checked against them.
    const awardIllustrative = rows
      ? rows.awards.some((a) => a.streamId === stream.stream.id && a.year === year && a.illustrative)
      : stream.illustrative
    const carryIllustrative = rows
      ? rows.carryForwards.some((c) => c.streamId === stream.stream.id && c.intoYear === year && c.illustrative)
      : stream.illustrative
    const name = stream.stream.name
    money(subject, name, words, 'income', 'income', stream.income, awardIllustrative)
    money(subject, name, words, 'carry-forward', 'carry-forward', stream.carryForwardIn, carryIllustrative)
    money(subject, name, words, 'total', 'budget', stream.budget, awardIllustrative || carryIllustrative)
    money(subject, name, words, 'allocated', 'allocated', stream.allocated, stream.illustrative)
    money(subject, name, words, 'spend', 'spent', stream.spent, stream.illustrative)
  }
  for (const priority of budget.priorities) {
    if (priority.priority === null) continue
    const words = contentWords(priority.priority.name)
    lines(`priority-${slug(priority.priority.name)}`, priority.priority.name, words, priority, priority.illustrative)
  }
  return figures
}

/** The performance report's figures for a year, as a provider (none when the year has no figures). */
export function kpiFigureProvider(reports: {
  report(year: string): Promise<PerformanceReport | null>
}): FigureProvider {
  return async (year) => {
    const report = await reports.report(year)
    return report === null ? [] : kpiFigures(report)
  }
}

/**
 * The budget's figures as a provider: the year's money and the next year's, because an annual report prints the
 * coming year's allocation as its Appendix A (the seed's 2017-18 report: "Appendix A: Budget Allocation 2018-2019").
 */
export function budgetFigureProvider(budget: {
  yearBudget(year: string): Promise<YearBudget>
  rows(): Promise<BudgetRows>
}): FigureProvider {
  return async (year) => {
    const p = parsePeriod(year)
    if (!p || p.kind !== 'year') return []
    const rows = await budget.rows()
    // Only years that hold money: a year with none would give a catalogue of zeros.
    const withMoney = yearsWithMoney(rows)
    const years = [p.id, yearPeriod(p.financialYear + 1).id].filter((y) => withMoney.includes(y))
    const budgets = await Promise.all(years.map((y) => budget.yearBudget(y)))
    return budgets.flatMap((b) => budgetFigures(b, rows))
  }
}

/**
 * Police recorded crime's headline figures for the partnership's year (src/crime/headlines: data.police.uk counts):
 * total recorded crime this year and last, the change and its %, the share of the force's crime, the ranks by rate
 * and by change within the force and in the peer group, and each crime type's counts and change. Keys
 * `crime:<slug>:<measure>:<FY>`, with the performance report's measure names (outturn, baseline, change,
 * change-percent) so the checker reads them alike.
 *
 * @example crimeFigures(report, 'FY2017-18').find((f) => f.key === 'crime:total-recorded-crime:change:FY2017-18')
 */
export function crimeFigures(report: HeadlineReport, year: string): Figure[] {
  const period = financialYearWords(year)
  const h = report.figures
  const source = h.source
  const figures: Figure[] = []
  const add = (subject: string, words: readonly string[], figure: Omit<Figure, 'period' | 'source' | 'subjectWords'>) =>
    figures.push({
      ...figure,
      key: `crime:${subject}:${figure.key}:${year}`,
      period,
      source,
      subjectWords: unique(words),
    })
  const changeFigures = (measure: string, change: NonNullable<HeadlineFigures['change']>) => {
    const subject = slug(measure)
    const words = [...contentWords(measure), 'recorded']
    const related = { from: change.before, to: change.after, difference: change.change }
    add(subject, words, {
      key: 'outturn',
      label: `${measure} (${h.yearLabel})`,
      value: change.after,
      unit: 'count',
      decimals: 0,
      sentence: `${measure}: ${change.after.toLocaleString('en-GB')} offences in ${h.yearLabel}.`,
    })
    add(subject, words, {
      key: 'baseline',
      label: `${measure} (${h.previousYearLabel})`,
      value: change.before,
      unit: 'count',
      decimals: 0,
      sentence: `${measure}: ${change.before.toLocaleString('en-GB')} offences in ${h.previousYearLabel}.`,
    })
    add(subject, words, {
      key: 'change',
      label: `${measure} (change on ${h.previousYearLabel})`,
      value: change.change,
      unit: 'count',
      decimals: 0,
      sentence: `${measure} changed by ${change.change} offences on ${h.previousYearLabel}.`,
      related,
    })
    if (change.percent !== null) {
      add(subject, words, {
        key: 'change-percent',
        label: `${measure} (change on ${h.previousYearLabel}, %)`,
        value: round1(change.percent),
        unit: 'percent',
        decimals: 1,
        sentence: `${measure} ${change.change >= 0 ? 'rose' : 'fell'} by ${Math.abs(round1(change.percent)).toFixed(1)}%.`,
        related,
      })
    }
  }
  if (h.change) changeFigures(h.measure, h.change)
  const total = slug(h.measure)
  const totalWords = [...contentWords(h.measure), 'recorded']
  if (h.share.thisYear !== null) {
    add(total, totalWords, {
      key: 'share',
      label: `${h.measure}: share of ${h.forceName}'s (${h.yearLabel})`,
      value: round1(h.share.thisYear),
      unit: 'percent',
      decimals: 1,
      sentence: `${round1(h.share.thisYear).toFixed(1)}% of ${h.forceName}'s recorded crime was in the partnership.`,
    })
  }
  const ranks: [string, string, RankOf | null][] = [
    ['rank-by-rate', `rank by rate per 1,000 residents in ${h.forceName}`, h.positionByRate],
    ['rank-by-change', `rank by change in ${h.forceName}`, h.positionByChange],
    [
      'peer-rank',
      `rank in its most similar group${h.peerGroup ? ` (${h.peerGroup.name})` : ''}`,
      h.peerGroup?.position ?? null,
    ],
  ]
  for (const [key, words, position] of ranks) {
    if (position === null) continue
    add(total, [...totalWords, 'ranked', 'rank'], {
      key,
      label: `${h.measure}: ${words}`,
      value: position.rank,
      unit: 'rank',
      decimals: 0,
      sentence: `${h.measure}: ${position.rank} of ${position.of}, ${words}.`,
      related: { of: position.of },
    })
  }
  for (const line of report.breakdown) if (line.measure !== h.measure) changeFigures(line.measure, line.change)
  return figures
}

/**
 * Police recorded crime's figures as a provider, for a partnership with an ONS code on an instance that keeps crime
 * data; none for a year with no counts (the headline figures then have no change).
 */
export function crimeFigureProvider(headlines: (startYear: number) => Promise<HeadlineReport | null>): FigureProvider {
  return async (year) => {
    const p = parsePeriod(year)
    if (!p || p.kind !== 'year') return []
    const report = await headlines(p.financialYear)
    return report === null ? [] : crimeFigures(report, p.id)
  }
}
