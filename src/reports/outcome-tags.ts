import type { RealChange, TrendReading } from '../domain/kpi-summary.ts'
import type { Outcome } from '../domain/performance-report.ts'

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
