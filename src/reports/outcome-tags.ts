import { assuranceIcon, variationIcon } from '../charts/kpi-icons.ts'
import { readKpi, REAL_CHANGE_WORDS, TREND_WORDS, type RealChange, type TrendReading } from '../domain/kpi-summary.ts'
import { ASSURANCE_WORDS, assuranceOf, VARIATION_WORDS, variationOf } from '../domain/making-data-count.ts'
import type { IndicatorRow, Outcome } from '../domain/performance-report.ts'

/**
 * The report's colours for its readings, as GOV.UK tag classes: one table for the report, the dashboard, the KPI page
 * and the public page, so "Achieved" is green wherever it is shown (issue 9: the public page showed "Achieved" and
 * "Not achieved" in the same blue). Colour is a second cue only: every tag says its reading in words, and GOV.UK's
 * tag colours keep the text at 4.5:1 or more against the tag's background (WCAG 2.2 AA).
 */
export const OUTCOME_TAG: Readonly<Record<Outcome, string>> = Object.freeze({
  achieved: 'govuk-tag--green',
  'not-achieved': 'govuk-tag--red',
  'no-change': 'govuk-tag--grey',
  'insufficient-data': 'govuk-tag--yellow',
  'no-preferred-direction': 'govuk-tag--grey',
})

export const REAL_CHANGE_TAG: Readonly<Record<RealChange, string>> = Object.freeze({
  'significant-improvement': 'govuk-tag--green',
  'significant-deterioration': 'govuk-tag--red',
  'significant-change': 'govuk-tag--blue',
  'within-normal-variation': 'govuk-tag--grey',
  'not-tested': 'govuk-tag--grey',
})

export const TREND_TAG: Readonly<Record<TrendReading, string>> = Object.freeze({
  improving: 'govuk-tag--green',
  worsening: 'govuk-tag--red',
  neutral: 'govuk-tag--grey',
  'insufficient-data': 'govuk-tag--grey',
})

/** A reading as a page shows it: in words, with the report's colour as a second cue. */
export interface TaggedReading<K extends string> {
  readonly key: K
  readonly words: string
  readonly tag: string
}

/** Making Data Count's icon (inline SVG with its own accessible name) and its words. */
export interface MarkShown {
  readonly icon: string
  readonly words: string
}

/** How one KPI's year reads, for every page that shows a KPI (dashboard, KPI page): the same words and colours. */
export interface KpiMarks {
  readonly realChange: TaggedReading<RealChange>
  readonly trend: TaggedReading<TrendReading>
  /** Null without a control chart (fewer than 13 figures) or, for assurance, without a target each point can meet. */
  readonly variation: MarkShown | null
  readonly assurance: MarkShown | null
}

/** The real change and trend in words and colour, and Making Data Count's icons, from the summary's own reading. */
export function kpiMarks(row: IndicatorRow): KpiMarks {
  const reading = readKpi(row)
  const variation = variationOf(row)
  const assurance = assuranceOf(row)
  return {
    realChange: {
      key: reading.realChange,
      words: REAL_CHANGE_WORDS[reading.realChange],
      tag: REAL_CHANGE_TAG[reading.realChange],
    },
    trend: { key: reading.trend, words: TREND_WORDS[reading.trend], tag: TREND_TAG[reading.trend] },
    variation: variation === null ? null : { icon: variationIcon(variation), words: VARIATION_WORDS[variation] },
    assurance: assurance === null ? null : { icon: assuranceIcon(assurance), words: ASSURANCE_WORDS[assurance] },
  }
}
