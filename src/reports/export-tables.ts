import type { Outcome, PerformanceReport, IndicatorRow, DisplayValue, Outturn } from '../domain/performance-report.ts'
import type { Cell } from '../shared/cell-safety.ts'

/**
 * The performance report flattened into the two tables every spreadsheet export writes:
 * - `values`: long form, one row per KPI per period (last year's periods, then this year's), for pivot tables;
 * - `summary`: one row per KPI: outturn, baseline, change, outcome, significance, trend and commentary.
 * CSV and XLSX both write these tables, so the two downloads always hold the same cells.
 */
export interface ExportColumn {
  readonly header: string
  /** What the column holds, for the notes sheet and the documentation. */
  readonly description: string
  /** How a spreadsheet should show the numbers: a count, a percentage (0–100, not 0–1) or a p-value. */
  readonly format: 'text' | 'number' | 'percent' | 'p-value'
  /** Suggested column width in characters. */
  readonly width: number
}

export interface ExportTable {
  readonly name: string
  readonly columns: readonly ExportColumn[]
  readonly rows: readonly (readonly Cell[])[]
}

const text = (header: string, description: string, width = 16): ExportColumn => ({
  header,
  description,
  format: 'text',
  width,
})
const number = (header: string, description: string, format: ExportColumn['format'] = 'number'): ExportColumn => ({
  header,
  description,
  format,
  width: 12,
})

const OUTCOME_WORDS: Record<Outcome, string> = {
  achieved: 'Achieved',
  'not-achieved': 'Not achieved',
  'no-change': 'No change',
  'insufficient-data': 'Insufficient data',
  'no-preferred-direction': 'No preferred direction',
}

/** Plain words for an outcome, as the report and its exports print it. */
export function outcomeWords(outcome: Outcome): string {
  return OUTCOME_WORDS[outcome]
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no')

const VALUE_COLUMNS: readonly ExportColumn[] = [
  text('Theme', 'The theme the report groups the KPI under.', 24),
  text('KPI code', 'A short stable code for the KPI.', 20),
  text('KPI', 'The KPI as the report names it.', 48),
  text('Financial year', 'The financial year the period belongs to (April to March).', 10),
  text('Period', 'The period identifier: FY2017-18-Q1 is April–June 2017; 2018-01 is January 2018.', 14),
  text('Period label', 'The period as the report prints it.', 16),
  text(
    'Status',
    'reported, not-yet-available, not-collected, not-applicable or suppressed. Missing is never zero.',
    14,
  ),
  text('As printed', 'The figure as the report prints it.', 18),
  number('Value', 'The headline number: the count, or the percentage for a proportion. Empty when absent.'),
  number('Numerator', 'For a proportion or a share: how many had the property.'),
  number('Denominator', 'For a proportion: out of how many.'),
  number('Percent', 'The percentage (0–100), computed from the counts where they are known.', 'percent'),
  text('Reason', 'Why a figure is absent or withheld.', 30),
  text('Data owner', 'The agency that submits the figure.', 14),
]

/**
 * The long table: one row per KPI per period, last year's periods first, then this year's.
 *
 * @example valuesTable(report).rows[0] // ['Gangs and Youth Crime', 'knife-crime', 'Knife crime', '2016/17', 'FY2016-17-Q1', …]
 */
export function valuesTable(report: PerformanceReport): ExportTable {
  const rows: Cell[][] = []
  for (const section of report.themes) {
    for (const row of section.rows) {
      const sides: [string, (p: IndicatorRow['periods'][number]) => DisplayValue][] = [
        [report.previousYearLabel, (p) => p.lastYear],
        [report.yearLabel, (p) => p.thisYear],
      ]
      for (const [yearLabel, pick] of sides) {
        for (const p of row.periods) {
          const value = pick(p)
          rows.push([
            section.theme,
            row.indicator.id,
            row.indicator.name,
            yearLabel,
            value.period,
            value.periodLabel,
            value.status,
            value.display,
            value.number,
            value.numerator,
            value.denominator,
            value.percent,
            value.reason,
            row.indicator.dataOwner,
          ])
        }
      }
    }
  }
  return { name: 'Values', columns: VALUE_COLUMNS, rows }
}

function summaryColumns(report: PerformanceReport): ExportColumn[] {
  const year = report.yearLabel
  const last = report.previousYearLabel
  return [
    text('Theme', 'The theme the report groups the KPI under.', 24),
    text('Priority', 'The strategic priority the KPI serves.', 20),
    text('KPI code', 'A short stable code for the KPI.', 20),
    text('KPI', 'The KPI as the report names it.', 48),
    text('Definition', 'What is counted, and how.', 40),
    text('Data owner', 'The agency that submits the figure.', 14),
    text('Measure', 'count, proportion, count-with-share, stock, rate or text.', 14),
    text('Hidden harm', 'yes where a rise is read as growing confidence to report.', 8),
    text('Preferred direction', 'Which way the partnership wants the figure to move.', 14),
    text('Target', 'A target beside the preferred direction, if any.', 20),
    text('Baseline', 'The baseline the year is judged against, as printed.', 14),
    number('Baseline value', 'The baseline as a number: a count, or a percentage for proportions and shares.'),
    text('Baseline source', 'fixed, or previous-outturn (last year’s outturn).', 14),
    text('Baseline note', 'Where the baseline comes from, when that needs saying.', 30),
    text(`Outturn ${last}`, `The ${last} outturn as printed.`, 14),
    number(`Outturn ${last} value`, `The ${last} outturn as a number.`),
    text(`Outturn ${year}`, `The ${year} outturn as printed.`, 14),
    number(`Outturn ${year} value`, `The ${year} outturn as a number.`),
    number(`Share ${last} %`, `For a count with a share: the ${last} share of the count (0–100).`, 'percent'),
    number(`Share ${year} %`, `For a count with a share: the ${year} share of the count (0–100).`, 'percent'),
    text('Outturn method', 'How the year was formed from its periods.', 20),
    number('Periods reported', 'How many of the year’s periods have a figure.'),
    number('Periods expected', 'How many periods the KPI’s cadence gives a year.'),
    text('Complete year', 'no when a period is missing or withheld: the outcome is then insufficient data.', 8),
    number('Change on baseline', 'Outturn minus baseline, in the KPI’s unit (percentage points for a proportion).'),
    number('Change on baseline %', 'The change as a percentage of the baseline.', 'percent'),
    number('Change on last year', `The ${year} outturn minus the ${last} outturn.`),
    number('Change on last year %', `That change as a percentage of the ${last} outturn.`, 'percent'),
    text('Outcome', 'Against the preferred direction and the baseline.', 16),
    text('Target outcome', 'Against the target, where there is one.', 16),
    text('Significance test', 'poisson-exact for two counts; two-proportions for a difference of proportions.', 14),
    number('p-value', 'Two-sided p-value of the test; below 0.05 reads as a real change.', 'p-value'),
    text('Significance', 'The reading of the test in plain words.', 22),
    text('Trend', 'rising, falling, stable or insufficient-data, over the periods up to the year’s end.', 12),
    text('Trend assessment', 'improving, worsening or neutral against the preferred direction.', 12),
    text('Trend description', 'The trend in plain words.', 40),
    number('Next baseline', 'Next year’s baseline as this year’s outturn gives it.'),
    text('Commentary', 'Generated from the figures above.', 60),
    text('Data owner’s commentary', 'The data owner’s own commentary for the latest period that has one.', 60),
  ]
}

const outturnNumber = (outturn: Outturn): number | null => outturn.value

/** The per-KPI table: one row per KPI with its outturn, baseline, change, outcome, significance and trend. */
export function summaryTable(report: PerformanceReport): ExportTable {
  const rows: Cell[][] = []
  for (const section of report.themes) {
    for (const row of section.rows) {
      const indicator = row.indicator
      rows.push([
        section.theme,
        indicator.priority,
        indicator.id,
        indicator.name,
        indicator.definition,
        indicator.dataOwner,
        indicator.measureType,
        yesNo(indicator.hiddenHarm),
        row.directionLabel,
        row.targetLabel,
        row.baseline?.display ?? null,
        row.baseline?.value ?? null,
        row.baseline?.source ?? null,
        row.baseline?.note ?? null,
        row.previousOutturn.display,
        outturnNumber(row.previousOutturn),
        row.outturn.display,
        outturnNumber(row.outturn),
        row.previousOutturn.share ?? null,
        row.outturn.share ?? null,
        row.outturn.method,
        row.outturn.periodsReported,
        row.outturn.periodsExpected,
        yesNo(row.outturn.complete),
        row.changeOnBaseline?.absolute ?? null,
        row.changeOnBaseline?.percent ?? null,
        row.changeOnLastYear?.absolute ?? null,
        row.changeOnLastYear?.percent ?? null,
        row.outcomeLabel,
        row.targetOutcome === null ? null : outcomeWords(row.targetOutcome),
        row.significance?.test ?? null,
        row.significance?.pValue ?? null,
        row.significance?.reading ?? null,
        row.trend.direction,
        row.trend.assessment,
        row.trend.description,
        row.nextBaseline,
        row.generatedCommentary,
        row.ownerCommentary,
      ])
    }
  }
  return { name: 'Summary', columns: summaryColumns(report), rows }
}
