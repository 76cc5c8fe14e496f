import { NUMBER_WORDS } from '../domain/number-words.ts'

/**
 * Numbers written as words in a narrative ("two notifications", "fifteen organisations", "twenty-three", "one in
 * five", "a third of"), for the number checker (./number-check.ts). Pure.
 *
 * The checker reads a sentence with each of these replaced by its digits, so that a number written in words is
 * classified exactly as the same number in digits would be (its kind, its role, the years, durations and sections
 * that are not figures); it then reports the words as written. What is read, and why the rest is not:
 * - **Cardinals two to 999,999**: "two", "fifteen", "twenty-three", "twenty three", "three hundred and fifty",
 *   "two thousand". Not when hyphen-joined to the next word ("a three-year fund", "two-way", "a two-tier approach"):
 *   that is an adjective saying how long or what kind, as "3-year" is in digits.
 * - **"one"** only where it cannot be the pronoun: in a proportion ("one in five"), in a compound ("twenty-one",
 *   "one hundred"), before "more", "fewer", "less" or "extra" ("one fewer case"), and after "by" ("fell by one").
 *   The seed alone has "One had no agency contact", "one for each constituency", "One of the lowest increases" and
 *   "One Day One Conversation": reading "one" everywhere would make each a count of 1, and a count of one is rarely a
 *   figure a report states. The price: "One female received a custodial sentence" is not read.
 * - **"a"/"an"** are never numbers, except in a proportion ("a third of", "by a quarter").
 * - **Proportions**: "one in five", "three out of ten", "one in every four" (the first no more than the second, the
 *   second at most twenty, or a hundred or a thousand: larger ones are two counts, a part and a whole), and
 *   the fractions "a half"/"half of", "a third", "two thirds", "a quarter", "three quarters", "a fifth", "a tenth" when
 *   followed by "of" or after "by" ("a quarter of referrals", "fell by a third"). "A quarter" alone is a period of the
 *   year, "the second half" a part of one, "third sector" and "third-party" not a fraction at all, so without "of" or
 *   "by" they are left. A proportion becomes a percentage (one in five: 20%) that agrees with any figure within
 *   2.5 percentage points of it (17.5% to 22.5%): writing a fraction is rounding to the nearest simple fraction, and
 *   2.5 points is half the gap between the fractions people use (fifths, quarters, thirds, tenths are 5 or more
 *   points apart near where they are used).
 * - **Ordinals** ("third", "fourth") are not read: in partnership reports they are "third sector", "third year
 *   running", "third-party reporting", never a rank among areas, which is written in digits ("4th").
 */

/** A number written in words, where it is in its sentence, and the digits that stand for it. */
export interface WordNumber {
  /** Offsets of its first character and of the one after its last, in the sentence. */
  readonly start: number
  readonly end: number
  /** As written: "twenty-three", "one in five", "a third". */
  readonly words: string
  /** What the checker reads in its place: "23", or "20%" for a proportion. */
  readonly digits: string
  /** The value: 23; a proportion as a percentage (33.33… for "a third"). */
  readonly value: number
  /** For a proportion: how far a figure may be from it (percentage points) and still agree. */
  readonly tolerance?: number
}

const SMALL = NUMBER_WORDS
const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
}
const FRACTIONS: Readonly<Record<string, number>> = {
  half: 2,
  halves: 2,
  third: 3,
  thirds: 3,
  quarter: 4,
  quarters: 4,
  fifth: 5,
  fifths: 5,
  tenth: 10,
  tenths: 10,
}

const DIGIT = 'one|two|three|four|five|six|seven|eight|nine'
const UNDER_100 = `(?:(?:${Object.keys(TENS).join('|')})(?:[- ](?:${DIGIT})\\b)?|${Object.keys(SMALL).reverse().join('|')})`
const UNDER_1000 = `${UNDER_100}(?:\\s+hundred(?:\\s+(?:and\\s+)?${UNDER_100})?)?`
const CARDINAL = `${UNDER_1000}(?:\\s+thousand(?:\\s+(?:and\\s+)?${UNDER_1000})?)?`
/** A cardinal not inside a longer word: "ten" is not read in "often" nor "tenth". */
const CARDINAL_RE = new RegExp(`(?<![\\w-])${CARDINAL}(?![\\w])`, 'gi')
const PROPORTION_RE = new RegExp(
  `(?<![\\w-])(${CARDINAL})\\s+(?:in|out\\s+of)\\s+(?:every\\s+)?(${CARDINAL})(?![\\w-])`,
  'gi',
)
const FRACTION_RE = new RegExp(
  `(?<![\\w-])(a|an|one|two|three|four|five|six|seven|eight|nine)\\s+(${Object.keys(FRACTIONS).join('|')})(?![\\w-])|(?<![\\w-])(half)(?=\\s+of\\b)`,
  'gi',
)

/** The value of a cardinal in words: "three hundred and fifty" → 350. */
function cardinalValue(words: string): number {
  let total = 0
  let current = 0
  for (const word of words.toLowerCase().split(/[\s-]+/)) {
    if (word === 'and') continue
    if (word in SMALL) current += SMALL[word] as number
    else if (word in TENS) current += TENS[word] as number
    else if (word === 'hundred') current = (current === 0 ? 1 : current) * 100
    else if (word === 'thousand') {
      total += (current === 0 ? 1 : current) * 1000
      current = 0
    }
  }
  return total + current
}

const overlaps = (taken: readonly WordNumber[], start: number, end: number) =>
  taken.some((t) => start < t.end && end > t.start)

/** Up to three decimals, no trailing zeros: 33.333, 20, 66.667. */
const percentDigits = (value: number) => `${Number(value.toFixed(3))}%`

/**
 * Every number written in words in a sentence, in order.
 *
 * @example numberWords('SWP received two notifications; one had no agency contact').map((n) => n.value) // [2]
 * @example numberWords('one in five young people').map((n) => n.digits) // ['20%']
 */
export function numberWords(sentence: string): WordNumber[] {
  const found: WordNumber[] = []
  const tolerance = 2.5
  for (const m of sentence.matchAll(PROPORTION_RE)) {
    const part = cardinalValue(m[1] as string)
    const whole = cardinalValue(m[2] as string)
    // A rate ("one in five", "one in a hundred") has a small or round whole; "three hundred and thirty-six out of
    // three hundred and eighty-four" is two counts, read as "336 out of 384" would be (a part and a whole).
    if (part === 0 || part > whole || !(whole <= 20 || whole === 100 || whole === 1000)) continue
    const value = (100 * part) / whole
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      words: m[0],
      digits: percentDigits(value),
      value,
      tolerance,
    })
  }
  for (const m of sentence.matchAll(FRACTION_RE)) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(found, start, end)) continue
    const before = sentence.slice(0, start)
    const after = sentence.slice(end)
    if (m[3] !== undefined) {
      // "half of": not "the second half of the year", "the first half of", "the last half of".
      if (/\b(?:first|second|last|latter|other)\s+$/i.test(before)) continue
      found.push({ start, end, words: m[0], digits: '50%', value: 50, tolerance })
      continue
    }
    if (!/^\s+of\b/i.test(after) && !/\bby\s+$/i.test(before)) continue
    const count = /^(a|an|one)$/i.test(m[1] as string) ? 1 : cardinalValue(m[1] as string)
    const denominator = FRACTIONS[(m[2] as string).toLowerCase()] as number
    if (count >= denominator) continue
    const value = (100 * count) / denominator
    found.push({ start, end, words: m[0], digits: percentDigits(value), value, tolerance })
  }
  for (const m of sentence.matchAll(CARDINAL_RE)) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(found, start, end)) continue
    const words = m[0]
    const after = sentence.slice(end)
    // Hyphen-joined to a word: an adjective ("three-year", "two-way"), as "3-year" is in digits.
    if (/^-[a-z]/i.test(after)) continue
    if (/^one$/i.test(words)) {
      const before = sentence.slice(0, start)
      if (!/^\s+(?:more|fewer|less|extra)\b/i.test(after) && !/\bby\s+$/i.test(before)) continue
    }
    const value = cardinalValue(words)
    found.push({ start, end, words, digits: String(value), value })
  }
  return found.sort((a, b) => a.start - b.start)
}

/** A sentence with its numbers in words replaced by digits, and the way back to the words. */
export interface DigitReading {
  readonly text: string
  /** The number in words that the digits at [start, end) of `text` stand for, if they do. */
  wordsAt(start: number, end: number): WordNumber | undefined
  /** The sentence's offset for an offset of `text` (a word number's start or end for offsets inside one). */
  original(offset: number, edge: 'start' | 'end'): number
}

/**
 * The sentence as the checker reads it: each number in words replaced by its digits.
 *
 * @example readWithDigits('SWP received two notifications').text // 'SWP received 2 notifications'
 */
export function readWithDigits(sentence: string): DigitReading {
  const spans = numberWords(sentence)
  const placed: { word: WordNumber; from: number; to: number }[] = []
  let text = ''
  let at = 0
  for (const word of spans) {
    text += sentence.slice(at, word.start)
    placed.push({ word, from: text.length, to: text.length + word.digits.length })
    text += word.digits
    at = word.end
  }
  text += sentence.slice(at)
  return {
    text,
    wordsAt: (start, end) => placed.find((p) => start >= p.from && end <= p.to)?.word,
    original(offset, edge) {
      let shift = 0
      for (const p of placed) {
        if (offset <= p.from) break
        if (offset < p.to || (offset === p.to && edge === 'end')) return edge === 'start' ? p.word.start : p.word.end
        shift += p.word.end - p.word.start - (p.to - p.from)
      }
      return offset + shift
    },
  }
}
