import { findCitedAmounts } from '../domain/cited-amounts.ts'
import { formatMoney } from '../domain/money.ts'
import { contentWords } from './figure-catalogue.ts'
import { readWithDigits } from './number-words.ts'
import type { Figure } from './figures.ts'

/**
 * Every number in a narrative checked against the figures saferhub holds (issue 11, item 4). Pure: the caller passes
 * the text, the year's figures (./figure-catalogue.ts) and the numbers the authors have acknowledged as facts
 * saferhub does not hold; nothing here reads a database or a file.
 *
 * How a number is read:
 * 1. The text is split into paragraphs (its non-empty lines) and sentences, each with its line number; a short line
 *    without a full stop or a figure is a heading, and its words count (a little) for the sentences under it.
 * 2. Every number is found and given a kind (count, percentage, percentage points, money, rank) and a role: a
 *    change ("rose by 30", "an increase of 16.5%"), the two ends of "from X to Y", the whole of "336 out of 384", a
 *    share ("36% repeat cases"), a level ("651 cases"). Years, dates, quarters, ages, durations, list numbers,
 *    legislation ("1998 Act", "s.5") and telephone numbers are not figures and are left out.
 * 3. The sentence's subject is the figure group (one KPI, one funding stream, the year's budget) whose words best
 *    match the sentence, then its paragraph, then its heading; a word many subjects share counts for little. No clear
 *    winner: the numbers are unsourced rather than compared with the wrong figure.
 * 4. A number *agrees* when a figure of the subject, of the same kind, gives it at the precision it was written
 *    ("16%" agrees with 15.7; "£1.2m" with £1,180,000); it *contradicts* when the subject has a figure for its role
 *    and none agrees; otherwise it is *unsourced* (or *acknowledged*, when the authors said so). A
 *    `{{figure:key}}` reference is *from data*.
 *
 * Deliberately cautious: a plain count that no figure gives ("24 targeted primary schools") is unsourced, never a
 * contradiction, because saferhub cannot know that it was meant to be one of its figures.
 */

export type Outcome = 'from-data' | 'agrees' | 'contradicts' | 'unsourced' | 'acknowledged'
export type NumberKind = 'count' | 'percent' | 'percentage-points' | 'pence' | 'rank'
export type NumberRole = 'level' | 'change' | 'from' | 'to' | 'part' | 'whole' | 'share' | 'baseline' | 'money'

/** A number found in a sentence. */
export interface FoundNumber {
  /** As written, with what makes it what it is: "16.5%", "£378,390", "4th", "384"; in words as written: "two". */
  readonly text: string
  /** The phrase to quote back: "from 37 offences to 64 offences", "336 out of 384", "by 30 offences (16.5%)". */
  readonly phrase: string
  /** The value as written (a percentage as 16.5; money in pence). */
  readonly value: number
  /** Decimal places written (16.5% → 1); for money, the precision in pence ("£500K" → 100,000). */
  readonly decimals: number
  readonly kind: NumberKind
  readonly role: NumberRole
  /** For money: which line it names ("income", "carry-forward", "total"), or null. */
  readonly moneyLine?: 'income' | 'carry-forward' | 'total' | null
  /**
   * For a proportion written in words ("one in five", "a third"): how many percentage points a figure may be from it
   * and still agree (./number-words.ts says why 2.5).
   */
  readonly tolerance?: number
  /** True when the sentence ties it to a share's own words ("recordable offences"). */
  readonly ofShare?: boolean
  /** Where it is in the sentence. */
  readonly start: number
}

export interface Sentence {
  readonly line: number
  readonly text: string
  /** The sentences before it in its paragraph (what "it" and "this" refer back to), and the heading it sits under. */
  readonly paragraph: string
  readonly heading: string
}

export interface Finding {
  readonly line: number
  readonly sentence: string
  readonly number: FoundNumber
  readonly outcome: Outcome
  /** For agrees/contradicts/from-data: the figure compared with (the one to bind, or the one the text contradicts). */
  readonly figure?: Figure
  /** The subject the sentence was matched to (a KPI's name), when any. */
  readonly subject?: string
  /** One line: `contradicts — "by 30 offences (16.5%)": the data gives 15.7% (Knife crime …, 2017-18, Appendix C …)`. */
  readonly message: string
}

export interface CheckResult {
  readonly findings: readonly Finding[]
  readonly counts: Readonly<Record<Outcome, number>>
}

/** A number the authors have marked as a fact saferhub does not hold: "217 Twitter followers" (its words must be in the sentence). */
export type Acknowledged = string

// ---------------------------------------------------------------------------------------------------------------
// Sentences

const HEADING_MAX_WORDS = 9

function isHeading(line: string): boolean {
  const trimmed = line.trim()
  if (trimmed.startsWith('#')) return true
  if (/[.:;!?]$/.test(trimmed) || /[\d\t]/.test(trimmed) || trimmed.startsWith('-')) return false
  return trimmed.split(/\s+/).length <= HEADING_MAX_WORDS
}

/**
 * The text's sentences, each with its line (1-based), the rest of its paragraph and its heading.
 *
 * @example splitSentences('Hate crime\n\nIt rose by 11. The new baseline is 385.')[1]?.line // 3
 */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = []
  let heading = ''
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\*\*|__/g, '').trim()
    if (line === '') return
    if (isHeading(line)) {
      heading = line.replace(/^#+\s*/, '')
      return
    }
    // A full stop, question or exclamation mark ends a sentence when a capital, a figure or a quote starts the next.
    const parts = line.split(/(?<=[.!?])\s+(?=["'‘“(]?[A-Z0-9£])/)
    parts.forEach((part, i) => {
      sentences.push({ line: index + 1, text: part, paragraph: parts.slice(0, i).join(' '), heading })
    })
  })
  return sentences
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?'
const NUMBER = /(?<![\w.£/])(?<!\d[-–]\s?)(-|−)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?/g
const CHANGE_WORD =
  /\b(increas\w*|decreas\w*|reduc\w*|ris(?:e|es|en|ing)|rose|f[ae]ll(?:en|s|ing)?|up|down|higher|lower|more|fewer|less|grow\w*|grew|drop\w*|change\w*|over)\b/i
// The words of the shares the KPIs publish: domestic abuse's "recordable offences", MARAC's "repeat" rate.
const SHARE_WORDS = /\b(recordable|repeat)\b/i

/** The spans of a text that hold no figure of ours: telephone numbers, `{{figure:…}}` references, money. */
function maskedSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = []
  for (const m of text.matchAll(/\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b|\{\{\s*figure:[^}]*\}\}/g))
    spans.push({ start: m.index, end: m.index + m[0].length })
  for (const amount of findCitedAmounts(text)) spans.push({ start: amount.start, end: amount.end })
  return spans
}

/** Whether the number at [start, end) in `text` is not a figure: a year, date, quarter, age, duration, list number… */
function notAFigure(text: string, start: number, end: number, value: number, hasDecimals: boolean): boolean {
  const before = text.slice(Math.max(0, start - 24), start).toLowerCase()
  const after = text.slice(end, end + 24).toLowerCase()
  if (!hasDecimals && value >= 1900 && value <= 2099 && !/^\s?%/.test(after) && !/^,\d/.test(after)) return true
  if (/^\/\d{2}\b/.test(after) || /^\s?[-–]\s?\d/.test(after)) return true // 16/17, 2017-18, ranges: 10-24, 9-11
  if (new RegExp(`^(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\b`).test(after)) return true // 12 December
  if (new RegExp(`\\b(?:${MONTHS})\\s+$`).test(before)) return true // December 12
  if (/(?:\bq|quarter\s?|tier\s|year\s|s\.\s?|section\s|page\s|level\s)$/.test(before)) return true
  if (/^(?:st|nd|rd|th)?\s+quarter\b/.test(after)) return true // the 4th quarter
  if (/^\s+act\b/.test(after)) return true // the 1998 Act
  if (/\baged?\s+(?:between\s+)?(?:\d+\s*(?:&|and|-)\s*)?$/.test(before)) return true // aged 15 & 16
  if (/^[-\s]?(?:weeks?|days?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|am|pm)\b/.test(after)) return true
  if (/^\s*(?:&|and)\s*\d+\s*(?:years|yrs)\b/.test(after)) return true // aged 15 & 16 years
  if (/^\s*$/.test(text.slice(0, start)) && /^[.)]\s/.test(after)) return true // list numbering
  if (/\t\s*$/.test(text.slice(0, start)) && after.trim() === '') return true // a contents page number
  return false
}

function decimalsOf(fraction: string | undefined): number {
  return fraction === undefined ? 0 : fraction.length
}

/**
 * Every number in one sentence that could be a figure, with its kind and role.
 *
 * @example findNumbers('Gun crime increased by 73% from 37 offences to 64 offences').map((n) => [n.value, n.role])
 *   // [[73, 'change'], [37, 'from'], [64, 'to']]
 */
export function findNumbers(written: string): FoundNumber[] {
  const found: FoundNumber[] = []
  // Numbers in words ("two notifications", "one in five") are read as their digits, so every rule below applies to
  // them as it does to digits; each is then reported with its words and its place in the sentence as written.
  const reading = readWithDigits(written)
  const sentence = reading.text
  /** The number as written, and the phrase quoted, for a number found at [start, end) of the digits' reading. */
  const asWritten = (number: FoundNumber, end: number): FoundNumber => {
    const words = reading.wordsAt(number.start, end)
    const phraseAt = sentence.indexOf(number.phrase, Math.max(0, number.start - 80))
    const phrase =
      phraseAt < 0
        ? number.phrase
        : written.slice(reading.original(phraseAt, 'start'), reading.original(phraseAt + number.phrase.length, 'end'))
    const start = reading.original(number.start, 'start')
    if (words === undefined) return { ...number, phrase, start }
    return {
      ...number,
      text: words.words,
      phrase,
      start,
      value: words.value,
      ...(words.tolerance !== undefined ? { decimals: 0, tolerance: words.tolerance } : {}),
    }
  }
  const masked = maskedSpans(sentence)
  for (const amount of findCitedAmounts(sentence)) {
    const line = amount.figure === 'budget' ? 'total' : amount.figure
    // "two million pounds" is read as "2 million pounds", and quoted as written.
    const text = written.slice(reading.original(amount.start, 'start'), reading.original(amount.end, 'end'))
    found.push({
      text,
      phrase: text,
      value: amount.pence,
      decimals: amount.precision,
      kind: 'pence',
      role: 'money',
      moneyLine: line,
      start: reading.original(amount.start, 'start'),
    })
  }
  for (const m of sentence.matchAll(NUMBER)) {
    const start = m.index
    const end = start + m[0].length
    if (masked.some((s) => start < s.end && end > s.start)) continue
    const push = (number: FoundNumber) => found.push(asWritten(number, end))
    const digits = (m[2] ?? '').replace(/,/g, '')
    const value = Number(`${digits}${m[3] === undefined ? '' : `.${m[3]}`}`)
    if (notAFigure(sentence, start, end, value, m[3] !== undefined)) continue
    const after = sentence.slice(end, end + 40)
    const before = sentence.slice(Math.max(0, start - 40), start)
    const decimals = decimalsOf(m[3])
    // Tied to a share's words when they are close by: "a 5% increase in recordable offences".
    // Not across a colon: "… (% that are recordable offences): an increase of 10 incidents" is about the incidents.
    const near = sentence.slice(Math.max(0, start - 60), end + 30)
    const ofShare = SHARE_WORDS.test(near.slice(near.lastIndexOf(':') + 1))
    const base = { value, decimals, start, ...(ofShare ? { ofShare } : {}) }
    const percent = /^\s?(%|per\s?cent)/i.exec(after)
    const points = /^\s?(percentage points?|pp\b|points?\b)/i.exec(after)
    const ordinal = /^(st|nd|rd|th)\b/i.exec(after)
    if (points) {
      push({
        ...base,
        text: `${m[0]} ${points[1]}`,
        phrase: phraseAround(sentence, start, end),
        kind: 'percentage-points',
        role: 'change',
      })
    } else if (percent) {
      // "rose to 37%", "(from 25%", "a target of 40%": a level, not a change, whatever the words around it.
      const level = /\b(?:to|from|target of|at)\s+$/i.test(before)
      const changed =
        !level && CHANGE_WORD.test(sentence.slice(Math.max(0, start - 60), Math.min(sentence.length, end + 30)))
      push({
        ...base,
        text: `${m[0]}%`,
        phrase: phraseAround(sentence, start, end + percent[0].length),
        kind: 'percent',
        role: changed ? 'change' : 'share',
      })
    } else if (ordinal) {
      push({
        ...base,
        text: `${m[0]}${ordinal[1]}`,
        phrase: phraseAround(sentence, start, end),
        kind: 'rank',
        role: 'level',
      })
    } else {
      push({ ...base, text: m[0], ...countRole(sentence, start, end, before, after), kind: 'count' })
    }
  }
  return found.sort((a, b) => a.start - b.start)
}

/** The role of a plain count from the words around it, and the phrase to quote. */
function countRole(
  sentence: string,
  start: number,
  end: number,
  before: string,
  after: string,
): { role: NumberRole; phrase: string } {
  const fromTo = /\bfrom\s+(?:\S+\s+){0,3}?$/i.test(before) && /^\s*(?:[a-z-]+\s+){0,4}?to\s+\d/i.test(after)
  if (fromTo) {
    const to = /^\s*(?:[a-z-]+\s+){0,4}?to\s+[\d,]+(?:\s+[a-z]+)?/i.exec(after)
    return { role: 'from', phrase: `from ${sentence.slice(start, end + (to?.[0].length ?? 0))}` }
  }
  const fromBefore = /\bfrom\s+[\d,]+(?:\s+[a-z-]+){0,4}\s+to\s+$/i.exec(before)
  if (fromBefore) return { role: 'to', phrase: `${fromBefore[0]}${sentence.slice(start, end)}` }
  const outOf = /^\s*(?:out of|in)\s+(\d)/i.test(after)
  if (outOf) return { role: 'part', phrase: phraseAround(sentence, start, end + 12) }
  const wholeOf = /\b\d[\d,]*\s+(?:out of|in)\s+$/i.exec(before)
  if (wholeOf) return { role: 'whole', phrase: `${wholeOf[0]}${sentence.slice(start, end)}` }
  const byChange = new RegExp(`${CHANGE_WORD.source}\\s+(?:by|of)\\s+(?:around\\s+|about\\s+|just\\s+)?$`, 'i').test(
    before,
  )
  const changeAfter =
    /^\s*-?\s*(?:[a-z]+\s+){0,1}(?:offences?|incidents?|crimes?|cases?|reports?|referrals?|visits?|recordable\s+offences?)?\s*(?:increase|decrease|reduction|rise|more|fewer|less|over|up|down)\b/i.test(
      after,
    ) || /^[a-z]*\s*-?\s*(?:offence|incident)\s+increase/i.test(after)
  if (byChange || changeAfter) return { role: 'change', phrase: phraseAround(sentence, start, end) }
  if (/\bbase\s?line\b[^.]{0,20}$/i.test(before))
    return { role: 'baseline', phrase: phraseAround(sentence, start, end) }
  return { role: 'level', phrase: phraseAround(sentence, start, end) }
}

/** A few words either side of [start, end), to quote the number in its place. */
function phraseAround(sentence: string, start: number, end: number): string {
  const left = /(?:\S+\s+){0,2}\S*$/.exec(sentence.slice(0, start))?.[0] ?? ''
  const right = /^\S*(?:\s+\S+){0,2}/.exec(sentence.slice(end))?.[0] ?? ''
  return `${left}${sentence.slice(start, end)}${right}`.trim()
}

// ---------------------------------------------------------------------------------------------------------------
// Subjects

/** A figure's subject: its key without the measure and the year (`kpi:knife-crime`, `budget:pcc-grant`, `budget`). */
export function subjectOf(key: string): string {
  const parts = key.split(':')
  return parts.slice(0, Math.max(1, parts.length - 2)).join(':')
}

/** A figure's measure: `change-percent` of `kpi:knife-crime:change-percent:FY2017-18`. */
export function measureOf(key: string): string {
  const parts = key.split(':')
  return parts[parts.length - 2] ?? ''
}

interface Subject {
  readonly id: string
  readonly name: string
  readonly words: ReadonlySet<string>
  /** The words of its name: one the sentence does not use counts a little against it ("victim aged 10-24"). */
  readonly nameWords: ReadonlySet<string>
  readonly figures: readonly Figure[]
}

function subjectsOf(figures: readonly Figure[]): Subject[] {
  const grouped = new Map<string, Figure[]>()
  for (const figure of figures) {
    const id = subjectOf(figure.key)
    grouped.set(id, [...(grouped.get(id) ?? []), figure])
  }
  return [...grouped].map(([id, group]) => {
    const name = (group[0]?.label ?? id)
      .replace(/\s*\(.*$/, '')
      .replace(/: (income|carry-forward|budget|allocated|spent) .*$/, '')
    const words = new Set(group.flatMap((f) => f.subjectWords))
    return { id, name, words, nameWords: new Set(contentWords(name).filter((w) => words.has(w))), figures: group }
  })
}

/** The subject a sentence is about, or null when none stands out. */
function subjectFor(
  sentence: Sentence,
  subjects: readonly Subject[],
  weight: ReadonlyMap<string, number>,
): Subject | null {
  const own = new Set(contentWords(sentence.text))
  const paragraph = new Set(contentWords(sentence.paragraph))
  const heading = new Set(contentWords(sentence.heading))
  const scored = subjects
    .map((subject) => {
      let score = 0
      let ownScore = 0
      for (const word of subject.words) {
        const w = weight.get(word) ?? 0
        if (own.has(word)) {
          score += 2 * w
          ownScore += w
        } else if (paragraph.has(word)) score += 0.75 * w
        else if (heading.has(word)) score += 0.5 * w
        else if (subject.nameWords.has(word)) score -= 0.3 * w
      }
      return { subject, score, ownScore }
    })
    .sort((a, b) => b.score - a.score)
  const best = scored[0]
  const second = scored[1]
  if (!best || best.score < 0.5) return null
  if (second && best.score - second.score < 0.05) return null
  return best.subject
}

function wordWeights(subjects: readonly Subject[]): Map<string, number> {
  const count = new Map<string, number>()
  for (const subject of subjects) for (const word of subject.words) count.set(word, (count.get(word) ?? 0) + 1)
  return new Map([...count].map(([word, n]) => [word, 1 / n]))
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing

const COUNT_MEASURES = /^(outturn|baseline|target|change|q\d|p\d+|share-count|share-count-change)$/
const PERCENT_MEASURES =
  /^(outturn|baseline|target|change|change-percent|quarter-on-quarter-percent|share|share-change|q\d|p\d+|q\d-share|p\d+-share)$/
const SHARE_MEASURES = /^(share|share-change|q\d-share|p\d+-share|share-count|share-count-change)$/

/** The measures a number's role is primarily about, first preferred: the figure a contradiction is reported against. */
function primaryMeasures(found: FoundNumber): readonly string[] {
  if (found.kind === 'pence') return found.moneyLine ? [found.moneyLine] : []
  if (found.kind === 'count') {
    if (found.ofShare && found.role !== 'from' && found.role !== 'to')
      return found.role === 'change' ? ['share-count-change'] : ['share-count']
    switch (found.role) {
      case 'change':
        return ['change']
      case 'from':
        return ['baseline']
      case 'to':
      case 'whole':
        return ['outturn']
      case 'baseline':
        return ['outturn', 'baseline']
      default:
        return []
    }
  }
  if (found.kind === 'percent' || found.kind === 'percentage-points') {
    if (found.ofShare) return found.role === 'change' ? ['share-change', 'share'] : ['share']
    return found.role === 'change' ? ['change-percent', 'share-change'] : ['share']
  }
  return []
}

function unitFits(found: FoundNumber, figure: Figure): boolean {
  const measure = measureOf(figure.key)
  switch (found.kind) {
    case 'pence':
      return figure.unit === 'pence'
    case 'count':
      return figure.unit === 'count' && COUNT_MEASURES.test(measure)
    case 'percent':
    case 'percentage-points':
      return (figure.unit === 'percent' || figure.unit === 'percentage-points') && PERCENT_MEASURES.test(measure)
    case 'rank':
      return figure.unit === 'rank'
  }
}

/** Whether a figure's value gives the number at the precision it was written. */
function agrees(found: FoundNumber, value: number): boolean {
  if (!Number.isFinite(value)) return false
  if (found.kind === 'pence') {
    const precision = Math.max(1, found.decimals)
    return Math.floor((value + precision / 2) / precision) * precision === found.value
  }
  if (found.tolerance !== undefined) return Math.abs(Math.abs(value) - Math.abs(found.value)) <= found.tolerance
  const scale = 10 ** found.decimals
  // Half away from zero, as the report rounds; a tiny allowance for binary fractions (2.95 → 3.0).
  const rounded = Math.round(Math.abs(value) * scale + 1e-9) / scale
  return rounded === Math.abs(found.value)
}

/**
 * The values a figure offers for a number: its own, and its related numbers (counts only). A change's `from` is the
 * year before's, so it is offered only to "from X": "the same number as the previous year (2)" is not this year's.
 */
function valuesOf(found: FoundNumber, figure: Figure): number[] {
  const values = [figure.value]
  if (found.kind === 'count' && figure.related) {
    for (const [name, value] of Object.entries(figure.related)) {
      if (name !== 'from' || found.role === 'from') values.push(value)
    }
  }
  return values
}

function describe(figure: Figure): string {
  return `${figure.label}, ${figure.period}, ${figure.source}`
}

export function showFigure(figure: Figure): string {
  if (figure.suppressed) return 'a withheld (small) figure'
  switch (figure.unit) {
    case 'pence':
      return formatMoney(figure.value)
    case 'percent':
      return `${Math.abs(figure.value).toFixed(figure.decimals)}%`
    case 'percentage-points':
      return `${Math.abs(figure.value).toFixed(figure.decimals)} percentage points`
    default:
      return Math.abs(figure.value).toLocaleString('en-GB', { maximumFractionDigits: figure.decimals })
  }
}

function acknowledgedBy(found: FoundNumber, sentence: string, acknowledged: readonly Acknowledged[]): boolean {
  const words = new Set(contentWords(sentence))
  return acknowledged.some((entry) => {
    const number = /\d[\d,.]*/.exec(entry)?.[0]?.replace(/,/g, '')
    if (number === undefined || Number(number) !== Number(String(found.value))) {
      if (!(found.kind === 'pence' && Number(number) * 100 === found.value)) return false
    }
    return contentWords(entry).every((w) => words.has(w))
  })
}

function judge(
  found: FoundNumber,
  sentence: Sentence,
  subject: Subject | null,
  acknowledged: readonly Acknowledged[],
): Omit<Finding, 'line' | 'sentence' | 'number'> {
  const quoted = `"${found.phrase}"`
  const unsourced = () =>
    acknowledgedBy(found, sentence.text, acknowledged)
      ? { outcome: 'acknowledged' as const, message: `acknowledged — ${quoted}: a fact saferhub does not hold` }
      : {
          outcome: 'unsourced' as const,
          ...(subject ? { subject: subject.name } : {}),
          message: `unsourced — ${quoted}: no figure in saferhub gives ${found.text}${subject ? ` (the sentence is about ${subject.name})` : ''}`,
        }
  if (subject === null) return unsourced()
  const primary = primaryMeasures(found)
  let pool = subject.figures.filter((f) => unitFits(found, f) && !f.suppressed)
  // Money names its line ("income", "carry forward", "a budget of"): it is that line's, not any amount that rounds
  // the same ("£0.3m" of a £378,430 budget is not the £339,995 income).
  if (found.kind === 'pence' && found.moneyLine) pool = pool.filter((f) => measureOf(f.key) === found.moneyLine)
  // A number tied to a share's words ("the same number of recordable offences (2)") is compared with the share's
  // figures only, not with every count of the KPI, which would agree by chance (a quarter of 2 incidents).
  if (found.ofShare && found.kind !== 'pence') {
    const shares = pool.filter((f) => SHARE_MEASURES.test(measureOf(f.key)))
    if (shares.length > 0) pool = shares
  }
  const matching = pool.filter((f) => valuesOf(found, f).some((v) => agrees(found, v)))
  if (matching.length > 0) {
    const preferred = matching.find((f) => primary.includes(measureOf(f.key))) ?? (matching[0] as Figure)
    return {
      outcome: 'agrees',
      figure: preferred,
      subject: subject.name,
      message: `agrees — ${quoted}: ${preferred.key} (${describe(preferred)})`,
    }
  }
  // A share no words tie to its KPI's own share ("the non-Police referral rate rose to 37%") may be any rate at all.
  const candidates =
    found.role === 'share' && !found.ofShare ? [] : pool.filter((f) => primary.includes(measureOf(f.key)))
  if (candidates.length === 0) {
    const withheld = subject.figures.find((f) => f.suppressed && unitFits(found, f))
    if (withheld && found.kind === 'count') {
      return {
        outcome: 'unsourced',
        subject: subject.name,
        message: `unsourced — ${quoted}: saferhub withholds this figure (a small count): ${withheld.label}`,
      }
    }
    return unsourced()
  }
  // Reported against the figure of the role nearest to what the text says (of the years and measures it has).
  const nearest = candidates.reduce((a, b) =>
    Math.abs(Math.abs(b.value) - Math.abs(found.value)) < Math.abs(Math.abs(a.value) - Math.abs(found.value)) ? b : a,
  )
  if (nearest.illustrative) {
    // A demo figure the seed does not give cannot contradict it: it is not the partnership's.
    return {
      outcome: 'unsourced',
      subject: subject.name,
      message: `unsourced — ${quoted}: saferhub's figure is illustrative, not the partnership's (${describe(nearest)})`,
    }
  }
  return {
    outcome: 'contradicts',
    figure: nearest,
    subject: subject.name,
    message: `contradicts — ${quoted}: the data gives ${showFigure(nearest)} (${describe(nearest)})`,
  }
}

/**
 * Checks every number of a text against the figures. `acknowledged`: numbers the authors have marked as facts
 * saferhub does not hold, each as "217 Twitter followers" (the number and words that must be in its sentence).
 *
 * @example
 *   checkNumbers('Knife crime rose by 30 offences (16.5%).', figures).findings[1]?.outcome // 'contradicts'
 */
export function checkNumbers(
  text: string,
  figures: readonly Figure[],
  options: { readonly acknowledged?: readonly Acknowledged[] } = {},
): CheckResult {
  const subjects = subjectsOf(figures)
  const weights = wordWeights(subjects)
  const byKey = new Map(figures.map((f) => [f.key, f]))
  const findings: Finding[] = []
  for (const sentence of splitSentences(text)) {
    for (const reference of sentence.text.matchAll(/\{\{\s*figure:([^}\s]+)\s*\}\}/g)) {
      const key = reference[1] as string
      const figure = byKey.get(key)
      const number: FoundNumber = {
        text: reference[0],
        phrase: reference[0],
        value: figure?.value ?? Number.NaN,
        decimals: figure?.decimals ?? 0,
        kind: 'count',
        role: 'level',
        start: reference.index,
      }
      findings.push({
        line: sentence.line,
        sentence: sentence.text,
        number,
        ...(figure
          ? { outcome: 'from-data' as const, figure, message: `from data — ${key} (${describe(figure)})` }
          : {
              outcome: 'unsourced' as const,
              message: `unsourced — "${reference[0]}": saferhub holds no figure ${key}`,
            }),
      })
    }
    const numbers = findNumbers(sentence.text)
    if (numbers.length === 0) continue
    const subject = subjectFor(sentence, subjects, weights)
    for (const found of numbers) {
      findings.push({
        line: sentence.line,
        sentence: sentence.text,
        number: found,
        ...judge(found, sentence, subject, options.acknowledged ?? []),
      })
    }
  }
  const counts: Record<Outcome, number> = { 'from-data': 0, agrees: 0, contradicts: 0, unsourced: 0, acknowledged: 0 }
  for (const finding of findings) counts[finding.outcome]++
  return { findings, counts }
}

/** A finding as the command line prints it: `line 402: contradicts — "336 out of 384": the data gives 385 (…)`. */
export function findingLine(finding: Finding): string {
  return `line ${finding.line}: ${finding.message}`
}
