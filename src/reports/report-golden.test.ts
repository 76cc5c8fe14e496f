import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildPerformanceReport } from '../domain/build-performance-report.ts'
import type {
  Baseline,
  Cadence,
  Indicator,
  IndicatorValue,
  MeasureType,
  PreferredDirection,
  ValueStatus,
} from '../domain/indicator.ts'
import { createNunjucksEnvironment } from '../shared/web/nunjucks-setup.ts'
import { performanceReportCsv } from './csv.ts'
import { performanceReportStandaloneHtml } from './html.ts'
import { performanceReportJson } from './json.ts'

/**
 * Golden outputs: every byte the report prints, for many generated frameworks, is what the report builder printed
 * before its computation was restructured for speed (decision "Reports computed in a fraction of the time" in
 * docs/architecture.md). The expected file holds SHA-256 digests of the JSON export, both CSV exports and (for one
 * year a framework) the standalone HTML page, made by the builder as it was before that change; the generator below
 * is independent of the code under test and covers every measure type, cadence, status, target and baseline kind.
 *
 * Should the report be changed on purpose, rewrite the digests with `SAFERHUB_WRITE_GOLDEN=1` and say in the
 * commit why the output changed: the digests then describe the new output, not the old.
 */

const GOLDEN_FILE = new URL('./report-golden.json', import.meta.url)
const FRAMEWORKS = 60
const FIRST_YEAR = 2012
const YEARS = 7

/** mulberry32: a small deterministic generator, so every run builds the same frameworks. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (n: number) => String(n).padStart(2, '0')
const fy = (start: number) => `FY${start}-${pad((start + 1) % 100)}`

/** Period ids of a cadence in a financial year, written out here rather than taken from the code under test. */
function periodIds(cadence: Cadence, start: number): string[] {
  switch (cadence) {
    case 'quarterly':
      return [1, 2, 3, 4].map((q) => `${fy(start)}-Q${q}`)
    case 'bi-monthly':
      return [1, 2, 3, 4, 5, 6].map((b) => `${fy(start)}-B${b}`)
    case 'monthly':
      return Array.from({ length: 12 }, (_, i) => {
        const month = ((3 + i) % 12) + 1
        return `${start + (month < 4 ? 1 : 0)}-${pad(month)}`
      })
    case 'annual':
      return [fy(start)]
  }
}

const MEASURES: readonly MeasureType[] = ['count', 'proportion', 'count-with-share', 'stock', 'rate', 'text']
const CADENCES: readonly Cadence[] = ['quarterly', 'quarterly', 'monthly', 'bi-monthly', 'annual']
const DIRECTIONS: readonly PreferredDirection[] = ['increase', 'reduce', 'reduce', 'none']
const ABSENT: readonly Exclude<ValueStatus, 'reported'>[] = [
  'not-yet-available',
  'not-collected',
  'not-applicable',
  'suppressed',
]
const REASONS = ['<5', 'fewer than 3', 'Not yet received', 'MOJ website does not have an update', null]
const COMMENTARY = [
  'Knife crime rose by 16.5% on last year.',
  'A fall of 12 offences, within normal variation.',
  'Referrals up from 40 to 55 (37.5%).',
  '  ',
]

interface Framework {
  readonly indicators: Indicator[]
  readonly values: IndicatorValue[]
  readonly baselines: Baseline[]
}

function framework(seed: number): Framework {
  const next = random(seed * 7919 + 17)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
  const indicators: Indicator[] = []
  const values: IndicatorValue[] = []
  const baselines: Baseline[] = []
  const count = 6 + Math.floor(next() * 10)
  for (let i = 0; i < count; i++) {
    const measureType = MEASURES[(seed + i) % MEASURES.length] as MeasureType
    const cadence = pick(CADENCES)
    const preferredDirection = pick(DIRECTIONS)
    const id = `kpi-${seed}-${i}`
    const targetRoll = next()
    const indicator: Indicator = {
      id,
      name: `Indicator ${i} of ${seed}`,
      theme: `Theme ${Math.floor(next() * 3)}`,
      priority: `Priority ${i % 2}`,
      definition: `Generated ${measureType}`,
      dataOwner: pick(['YOT', 'SWP Analyst', 'WMFS']),
      cadence,
      measureType,
      preferredDirection,
      hiddenHarm: next() < 0.2,
      ...(measureType === 'stock'
        ? { stockAggregation: next() < 0.5 ? ('latest' as const) : ('average' as const) }
        : {}),
      ...(measureType === 'rate' && next() < 0.5 ? { ratePer: 100_000 } : {}),
      ...(next() < 0.5 ? { unit: pick(['offences', 'referrals', 'young people']) } : {}),
      ...(targetRoll < 0.2
        ? { target: { kind: 'absolute' as const, value: Math.floor(next() * 60), comparison: 'at-most' as const } }
        : targetRoll < 0.35
          ? { target: { kind: 'absolute' as const, value: Math.floor(next() * 60), comparison: 'at-least' as const } }
          : targetRoll < 0.5
            ? { target: { kind: 'relative' as const, percent: 5, referenceYear: fy(FIRST_YEAR + 1 + (i % 3)) } }
            : {}),
    }
    indicators.push(indicator)
    // Small counts for some (where the exact tests matter), hundreds for others.
    const level = next() < 0.4 ? Math.floor(next() * 12) : 20 + Math.floor(next() * 600)
    const published = next() < 0.25
    const startYear = FIRST_YEAR + Math.floor(next() * 3)
    for (let year = startYear; year < FIRST_YEAR + YEARS; year++) {
      for (const periodId of periodIds(cadence, year)) {
        const roll = next()
        if (roll < 0.04) continue // never submitted
        const base = { indicatorId: id, period: periodId, text: null, percent: null }
        const commentary = next() < 0.1 ? pick(COMMENTARY) : null
        if (roll < 0.12) {
          values.push({
            ...base,
            status: pick(ABSENT),
            value: null,
            numerator: null,
            denominator: null,
            reason: pick(REASONS),
            commentary,
          })
          continue
        }
        const n = Math.max(0, Math.round(level * (0.6 + 0.8 * next())) + (next() < 0.03 ? level * 4 : 0))
        const part = Math.floor(n * next())
        const reported = { ...base, status: 'reported' as const, reason: null, commentary }
        switch (measureType) {
          case 'count':
          case 'stock':
            values.push({ ...reported, value: n, numerator: null, denominator: null })
            break
          case 'proportion':
            values.push(
              published
                ? {
                    ...reported,
                    value: null,
                    numerator: null,
                    denominator: null,
                    percent: Math.round(next() * 1000) / 10,
                  }
                : { ...reported, value: null, numerator: part, denominator: n },
            )
            break
          case 'count-with-share':
            values.push(
              published
                ? { ...reported, value: n, numerator: null, denominator: null, percent: Math.round(next() * 1000) / 10 }
                : { ...reported, value: n, numerator: part, denominator: null },
            )
            break
          case 'rate':
            values.push(
              published
                ? { ...reported, value: Math.round(next() * 100) / 10, numerator: null, denominator: null }
                : { ...reported, value: null, numerator: n, denominator: 250_000 + Math.floor(next() * 1000) },
            )
            break
          case 'text':
            values.push({
              ...reported,
              value: null,
              numerator: null,
              denominator: null,
              text: next() < 0.9 ? `${n} cases in the period` : '',
            })
            break
        }
      }
      const baselineRoll = next()
      if (measureType !== 'text' && baselineRoll < 0.3) {
        const value = measureType === 'proportion' ? Math.round(next() * 1000) / 10 : Math.round(level * 4 * next())
        baselines.push({
          indicatorId: id,
          year: fy(year),
          source: baselineRoll < 0.15 ? 'fixed' : 'previous-outturn',
          value,
          ...(measureType === 'proportion' && next() < 0.5 ? { numerator: 17, denominator: 172 } : {}),
          ...(next() < 0.3 ? { note: 'Agreed by the board' } : {}),
        })
      }
    }
  }
  // Values the report must ignore: another partnership's KPI, and a period of another kind.
  values.push({
    indicatorId: 'not-in-the-framework',
    period: `${fy(FIRST_YEAR + 3)}-Q1`,
    status: 'reported',
    value: 5,
    numerator: null,
    denominator: null,
    percent: null,
    text: null,
    reason: null,
    commentary: null,
  })
  return { indicators, values: shuffled(values, next), baselines }
}

/** The values in a generated order, so that nothing depends on their arriving sorted. */
function shuffled<T>(xs: T[], next: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[xs[i], xs[j]] = [xs[j] as T, xs[i] as T]
  }
  return xs
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32)

/** Every output of every generated report, by name. */
function outputs(): Record<string, string> {
  const env = createNunjucksEnvironment()
  const out: Record<string, string> = {}
  for (let seed = 1; seed <= FRAMEWORKS; seed++) {
    const { indicators, values, baselines } = framework(seed)
    // Each year with data, and the year after the last (nothing reported yet).
    for (let year = FIRST_YEAR; year <= FIRST_YEAR + YEARS; year++) {
      const report = buildPerformanceReport({
        partnership: `Partnership ${seed}`,
        year: fy(year),
        indicators,
        values,
        baselines,
      })
      const key = `${seed} ${fy(year)}`
      out[`${key} json`] = digest(performanceReportJson(report))
      out[`${key} csv`] = digest(performanceReportCsv(report))
      out[`${key} summary-csv`] = digest(performanceReportCsv(report, 'summary'))
      if (year === FIRST_YEAR + 3 + (seed % 4))
        out[`${key} html`] = digest(performanceReportStandaloneHtml(env, report))
    }
  }
  return out
}

describe('the report’s output for generated frameworks (golden digests)', () => {
  it('prints every figure, sentence and chart exactly as before', () => {
    const actual = outputs()
    if (process.env.SAFERHUB_WRITE_GOLDEN === '1') {
      writeFileSync(GOLDEN_FILE, `${JSON.stringify(actual, null, 1)}\n`)
    }
    const expected = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, string>
    assert.ok(Object.keys(expected).length >= 1000, 'the golden file covers the generated reports')
    const differing = Object.keys(expected).filter((key) => actual[key] !== expected[key])
    assert.deepEqual(differing, [], 'outputs that differ from the golden digests')
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort())
  })
})
