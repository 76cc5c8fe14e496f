/**
 * A figure saferhub holds, in the shape the annual report binds and the number checker compares against: one
 * number, what it is about, its period, where it comes from, and the sentence saferhub would write about it.
 *
 * The catalogue of a year's figures (src/annual-report/figure-catalogue.ts) gathers them from every feature: the
 * performance framework's KPIs (outturn, change, target), police recorded crime headlines and ranks, the budget's
 * lines, and the registers' counts. A report's bound figure is a reference to one by `key`, live until the report is
 * approved, then frozen as the `Figure` it was.
 */
export interface Figure {
  /**
   * Stable across loads of the same data, e.g. `kpi:<indicator reference>:outturn:FY2017-18`,
   * `crime:<category>:change:FY2017-18`, `budget:income:FY2017-18`, `register:dhr-notifications:FY2017-18`.
   */
  readonly key: string
  /** What it is, in a partnership officer's words, e.g. "Knife crime offences (change on the year before)". */
  readonly label: string
  /** The number: a count, a percentage (16.5 for 16.5%), percentage points, whole pence for money, a rank. */
  readonly value: number
  readonly unit: FigureUnit
  /** Decimal places the figure is shown with (0 for counts and pence shown as whole pounds). */
  readonly decimals: number
  /** The period in words, e.g. "2017-18", "April to December 2017". */
  readonly period: string
  /** Where it comes from, e.g. "Appendix C, KPI 12 (West Midlands Police)" or "police.uk street-level crime". */
  readonly source: string
  /** The sentence saferhub writes about it, e.g. "Knife crime rose by 15.7% (from 280 to 324 offences)." */
  readonly sentence: string
  /** Words that name what the figure is about, for matching a sentence to it ("knife", "crime", "weapon"). */
  readonly subjectWords: readonly string[]
  /**
   * The other numbers the sentence states, so "from 280 to 324" and "an increase of 44" are recognised as this
   * figure's too: e.g. { from: 280, to: 324, difference: 44 }.
   */
  readonly related?: Readonly<Record<string, number>>
  /** True when disclosure control withholds it from the public (a small count): shown to the partnership only. */
  readonly suppressed?: boolean
  /** True when the figure is a demo figure the seed does not give. */
  readonly illustrative?: boolean
}

export type FigureUnit = 'count' | 'percent' | 'percentage-points' | 'pence' | 'rate' | 'rank' | 'fraction'

/** Gives a partnership's figures for one financial year (`FY2017-18`). Each feature that holds figures provides one. */
export type FigureProvider = (year: string) => Promise<readonly Figure[]>
