/**
 * The generated performance frameworks `npm run bench` measures: deterministic (the same values on every run), so
 * that runs before and after a change compare the same work.
 */
import type { Indicator, IndicatorValue, MeasureType } from '../src/domain/indicator.ts'
import { periodsOfYear } from '../src/domain/period.ts'

/** A small deterministic generator (mulberry32), so every run measures the same data. */
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

const types: MeasureType[] = [
  'count',
  'count',
  'count',
  'count',
  'count',
  'count',
  'proportion',
  'proportion',
  'count-with-share',
  'stock',
]
/** `count` generated quarterly KPIs: mostly counts, some proportions, counts with a share and stocks. */
export function generatedIndicators(count: number): Indicator[] {
  return Array.from({ length: count }, (_, i) => {
    const measureType = types[i % types.length] as MeasureType
    return {
      id: `kpi-${i}`,
      name: `Indicator ${i}`,
      theme: `Theme ${i % 6}`,
      priority: `Priority ${i % 4}`,
      definition: `Generated indicator ${i}`,
      dataOwner: `Agency ${i % 7}`,
      cadence: 'quarterly',
      measureType,
      preferredDirection: i % 3 === 0 ? 'increase' : 'reduce',
      hiddenHarm: i % 3 === 0,
      unit: 'offences',
      ...(measureType === 'stock' ? { stockAggregation: 'latest' as const } : {}),
    }
  })
}

/**
 * One value as the repository reads it from the database (`toValue` in performance-repository.ts): an object
 * literal with every field, always in the same order. (Spreading a shared `base` object into each value, as this
 * benchmark once did, made each object about four times larger — 473 bytes against 113 — and the benchmark
 * measured that rather than the report.)
 */
function value(
  indicatorId: string,
  period: string,
  status: IndicatorValue['status'],
  figures: { value: number | null; numerator: number | null; denominator: number | null },
  reason: string | null,
): IndicatorValue {
  return {
    indicatorId,
    period,
    status,
    value: figures.value,
    numerator: figures.numerator,
    denominator: figures.denominator,
    percent: null,
    text: null,
    reason,
    commentary: null,
  }
}

const NO_FIGURES = { value: null, numerator: null, denominator: null }

/**
 * Partnership number `partnership`'s values: every quarter of `years` financial years from `firstYear` for each
 * indicator, about 1% not yet available and some suppressed (counts below 5), the rest reported.
 */
export function generatedValues(
  partnership: number,
  indicators: readonly Indicator[],
  firstYear: number,
  years: number,
): IndicatorValue[] {
  const quarterIds = Array.from({ length: years }, (_, y) => periodsOfYear(firstYear + y, 'quarter').map((p) => p.id))
  const next = random(partnership + 1)
  const values: IndicatorValue[] = []
  for (const indicator of indicators) {
    const level = 5 + Math.floor(next() * 400)
    for (const quarters of quarterIds) {
      for (const periodId of quarters) {
        const roll = next()
        if (roll < 0.01) {
          values.push(value(indicator.id, periodId, 'not-yet-available', NO_FIGURES, 'Not yet received'))
          continue
        }
        const count = Math.max(0, Math.round(level * (0.8 + 0.4 * next())))
        if (roll < 0.02 || (count > 0 && count < 5)) {
          values.push(value(indicator.id, periodId, 'suppressed', NO_FIGURES, '<5'))
          continue
        }
        switch (indicator.measureType) {
          case 'proportion':
            values.push(
              value(
                indicator.id,
                periodId,
                'reported',
                { value: null, numerator: Math.floor(count * next()), denominator: count },
                null,
              ),
            )
            break
          case 'count-with-share':
            values.push(
              value(
                indicator.id,
                periodId,
                'reported',
                { value: count, numerator: Math.floor(count * next()), denominator: null },
                null,
              ),
            )
            break
          default:
            values.push(
              value(indicator.id, periodId, 'reported', { value: count, numerator: null, denominator: null }, null),
            )
        }
      }
    }
  }
  return values
}

/**
 * The reference the report benchmarks divide by: the least any implementation must do, one pass summing each
 * indicator's reported figures by financial year (the period id's first nine characters, `FY2017-18`).
 */
export function referenceLoop(partnerships: readonly (readonly IndicatorValue[])[]): number {
  let checksum = 0
  for (const values of partnerships) {
    const sums = new Map<string, number>()
    for (const v of values) {
      const key = `${v.indicatorId}|${v.period.slice(0, 9)}`
      sums.set(key, (sums.get(key) ?? 0) + (v.value ?? v.numerator ?? 0))
    }
    for (const s of sums.values()) checksum += s
  }
  return checksum
}
