import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Figure } from './figures.ts'
import { checkNumbers, showFigure, type Acknowledged, type CheckResult, type Finding } from './number-check.ts'

/**
 * "What the seed printed and what the data says" (issue 11, items 4 and 8): the seed report's own narrative
 * (demo/annual-report/seed-narrative-2017-18.txt, its lines numbered as the seed's) checked against the demo
 * partnership's figures. The comparison page and the acceptance test (seed-comparison.test.ts) read it here.
 */
export const SEED_NARRATIVE_FILE = fileURLToPath(
  new URL('../../demo/annual-report/seed-narrative-2017-18.txt', import.meta.url),
)

/** The seed's partnership (Safer Wolverhampton Partnership, the demo's): its ONS code. */
export const SEED_PARTNERSHIP_CODE = 'E22000341'

/** The year the seed reports on. */
export const SEED_YEAR = 'FY2017-18'

/** The numbers the seed's authors hold as facts saferhub does not: the partnership's social media followers. */
export const SEED_ACKNOWLEDGED: readonly Acknowledged[] = ['217 Twitter followers', '134 Facebook followers']

export async function readSeedNarrative(): Promise<string> {
  return readFile(SEED_NARRATIVE_FILE, 'utf8')
}

/** One row of the comparison: what the text printed, and what the data says. */
export interface ComparisonRow {
  readonly line: number
  readonly printed: string
  readonly sentence: string
  readonly outcome: Finding['outcome']
  /** The data's figure as shown ("15.7%", "£378,430"), its period and source; null when saferhub holds none. */
  readonly data: string | null
  readonly period: string | null
  readonly source: string | null
  readonly label: string | null
  readonly key: string | null
  readonly illustrative: boolean
}

export interface SeedComparison {
  readonly result: CheckResult
  /** The contradictions first (the page's table), then the numbers that agree, then the unsourced ones. */
  readonly rows: readonly ComparisonRow[]
}

const ORDER: Readonly<Record<Finding['outcome'], number>> = {
  contradicts: 0,
  agrees: 1,
  'from-data': 2,
  acknowledged: 3,
  unsourced: 4,
}

/** A finding as a row of the comparison. */
export function comparisonRow(finding: Finding): ComparisonRow {
  const figure = finding.figure
  return {
    line: finding.line,
    printed: finding.number.phrase,
    sentence: finding.sentence,
    outcome: finding.outcome,
    data: figure ? showFigure(figure) : null,
    period: figure?.period ?? null,
    source: figure?.source ?? null,
    label: figure?.label ?? null,
    key: figure?.key ?? null,
    illustrative: figure?.illustrative === true,
  }
}

/**
 * Checks a narrative against the figures and orders the findings for reading: contradictions first, by line.
 *
 * @example (await seedComparison(figures, await readSeedNarrative(), SEED_ACKNOWLEDGED)).result.counts.contradicts
 */
export async function seedComparison(
  figures: readonly Figure[],
  narrative: string,
  acknowledged: readonly Acknowledged[] = SEED_ACKNOWLEDGED,
): Promise<SeedComparison> {
  const result = checkNumbers(narrative, figures, { acknowledged })
  const rows = [...result.findings]
    .sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome] || a.line - b.line)
    .map(comparisonRow)
  return { result, rows }
}
