import type { Change, IndicatorRow } from '../domain/performance-report.ts'

/** A figure in a data owner's commentary that the KPI's own numbers do not support. */
export interface CommentaryFlag {
  /** The figure as the commentary writes it, e.g. "16.5%". */
  readonly quoted: string
  /** What to tell the reader, e.g. "The commentary says 16.5%, but the figures give +30 (+15.7%) on the baseline." */
  readonly message: string
}

// Words that make a percentage a statement about a change ("an increase of 16.5%", "a 44% reduction").
const CHANGE_WORDS =
  /\b(increase[sd]?|decrease[sd]?|reduc(?:tion|ed|e)|rise|rose|risen|fall|fell|fallen|higher|lower|up|down|more|fewer|less|change)\b/i
const PERCENTAGE = /[-−+]?(\d{1,3}(?:\.\d{1,2})?)\s?%/g

function percentsOf(change: Change | null, proportion: boolean): number[] {
  if (change === null) return []
  const found = change.percent === null ? [] : [Math.abs(change.percent)]
  // For a proportion the absolute change is in percentage points, which a commentary also writes with "%".
  if (proportion) found.push(Math.abs(change.absolute))
  return found
}

/** Every percentage the row itself holds: changes, outturns, shares, baseline and period figures. */
function knownPercentages(row: IndicatorRow): number[] {
  const proportion = row.indicator.measureType === 'proportion'
  const known = [
    ...percentsOf(row.changeOnBaseline, proportion),
    ...percentsOf(row.changeOnLastYear, proportion),
    ...percentsOf(row.sameQuarterLastYear, proportion),
    ...percentsOf(row.quarterOnQuarter, proportion),
  ]
  for (const outturn of [row.outturn, row.previousOutturn]) {
    if (proportion && outturn.value !== null) known.push(outturn.value)
    if (outturn.share !== undefined && outturn.share !== null) known.push(outturn.share)
  }
  if (proportion && row.baseline) known.push(row.baseline.value)
  for (const p of row.periods) {
    for (const shown of [p.lastYear, p.thisYear]) if (shown.percent !== null) known.push(shown.percent)
  }
  return known
}

/**
 * Checks the percentages a data owner's commentary gives for a change against the KPI's own figures, the "check of
 * free text against the data" that finds the seed report's errors (knife crime: "+30 … an increase of 16.5%",
 * when 30 on 191 is 15.7%). Only percentages next to a word of change are checked; a figure matches when it is one
 * of the row's percentages, allowing for the commentary rounding or truncating to fewer decimals. The commentary
 * itself is never changed: it is the owner's word, shown as they wrote it, with the flag beside it.
 *
 * @example checkOwnerCommentary(knifeCrimeRow)[0]?.quoted // '16.5%'
 */
export function checkOwnerCommentary(row: IndicatorRow): CommentaryFlag[] {
  const text = row.ownerCommentary
  if (!text) return []
  const known = knownPercentages(row)
  const reference = row.changeOnBaseline ?? row.changeOnLastYear
  const flags: CommentaryFlag[] = []
  for (const match of text.matchAll(PERCENTAGE)) {
    const index = match.index
    const around = text.slice(Math.max(0, index - 40), index + match[0].length + 25)
    if (!CHANGE_WORDS.test(around)) continue
    const digits = match[1] as string
    const value = Number(digits)
    const decimals = digits.includes('.') ? (digits.split('.')[1] as string).length : 0
    // Our changes are held to one decimal place; the commentary may round or truncate to `decimals`.
    const tolerance = 10 ** -decimals + 0.05
    if (known.some((k) => Math.abs(Math.abs(k) - value) < tolerance)) continue
    const quoted = match[0].trim()
    flags.push({
      quoted,
      message: reference
        ? `The commentary says ${quoted}, but the figures give ${reference.display} on ${row.changeOnBaseline ? 'the baseline' : 'last year'}.`
        : `The commentary says ${quoted}, which does not match any of this KPI’s figures.`,
    })
  }
  return flags
}
