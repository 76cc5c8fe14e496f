import { createHash } from 'node:crypto'
import {
  flagSmallNumbersInCommentary,
  type CommentaryFlag,
  type DisclosureRules,
} from '../domain/disclosure-control.ts'
import type { PeriodId } from '../domain/period.ts'

/**
 * Review of data owners' commentary that disclosure control withholds from the public view. Pure: no I/O, no clock.
 *
 * `flagSmallNumbersInCommentary` flags commentary that puts a small number beside a word that can identify someone
 * ("One female received a custodial sentence"); it is withheld from the public page until a person with
 * 'report:publish' reviews it and decides: release it as written, publish a wording of their own instead (which
 * must itself pass the check), or keep it withheld. A decision is about one exact text (its SHA-256): when the data
 * owner's commentary changes, the decision no longer applies and the commentary is withheld again until reviewed.
 */
export const reviewDecisions = ['release', 'reword', 'withhold'] as const
export type ReviewDecision = (typeof reviewDecisions)[number]

/** A reviewer's decision about one KPI's commentary in one year. */
export interface CommentaryDecision {
  readonly year: PeriodId
  readonly indicatorId: string
  /** The period the commentary was written for, as the reviewer saw it. */
  readonly period: PeriodId | null
  /** SHA-256 (hex) of the exact commentary the decision was made about (`commentaryHash`). */
  readonly textSha256: string
  readonly decision: ReviewDecision
  /** The wording to publish instead: present exactly for `reword`. */
  readonly publicText: string | null
  readonly userId: number | null
  /** The reviewer's email, as the audit trail names them. */
  readonly decidedBy: string
  readonly decidedAt: string
}

/**
 * Where a KPI's commentary stands for the public page:
 * - `none`: the data owner wrote none; `as-written`: nothing flagged and no decision, published as written;
 * - `awaiting-review`: flagged and not (or no longer validly) decided: withheld;
 * - `released` / `reworded`: a decision about this exact text publishes it, or the reviewer's wording;
 * - `kept-withheld`: a reviewer decided to keep this text withheld;
 * - `withheld-again`: flagged, and the only decision was about an earlier text (the commentary changed since).
 */
export type CommentaryState =
  'none' | 'as-written' | 'awaiting-review' | 'released' | 'reworded' | 'kept-withheld' | 'withheld-again'

export interface PublicCommentary {
  /** What the public page shows; null when nothing is shown. */
  readonly text: string | null
  readonly state: CommentaryState
  /** What disclosure control flagged in the data owner's text. */
  readonly flags: readonly CommentaryFlag[]
  /** The decision that applies to this exact text, if any. */
  readonly decision: CommentaryDecision | null
  /** A decision about another (earlier) text of this KPI and year, which no longer applies. */
  readonly staleDecision: CommentaryDecision | null
}

/**
 * SHA-256 (hex) of a commentary exactly as stored (UTF-8): what a decision is tied to.
 *
 * @example commentaryHash('abc') // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function commentaryHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/**
 * What the public page shows of a data owner's commentary, given the reviewer's decision for that KPI and year.
 * A decision applies only to the exact text it was made about. A reworded text is checked again here, so that a
 * stricter `minimumCount` set later withholds a wording that no longer passes.
 *
 * @example publicCommentary('One female received a custodial sentence.', null, { minimumCount: 5 }).state // 'awaiting-review'
 */
export function publicCommentary(
  owner: string | null,
  decision: CommentaryDecision | null | undefined,
  rules: DisclosureRules,
): PublicCommentary {
  if (owner === null || owner === '') {
    return { text: null, state: 'none', flags: [], decision: null, staleDecision: null }
  }
  const flags = flagSmallNumbersInCommentary(owner, rules)
  const applies = decision !== null && decision !== undefined && decision.textSha256 === commentaryHash(owner)
  if (applies) {
    const base = { flags, decision, staleDecision: null }
    switch (decision.decision) {
      case 'release':
        return { ...base, text: owner, state: 'released' }
      case 'withhold':
        return { ...base, text: null, state: 'kept-withheld' }
      case 'reword': {
        const wording = decision.publicText
        if (wording !== null && wording !== '' && flagSmallNumbersInCommentary(wording, rules).length === 0) {
          return { ...base, text: wording, state: 'reworded' }
        }
        return { ...base, text: null, state: 'awaiting-review' }
      }
    }
  }
  const staleDecision = decision ?? null
  if (flags.length === 0) return { text: owner, state: 'as-written', flags, decision: null, staleDecision }
  return {
    text: null,
    state: staleDecision === null ? 'awaiting-review' : 'withheld-again',
    flags,
    decision: null,
    staleDecision,
  }
}

/** Whether a KPI's commentary belongs on the review list: flagged, or under a decision that still applies. */
export function needsReview(commentary: PublicCommentary): boolean {
  return commentary.state !== 'none' && commentary.state !== 'as-written'
}

/** The reviewer's form as posted. */
export interface ReviewInput {
  /** The hash of the commentary the reviewer was shown (a hidden field of the form). */
  readonly textHash: string
  readonly decision: string
  readonly publicText: string
}

export interface ReviewFieldError {
  readonly field: 'decision' | 'publicText'
  readonly message: string
}

export type CheckedReview =
  | { readonly ok: true; readonly decision: ReviewDecision; readonly publicText: string | null }
  | { readonly ok: false; readonly errors: readonly ReviewFieldError[] }

/** The longest public wording accepted (the seed report's longest commentary is about 1,000 characters). */
export const MAX_PUBLIC_TEXT = 2000

// Control characters other than tab and line feed have no place in a sentence and can hide text on screen.
// eslint-disable-next-line no-control-regex -- these are exactly the characters refused
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/

/**
 * Checks a review decision against the commentary as it is now. Refused (nothing is to be written) when the
 * commentary has changed since the reviewer's page was made (the decision would be about a text they have not
 * read), when no decision is chosen, or when a public wording is empty, too long, holds control characters, or
 * itself puts a small number beside a word that can identify someone.
 *
 * @example checkReview({ textHash: commentaryHash(t), decision: 'reword', publicText: '2 boys were…' }, t, rules)
 * // { ok: false, errors: [{ field: 'publicText', message: 'The wording puts “2” beside “boys”…' }] }
 */
export function checkReview(input: ReviewInput, current: string, rules: DisclosureRules): CheckedReview {
  if (input.textHash !== commentaryHash(current)) {
    return {
      ok: false,
      errors: [
        {
          field: 'decision',
          message:
            'The data owner’s commentary has changed since this page was opened: read the new text and decide again',
        },
      ],
    }
  }
  const decision = reviewDecisions.find((d) => d === input.decision)
  if (decision === undefined) {
    return {
      ok: false,
      errors: [
        {
          field: 'decision',
          message: 'Select whether to release the commentary, publish a different wording, or keep it withheld',
        },
      ],
    }
  }
  if (decision !== 'reword') return { ok: true, decision, publicText: null }
  const wording = input.publicText.replace(/\r\n?/g, '\n').trim()
  const refuse = (message: string): CheckedReview => ({ ok: false, errors: [{ field: 'publicText', message }] })
  if (wording === '') return refuse('Enter the wording to publish')
  if (wording.length > MAX_PUBLIC_TEXT) {
    return refuse(`The wording must be ${MAX_PUBLIC_TEXT.toLocaleString('en-GB')} characters or fewer`)
  }
  if (CONTROL_CHARACTERS.test(wording)) {
    return refuse('The wording contains control characters: type it again without them')
  }
  const [flag] = flagSmallNumbersInCommentary(wording, rules)
  if (flag !== undefined) {
    return refuse(
      `The wording puts “${flag.token}” beside “${flag.word}”, which could identify someone: leave out numbers ` +
        `of people below ${rules.minimumCount}`,
    )
  }
  return { ok: true, decision, publicText: wording }
}
