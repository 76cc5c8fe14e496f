import type { PeriodId } from '../domain/period.ts'

/** One approval of a year's report for publication. */
export interface Approval {
  readonly year: PeriodId
  /** `publish` ('report:publish'), `sign-off` (the board's, 'report:sign-off') or `demo` (the demo loader). */
  readonly kind: 'publish' | 'sign-off' | 'demo'
  readonly userId: number | null
  /** Who approved: a user's email, or "demo-data". */
  readonly actor: string
  readonly approvedAt: string
  /** Which publication of the year it approves: 1 the first, 2 the first amendment, and so on. */
  readonly round: number
  /** Why the year is published again: given with a publish approval of an amendment (round 2 or later). */
  readonly reason: string | null
}

export interface PublicationStatus {
  readonly published: boolean
  /** When the approval that completed publication was given; null while unpublished. */
  readonly publishedAt: string | null
  readonly approvals: readonly Approval[]
  /** What is still needed, in words, while unpublished. */
  readonly needs: string | null
}

/**
 * The two-person rule (ASVS 2.3.5): a year's report is published once it has approvals from two different people,
 * at least one of them a publish approval ('report:publish', an analyst or administrator); the other may be the
 * board's sign-off or a second publish approval. One person's two approvals count once. The demo loader's record
 * (`demo`) publishes the demo year by itself: it is demo data, not a partnership's decision. `approvals` are one
 * round's (each publication of a year, the first and every amendment, needs its own two approvals).
 *
 * @example publicationStatus([{ kind: 'publish', actor: 'a@x', … }, { kind: 'sign-off', actor: 'b@x', … }]).published // true
 */
export function publicationStatus(approvals: readonly Approval[]): PublicationStatus {
  const ordered = [...approvals].sort((a, b) => a.approvedAt.localeCompare(b.approvedAt))
  const people = new Set<string>()
  let publishSeen = false
  for (const approval of ordered) {
    if (approval.kind === 'demo') return { published: true, publishedAt: approval.approvedAt, approvals, needs: null }
    people.add(approval.actor.toLowerCase())
    if (approval.kind === 'publish') publishSeen = true
    if (publishSeen && people.size >= 2) {
      return { published: true, publishedAt: approval.approvedAt, approvals, needs: null }
    }
  }
  const needs = !publishSeen
    ? people.size === 0
      ? 'A publish approval (analyst or administrator) and a second approval by someone else (board sign-off or another publish approval).'
      : 'A publish approval by an analyst or administrator other than the person who has already approved.'
    : 'A second approval by someone else: the board’s sign-off, or a publish approval by another analyst or administrator.'
  return { published: false, publishedAt: null, approvals, needs }
}

/** What an approval's kind is called on the publication page. */
export const approvalKindLabels: Readonly<Record<Approval['kind'], string>> = Object.freeze({
  publish: 'Publish approval',
  'sign-off': 'Board sign-off',
  demo: 'Demo data loader',
})

/** A person as colleagues without access to the accounts or the audit trail see them: a name and a role. */
export interface Person {
  readonly name: string
  readonly roleName: string
}

/**
 * How the publication page names someone who approved or reviewed: by email for those who may see emails anyway
 * (`showEmail`: they manage accounts or read the audit trail, which names people by email), otherwise by name and
 * role, so that a viewer or a board member is not shown colleagues' addresses. `person` is the user behind `userId`
 * (null when unknown); a record with no user (the demo loader) is named by its actor, unless that looks like an email.
 *
 * @example personLabel({ actor: 'ann@x.org', userId: 2 }, { name: 'Ann Lee', roleName: 'Partnership analyst' }, false)
 * // 'Ann Lee (Partnership analyst)'
 */
export function personLabel(
  record: { readonly actor: string; readonly userId: number | null },
  person: Person | null,
  showEmail: boolean,
): string {
  if (showEmail) return record.actor
  if (person !== null) return `${person.name} (${person.roleName})`
  if (record.userId === null && !record.actor.includes('@')) return record.actor
  return 'A former user'
}
