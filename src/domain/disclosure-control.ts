/**
 * Statistical disclosure control for published figures: small counts are withheld, and so is anything
 * that would give a withheld count back (secondary suppression).
 *
 * A published table is a set of named cells with two kinds of relation between them:
 * - totals: a total equals the sum of its parts (a year and its quarters). If exactly one cell of such a
 *   relation is withheld, subtraction recovers it, so a second cell must be withheld too (a "complement").
 * - ratios: a percentage is a numerator over a denominator ("<5 (4%)" beside a published denominator gives
 *   the count back). A ratio is withheld when its numerator or its denominator is, and the numerator is withheld
 *   when it is small.
 *
 * The complement chosen is the smallest remaining part (it loses the least information), preferring cells that
 * are already not published (missing) — which need no further suppression. Suppression repeats until no relation
 * has exactly one withheld cell: a total relation with one unknown is solvable, with two or more it is not.
 *
 * References: ONS "Policy on protecting confidentiality in tables of birth and death statistics";
 * NHS Digital HES analysis guide (suppress 1–7, round to 5); ICO anonymisation code.
 */

import { NUMBER_WORDS } from './number-words.ts'
import { formatCount, formatPercent, PERCENT_DECIMALS, roundHalfAwayFromZero } from './rounding.ts'

export interface DisclosureRules {
  /** Counts from 1 up to (minimumCount - 1) are withheld: 5 means 1–4 are. Zero is publishable unless `suppressZero`. */
  readonly minimumCount: number
  readonly suppressZero?: boolean
  /** Round every published count to the nearest multiple (e.g. 5), as some publishers do. Percentages are then
   * computed from the unrounded counts only when both are published. */
  readonly roundTo?: number
}

export type SuppressionReason = 'small-count' | 'complement' | 'derived'

export interface PublishedCell {
  /** The figure to publish, or null when withheld or missing. */
  readonly value: number | null
  /** What to print: the figure, "<5" for a small count, "[c]" for a complement or derived cell, "" when missing. */
  readonly display: string
  readonly suppressed: SuppressionReason | null
}

export interface ProtectedTableInput {
  /** Counts by cell key; null for a figure that is missing (never treated as 0). */
  readonly counts: Readonly<Record<string, number | null>>
  /** Each total cell and the part cells that add up to it. */
  readonly totals?: readonly { readonly total: string; readonly parts: readonly string[] }[]
  /** Percentages to publish: key → numerator cell over denominator cell. */
  readonly ratios?: Readonly<Record<string, { readonly numerator: string; readonly denominator: string }>>
}

export interface ProtectedTable {
  readonly counts: Readonly<Record<string, PublishedCell>>
  readonly ratios: Readonly<Record<string, PublishedCell>>
}

/** Whether a count is too small to publish under the rules. */
export function isSmallCount(count: number, rules: DisclosureRules): boolean {
  if (count === 0) return rules.suppressZero === true
  return count > 0 && count < rules.minimumCount
}

/**
 * Applies primary and secondary suppression to one table.
 *
 * @example
 * protectTable({ counts: { q1: 3, q2: 10, q3: 12, q4: 9, year: 34 }, totals: [{ total: 'year', parts: ['q1','q2','q3','q4'] }] },
 *              { minimumCount: 5 })
 * // q1 "<5" (small count), q4 "[c]" (complement: the smallest other part), the rest published
 */
export function protectTable(input: ProtectedTableInput, rules: DisclosureRules): ProtectedTable {
  if (!Number.isInteger(rules.minimumCount) || rules.minimumCount < 1)
    throw new Error('minimumCount must be a whole number of at least 1')
  const withheld = new Map<string, SuppressionReason>()
  const known = (key: string) => input.counts[key] !== null && input.counts[key] !== undefined

  for (const [key, count] of Object.entries(input.counts)) {
    if (count !== null && isSmallCount(count, rules)) withheld.set(key, 'small-count')
  }

  // A ratio whose numerator is published but whose value with a published denominator would be the only
  // route to a withheld figure is handled by withholding the ratio below; ratios never force counts.
  // Secondary suppression over the totals, until stable. Each pass withholds at least one more cell or stops,
  // so it ends after at most as many passes as there are cells.
  for (let changed = true; changed;) {
    changed = false
    for (const relation of input.totals ?? []) {
      const cells = [relation.total, ...relation.parts]
      // Missing cells are unknown to the reader too, so they count as hidden.
      const hidden = cells.filter((k) => withheld.has(k) || !known(k))
      if (hidden.length !== 1) continue
      if (!withheld.has(hidden[0] as string)) continue // the one unknown is simply missing: nothing to recover
      const candidates = relation.parts
        .filter((k) => !withheld.has(k) && known(k))
        .sort((a, b) => (input.counts[a] as number) - (input.counts[b] as number))
      const complement = candidates[0] ?? (withheld.has(relation.total) ? undefined : relation.total)
      if (complement === undefined) continue
      withheld.set(complement, 'complement')
      changed = true
    }
  }

  const counts: Record<string, PublishedCell> = {}
  for (const [key, count] of Object.entries(input.counts)) {
    const reason = withheld.get(key) ?? null
    if (count === null) counts[key] = { value: null, display: '', suppressed: null }
    else if (reason === 'small-count')
      counts[key] = { value: null, display: `<${rules.minimumCount}`, suppressed: reason }
    else if (reason) counts[key] = { value: null, display: '[c]', suppressed: reason }
    else {
      const value = rules.roundTo ? roundToMultiple(count, rules.roundTo) : count
      // Printed as every count is printed (thousands grouped: "1,495"); `value` stays the bare number for exports.
      counts[key] = { value, display: formatCount(value), suppressed: null }
    }
  }

  const ratios: Record<string, PublishedCell> = {}
  for (const [key, { numerator, denominator }] of Object.entries(input.ratios ?? {})) {
    const n = input.counts[numerator]
    const d = input.counts[denominator]
    if (n === null || n === undefined || d === null || d === undefined || d === 0) {
      ratios[key] = { value: null, display: '', suppressed: null }
    } else if (withheld.has(numerator) || withheld.has(denominator)) {
      ratios[key] = { value: null, display: '[c]', suppressed: 'derived' }
    } else {
      // One decimal place, half away from zero, printed as every percentage is ("9.0%", never "9%" beside it).
      const percent = roundHalfAwayFromZero((n * 100) / d, PERCENT_DECIMALS)
      ratios[key] = { value: percent, display: formatPercent(percent, PERCENT_DECIMALS), suppressed: null }
    }
  }
  return { counts, ratios }
}

function roundToMultiple(value: number, base: number): number {
  return Math.round(value / base) * base
}

/**
 * Words that make a small number beside them identifying (sex, age, ethnicity, religion, disability, sexuality).
 * Commentary that puts a small number near one of them is flagged for a person to review before publication;
 * it is never rewritten automatically.
 */
const SENSITIVE_WORDS =
  /\b(female|male|women|woman|men|man|girls?|boys?|aged?|years? old|yrs|transgender|homophobic|gay|lesbian|bisexual|race|racial|ethnic\w*|black|asian|white|muslim|jewish|sikh|hindu|christian|religio\w*|faith|disab\w*)\b/i

export interface CommentaryFlag {
  readonly number: number
  /** The number as written ("One", "2"), and the sensitive word of its sentence: what a reviewer is shown. */
  readonly token: string
  readonly word: string
  readonly excerpt: string
}

/** A number of up to three digits, or one to nineteen in words. */
const SMALL_NUMBER = new RegExp(`\\b(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'gi')

/**
 * Finds small numbers (1 to minimumCount - 1, as digits or words) within a few words of a sensitive word.
 *
 * @example flagSmallNumbersInCommentary('One female received a custodial sentence.', { minimumCount: 5 })
 * // [{ number: 1, token: 'One', word: 'female', excerpt: 'One female received a custodial sentence.' }]
 */
export function flagSmallNumbersInCommentary(text: string, rules: DisclosureRules): CommentaryFlag[] {
  const flags: CommentaryFlag[] = []
  for (const sentence of text.split(/(?<=[.!?])\s+/)) {
    if (!SENSITIVE_WORDS.test(sentence)) continue
    for (const match of sentence.matchAll(SMALL_NUMBER)) {
      const token = (match[1] as string).toLowerCase()
      const number = NUMBER_WORDS[token] ?? Number(token)
      if (isSmallCount(number, rules)) {
        flags.push({
          number,
          token: match[1] as string,
          word: nearestSensitiveWord(sentence, match.index),
          excerpt: sentence.trim(),
        })
        break
      }
    }
  }
  return flags
}

/** The sensitive word of a sentence nearest to a position (the number flagged), for the reviewer to see. */
function nearestSensitiveWord(sentence: string, at: number): string {
  let nearest = { word: '', distance: Infinity }
  for (const found of sentence.matchAll(new RegExp(SENSITIVE_WORDS.source, 'gi'))) {
    const distance = Math.abs(found.index - at)
    if (distance < nearest.distance) nearest = { word: found[0], distance }
  }
  return nearest.word
}
