import { formatMoney, type Pence } from './money.ts'

/**
 * Amounts of money that a narrative states, checked against the computed ones (issue 10, item 7). The seed's
 * Appendix A says "The total income allocated from PCC was £339,995. This, along with an agreed carry forward of
 * £38,435, amounted to a budget of £378,390." The budget is computed (src/domain/budget.ts) and is £378,430: the text
 * is wrong by £40, and nobody noticed because nothing read the sentence. This module reads it.
 *
 * What it reads: UK money as people write it: "£378,390", "£378390", "£1,234.56", "£500K", "£1.2m", "£1.2 million",
 * "378,390 pounds". An amount agrees with a computed figure that rounds to it at the precision it was written to:
 * "£1.2m" (to a tenth of a million) agrees with £1,180,000 and not with £1,260,000; "£378,390" (to the pound) agrees
 * with £378,390.40; "£1,234.56" only with itself.
 *
 * What each amount is of: the nearest word before it in its sentence ("budget", "income", "carry forward",
 * "carried forward", "brought forward"), or, when there is none, the nearest after it. An amount of nothing the check
 * knows ("£5,000 for the youth service") is left alone.
 *
 * Pure: the caller passes the text and the figures it could be about.
 */

export type CitedFigure = 'budget' | 'income' | 'carry-forward'

/** One amount found in a text. */
export interface CitedAmount {
  /** As written: "£378,390", "£1.2m". */
  readonly text: string
  /** Where it is in the text (for highlighting): the offset of its first character and of the one after its last. */
  readonly start: number
  readonly end: number
  /** The amount in pence as written (a multiplier applied). */
  readonly pence: Pence
  /**
   * The precision it was written to, in pence: 1 for "£1,234.56", 100 for "£378,390", 10,000,000 for "£1.2m" (a tenth
   * of a million), 100,000 for "£500K".
   */
  readonly precision: Pence
  /** What it is said to be, or null when its sentence names none of the figures. */
  readonly figure: CitedFigure | null
}

/** The figures a narrative may cite: the year's, or one funding stream's. */
export interface CitableFigures {
  /** What the figures are of, for the message: "2018/19", "Police and Crime Commissioner grant 2018/19". */
  readonly subject: string
  readonly income: Pence
  readonly carryForward: Pence
  readonly budget: Pence
}

/** One cited amount compared with the computed figure. */
export interface CitedCheck {
  readonly cited: CitedAmount
  readonly figure: CitedFigure
  readonly computed: Pence
  readonly agrees: boolean
  /** Only for a disagreement: "the budget is £378,430: income £339,995 + carry-forward £38,435; the text says £378,390". */
  readonly message: string | null
}

export interface CitedAmountsResult {
  /** The figures the text was checked against (the subject whose income or carry-forward it cites), or null. */
  readonly against: CitableFigures | null
  readonly checks: readonly CitedCheck[]
  /** The disagreements' messages, one per amount. */
  readonly disagreements: readonly string[]
}

const MULTIPLIERS: Readonly<Record<string, number>> = {
  k: 1_000,
  thousand: 1_000,
  m: 1_000_000,
  mn: 1_000_000,
  million: 1_000_000,
  bn: 1_000_000_000,
  billion: 1_000_000_000,
}

// "£" amount with an optional multiplier, or an amount followed by "pounds". Digits grouped by commas in threes, or
// plain; up to two decimals (more with a multiplier: "£1.25m"). The look-behind and look-ahead keep a figure inside a
// longer number or word from matching.
const AMOUNT =
  /£\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?(k|m|mn|bn|thousand|million|billion)\b)?|(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s(?:pounds|GBP)\b/gi

const FIGURE_WORDS: readonly { readonly figure: CitedFigure; readonly pattern: RegExp }[] = [
  { figure: 'carry-forward', pattern: /\b(?:carr(?:y|ied)[\s-]+(?:forward|over)|brought[\s-]+forward|underspend)\b/gi },
  { figure: 'budget', pattern: /\bbudget\b/gi },
  { figure: 'income', pattern: /\b(?:income|grant|award(?:ed)?|allocat(?:ed|ion) from)\b/gi },
]

/** The last figure word in `text` (closest to its end), or the first when `first`. */
function figureWordIn(text: string, first: boolean): CitedFigure | null {
  let best: { figure: CitedFigure; at: number } | null = null
  for (const { figure, pattern } of FIGURE_WORDS) {
    pattern.lastIndex = 0
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const at = first ? m.index : m.index + m[0].length
      if (best === null || (first ? at < best.at : at > best.at)) best = { figure, at }
    }
  }
  return best?.figure ?? null
}

/** Where each sentence of `text` starts: after ". ", "! ", "? ", ";" or a line break. */
function sentenceBounds(text: string, at: number): { start: number; end: number } {
  const boundary = /[.!?](?=\s|$)|;|\n/g
  let start = 0
  let end = text.length
  for (let m = boundary.exec(text); m !== null; m = boundary.exec(text)) {
    // A full stop between digits ("£1.2m") is not the end of a sentence: the look-ahead above asks for a space.
    if (m.index < at) start = m.index + 1
    else {
      end = m.index
      break
    }
  }
  return { start, end }
}

/**
 * Every amount of money in `text`, with what each is said to be.
 *
 * @example
 *   findCitedAmounts('an agreed carry forward of £38,435').map((a) => [a.pence, a.figure]) // [[3843500, 'carry-forward']]
 */
export function findCitedAmounts(text: string): CitedAmount[] {
  const found: { text: string; start: number; end: number; pence: Pence; precision: Pence }[] = []
  AMOUNT.lastIndex = 0
  for (let m = AMOUNT.exec(text); m !== null; m = AMOUNT.exec(text)) {
    const whole = (m[1] ?? m[4] ?? '').replace(/,/g, '')
    const decimals = m[2] ?? m[5] ?? ''
    const multiplier = m[3] === undefined ? 1 : (MULTIPLIERS[m[3].toLowerCase()] ?? 1)
    if (multiplier === 1 && decimals.length > 2) continue
    // Exact arithmetic in pence: the digits as an integer, scaled by the multiplier and the decimals' place.
    const digits = BigInt(whole + decimals)
    const scale = BigInt(multiplier) * 100n
    const divisor = 10n ** BigInt(decimals.length)
    if ((digits * scale) % divisor !== 0n) continue // a fraction of a penny: not money as anyone writes it
    const pence = Number((digits * scale) / divisor)
    if (!Number.isSafeInteger(pence)) continue
    const precision = Number(scale / divisor) || 1
    found.push({ text: m[0], start: m.index, end: m.index + m[0].length, pence, precision })
  }
  return found.map((amount, i) => {
    const sentence = sentenceBounds(text, amount.start)
    const previous = found[i - 1]
    const next = found[i + 1]
    const beforeFrom = Math.max(sentence.start, previous && previous.end > sentence.start ? previous.end : 0)
    const afterTo = Math.min(sentence.end, next && next.start < sentence.end ? next.start : text.length)
    const figure =
      figureWordIn(text.slice(beforeFrom, amount.start), false) ?? figureWordIn(text.slice(amount.end, afterTo), true)
    return { ...amount, figure }
  })
}

/** Whether an amount written to `precision` agrees with the computed figure (rounded half up at that precision). */
function agreesWith(cited: CitedAmount, computed: Pence): boolean {
  if (cited.precision <= 1) return cited.pence === computed
  const rounded = Math.floor((computed + cited.precision / 2) / cited.precision) * cited.precision
  return rounded === cited.pence
}

const money = (pence: Pence) => formatMoney(pence)

/** "the budget is £378,430: income £339,995 + carry-forward £38,435", as budget.ts's `budgetSentence` says it. */
function computedWords(figure: CitedFigure, figures: CitableFigures): string {
  switch (figure) {
    case 'budget': {
      const parts = [`income ${money(figures.income)}`]
      if (figures.carryForward !== 0) parts.push(`carry-forward ${money(figures.carryForward)}`)
      return `the budget is ${money(figures.budget)}: ${parts.join(' + ')}`
    }
    case 'income':
      return `the income is ${money(figures.income)}`
    case 'carry-forward':
      return `the carry-forward is ${money(figures.carryForward)}`
  }
}

const valueOf = (figure: CitedFigure, figures: CitableFigures): Pence =>
  figure === 'budget' ? figures.budget : figure === 'income' ? figures.income : figures.carryForward

/**
 * Checks the budget, income and carry-forward a text states against the computed figures. `candidates` are what the
 * text may be about: the year's figures first, then each funding stream's (the seed's sentence is about the PCC
 * grant, one stream of several). The text is checked against the candidate whose income and carry-forward it cites
 * most exactly (the first on a tie), so that a sentence about one grant is not compared with the year's total.
 *
 * @example
 *   checkCitedAmounts('The total income allocated from PCC was £339,995. This, along with an agreed carry forward of £38,435, amounted to a budget of £378,390.', [{ subject: '2018/19', income: 33_999_500, carryForward: 3_843_500, budget: 37_843_000 }]).disagreements
 *   // ['the budget is £378,430: income £339,995 + carry-forward £38,435; the text says £378,390']
 */
export function checkCitedAmounts(text: string, candidates: readonly CitableFigures[]): CitedAmountsResult {
  const cited = findCitedAmounts(text).filter((a): a is CitedAmount & { figure: CitedFigure } => a.figure !== null)
  if (cited.length === 0 || candidates.length === 0) return { against: null, checks: [], disagreements: [] }
  let against = candidates[0] as CitableFigures
  let bestScore = -1
  for (const candidate of candidates) {
    // Income and carry-forward are typed from the funder's letters and rarely wrong; the total is where a slip hides.
    const score = cited.filter((a) => a.figure !== 'budget' && agreesWith(a, valueOf(a.figure, candidate))).length
    if (score > bestScore) {
      bestScore = score
      against = candidate
    }
  }
  const checks = cited.map((amount): CitedCheck => {
    const computed = valueOf(amount.figure, against)
    const agrees = agreesWith(amount, computed)
    return {
      cited: amount,
      figure: amount.figure,
      computed,
      agrees,
      message: agrees ? null : `${computedWords(amount.figure, against)}; the text says ${amount.text.trim()}`,
    }
  })
  return { against, checks, disagreements: checks.flatMap((c) => (c.message === null ? [] : [c.message])) }
}
