import { formatCount, formatPercent, formatPValue, roundHalfAwayFromZero } from '../../domain/rounding.ts'
import type { CountChange, HeadlineFigures } from './headline-figures.ts'
import { ordinal, type RankOf } from './ranking.ts'

/**
 * The "Snapshot of performance" sentences of an annual report, generated from the headline figures so that the
 * words can never disagree with the numbers. The register follows the seed report ("13.6% increase in Total
 * Recorded Crime (2541 offences)"; "ranked the 2nd best performing … in the West Midlands"; "accounted for 9.2% of
 * the total recorded crime in the West Midlands (9.1% in 2016-2017)"; "ranked 4th of 15 areas within its most
 * similar grouping"), with two differences on purpose: every rank says what it ranks by and which way is best,
 * and every change says whether it is a real change or normal variation.
 */

/** "p < 0.001", "p = 0.004", "p = 0.420": the one rule every output uses (src/domain/rounding.ts). */
export { formatPValue }

/** A rate per 1,000 to one decimal place: "107.9". */
export function formatRate(perThousand: number): string {
  return roundHalfAwayFromZero(perThousand, 1).toFixed(1)
}

function joint(position: RankOf): string {
  return position.tiedWith.length > 0 ? ` (joint with ${position.tiedWith.join(', ')})` : ''
}

/**
 * "13.6% increase in Total Recorded Crime (2,541 offences)", or "… decrease …", or "No change in …".
 *
 * @example changeHeadline('Total Recorded Crime', countChange(18669, 21210)) // '13.6% increase in Total Recorded Crime (2,541 offences)'
 */
export function changeHeadline(measure: string, change: CountChange): string {
  if (change.change === 0) return `No change in ${measure} (${formatCount(change.after)} offences in both years)`
  const direction = change.change > 0 ? 'increase' : 'decrease'
  const offences = `${formatCount(Math.abs(change.change))} offence${Math.abs(change.change) === 1 ? '' : 's'}`
  if (change.percent === null) return `An ${direction} of ${offences} in ${measure} (none the year before)`
  return `${formatPercent(Math.abs(change.percent))} ${direction} in ${measure} (${offences})`
}

/** "Robbery increased by 35 offences (9.0%)", in the register of the report's per-offence lines. */
export function changeSentence(measure: string, change: CountChange): string {
  if (change.change === 0) return `${measure} did not change (${formatCount(change.after)} offences).`
  const verb = change.change > 0 ? 'increased' : 'decreased'
  const n = Math.abs(change.change)
  const percent = change.percent === null ? '' : ` (${formatPercent(Math.abs(change.percent))})`
  return `${measure} ${verb} by ${formatCount(n)} offence${n === 1 ? '' : 's'}${percent}.`
}

/** "The change is within normal variation (exact Poisson test, p = 0.42)." */
export function significanceSentence(change: CountChange): string | null {
  if (change.pValue === null || change.reading === null) return null
  return `The change is ${change.reading}${change.significant ? ' rather than normal variation' : ''} (exact Poisson test, ${formatPValue(change.pValue)}).`
}

/** The snapshot sentences for one partnership and year, most important first. */
export function snapshotSentences(h: HeadlineFigures): string[] {
  const name = h.partnership.name
  const sentences: string[] = []
  if (h.change) {
    let first = `${changeHeadline(h.measure, h.change)}.`
    if (h.positionByChange) {
      const p = h.positionByChange
      first += ` Ranked ${ordinal(p.rank)} of ${p.of} partnerships in the ${h.forceName} police force area for the change${joint(p)} (the lowest increase or largest fall ranks 1st).`
    }
    sentences.push(first)
    const significance = significanceSentence(h.change)
    if (significance) sentences.push(significance)
  }
  if (h.positionByRate && h.rate) {
    const p = h.positionByRate
    const place = p.rank === 1 ? 'the best performing' : `the ${ordinal(p.rank)} best performing`
    sentences.push(
      `${name} was ranked ${place} of the ${p.of} partnerships in the ${h.forceName} police force area${joint(p)}, with ${formatRate(
        h.rate.perThousand,
      )} recorded crimes per 1,000 residents (the lowest rate ranks 1st).`,
    )
  }
  if (h.share.thisYear !== null) {
    const last = h.share.lastYear === null ? '' : ` (${formatPercent(h.share.lastYear)} in ${h.previousYearLabel})`
    sentences.push(
      `${name} accounted for ${formatPercent(h.share.thisYear)} of the total recorded crime in the ${h.forceName} police force area${last}.`,
    )
  }
  if (h.peerGroup?.position) {
    const p = h.peerGroup.position
    sentences.push(
      `${name} ranked ${ordinal(p.rank)} of ${p.of} areas within its most similar grouping${joint(p)}, by recorded crime per 1,000 residents (the lowest rate ranks 1st; group "${h.peerGroup.name}", ${h.peerGroup.source}, ${h.peerGroup.asOf}).`,
    )
  }
  return sentences
}
