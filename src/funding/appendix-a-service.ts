import { can, demand, type Principal } from '../accounts/permissions.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { computeYearBudget, yearsWithMoney, type BudgetRows } from '../domain/budget.ts'
import { personLabel, publicationStatus, type Approval, type Person } from '../public/publication.ts'
import { buildAppendixA, checkNarrative, type AppendixA, type NarrativeCheck } from './appendix-a.ts'
import { sha256, type AppendixAApproval, type AppendixARepository } from './appendix-a-repository.ts'

/** A user as the services see them. */
type User = Principal & { readonly id: number; readonly email: string }

/** The longest narrative the form accepts (a paragraph or a few, not a document). */
export const MAX_NARRATIVE = 5000

/** An approval as the page shows it. */
export interface ApprovalShown {
  readonly by: string
  readonly approvedAt: string
  /** False when the approver saw other figures than today's: their approval no longer counts towards publication. */
  readonly forTheseFigures: boolean
}

/** Appendix A's page: the live figures and where its publication stands. */
export interface AppendixAPage {
  readonly appendix: AppendixA
  /** SHA-256 of the Appendix A shown: the approval form sends it back, so that an approval is of these figures. */
  readonly contentSha256: string
  readonly publication: {
    /** The round the next approvals are for (1 before the first publication). */
    readonly round: number
    readonly approvals: readonly ApprovalShown[]
    /** What is still needed, in words; null when the figures as they are now are published. */
    readonly needs: string | null
    readonly latest: { readonly round: number; readonly publishedAt: string } | null
    /** True when the live figures differ from the latest publication's. */
    readonly changedSincePublication: boolean
  }
}

export type ApproveOutcome =
  | { readonly outcome: 'recorded'; readonly published: boolean }
  | { readonly outcome: 'already'; readonly published: boolean }
  | { readonly outcome: 'unchanged' }
  /** The figures differ from those the approver saw (`seen`): nothing recorded; they should look again. */
  | { readonly outcome: 'changed' }
  | { readonly outcome: 'not-found' }

export type NarrativeOutcome =
  | { readonly outcome: 'saved'; readonly changed: boolean; readonly check: NarrativeCheck }
  | { readonly outcome: 'invalid'; readonly message: string }
  | { readonly outcome: 'not-found' }

export interface AppendixAService {
  /** Years with money, newest first ('budget:view' for the whole partnership). */
  years(viewer: Principal): Promise<string[]>
  /** The page of a year; null when the year has no money. */
  page(viewer: Principal, year: string): Promise<AppendixAPage | null>
  /** The live Appendix A of a year (for the downloads); null when the year has no money. */
  appendix(viewer: Principal, year: string): Promise<AppendixA | null>
  narrative(viewer: Principal, year: string): Promise<string | null>
  /** What a narrative's amounts say against the year's figures, without saving it (the edit form's check). */
  checkNarrative(viewer: Principal, year: string, text: string): Promise<NarrativeCheck | null>
  /** Saves the year's narrative ('budget:edit'), audited. An empty text removes it. */
  saveNarrative(user: User, year: string, text: string, requestId?: string | null): Promise<NarrativeOutcome>
  /**
   * Records `user`'s approval to publish the year's Appendix A as it is now ('report:publish'). With a second
   * approval by someone else for the same figures (the performance report's two-person rule), the Appendix A is
   * published: stored as it is, and served by the public page until a later round publishes it again. `seen` is the
   * hash of the Appendix A the approver was shown (`AppendixAPage.contentSha256`): an approval is of those figures.
   */
  approve(user: User, year: string, seen: string, requestId?: string | null): Promise<ApproveOutcome>
  /** The latest publication of a year (no permission: it is public); null when never published. */
  published(year: string): Promise<{ appendix: AppendixA; publishedAt: string; round: number } | null>
  publishedYears(): Promise<string[]>
  /**
   * The demo's Appendix A: the seed's own paragraph for 2018/19, as printed (its £40 is what the check flags), and
   * the year published by the demo loader itself, as the demo's performance report is (the seed published it). Call
   * it after the budget's demo figures are loaded, so that the publication holds them.
   */
  loadDemo(actor: string): Promise<void>
}

/** The year of the seed's Appendix A. */
export const DEMO_YEAR = 'FY2018-19'

/** The seed's Appendix A paragraph, exactly as printed (the budget it states is £40 short of the sum). */
export const SEED_NARRATIVE =
  'The total income allocated from PCC was £339,995. This, along with an agreed carry forward of £38,435, amounted to a budget of £378,390.'

/** Appendix A (its JSON) as the approvals and publications name it. */
export function appendixHash(appendix: AppendixA): string {
  return sha256(JSON.stringify(appendix))
}

/** Reads run on the partnership's handle itself, outside a transaction (the repository takes it as its unit). */
function readUnit(database: Database): UnitOfWork {
  return { trx: database.db, dialect: database.dialect, partnershipId: partnershipIdOf(database) }
}

/** As the two-person rule of the performance report reads them (src/public/publication.ts). */
const asApproval = (a: AppendixAApproval): Approval => ({
  year: a.year,
  kind: 'publish',
  userId: a.userId,
  actor: a.actor,
  approvedAt: a.approvedAt,
  round: a.round,
  reason: null,
})

const NEEDS_FIRST = 'Two approvals by different people who may publish (analysts or administrators).'
const NEEDS_SECOND = 'A second approval by someone else who may publish (an analyst or administrator).'

export function createAppendixAService(deps: {
  readonly database: Database
  readonly repository: AppendixARepository
  /** The partnership's money rows (the budget feature's read, src/funding/budget-repository.ts). */
  readonly rows: () => Promise<BudgetRows>
  readonly partnership: string
  readonly people: (userId: number) => Promise<Person | null>
  readonly now?: () => Date
}): AppendixAService {
  const { database, repository } = deps
  const now = deps.now ?? (() => new Date())
  const isYear = (year: string) => /^FY\d{4}-\d{2}$/.test(year)

  /**
   * The live Appendix A of a year, or null when the year has no money. Read outside any transaction (the rows come
   * through another feature's read, which takes no unit of work; on SQLite a read inside an open transaction on
   * another handle would wait for it for ever): what an approval stores is named by its hash, so it is exactly
   * what was read.
   */
  async function live(year: string): Promise<AppendixA | null> {
    if (!isYear(year)) return null
    const [rows, narrative] = await Promise.all([deps.rows(), repository.narrative(readUnit(database), year)])
    if (narrative === null && !yearsWithMoney(rows).includes(year)) return null
    return buildAppendixA(deps.partnership, rows, year, narrative)
  }

  const mayReadAll = (viewer: Principal) => demand(viewer, 'budget:view')

  return {
    async years(viewer) {
      mayReadAll(viewer)
      const [rows, narrated] = await Promise.all([deps.rows(), repository.narratedYears(readUnit(database))])
      return [...new Set([...yearsWithMoney(rows), ...narrated])].sort((a, b) => b.localeCompare(a))
    },
    async page(viewer, year) {
      mayReadAll(viewer)
      const uow = readUnit(database)
      const appendix = await live(year)
      if (appendix === null) return null
      const hash = appendixHash(appendix)
      const [publications, approvals] = await Promise.all([
        repository.publicationsOf(uow, year),
        repository.approvalsOf(uow, year),
      ])
      const latest = publications[publications.length - 1] ?? null
      const round = (latest?.round ?? 0) + 1
      const pending = approvals.filter((a) => a.round === round)
      const changed = latest === null || appendixHash(latest.appendix) !== hash
      const showEmail = can(viewer, 'user:manage') || can(viewer, 'audit:view')
      const shown = await Promise.all(
        pending.map(async (a) => ({
          by: personLabel(a, a.userId === null || showEmail ? null : await deps.people(a.userId), showEmail),
          approvedAt: a.approvedAt,
          forTheseFigures: a.contentSha256 === hash,
        })),
      )
      const counting = pending.filter((a) => a.contentSha256 === hash)
      return {
        appendix,
        contentSha256: hash,
        publication: {
          round,
          approvals: shown,
          needs: !changed ? null : counting.length === 0 ? NEEDS_FIRST : NEEDS_SECOND,
          latest: latest === null ? null : { round: latest.round, publishedAt: latest.publishedAt },
          changedSincePublication: latest !== null && changed,
        },
      }
    },
    async appendix(viewer, year) {
      mayReadAll(viewer)
      return live(year)
    },
    async narrative(viewer, year) {
      mayReadAll(viewer)
      return repository.narrative(readUnit(database), year)
    },
    async checkNarrative(viewer, year, text) {
      mayReadAll(viewer)
      if ((await live(year)) === null) return null
      const rows = await deps.rows()
      return checkNarrative(text, rows, computeYearBudget(rows, year))
    },
    async saveNarrative(user, year, text, requestId = null) {
      demand(user, 'budget:edit')
      const trimmed = text.replace(/\r\n/g, '\n').trim()
      if (trimmed.length > MAX_NARRATIVE)
        return { outcome: 'invalid', message: `The narrative must be ${MAX_NARRATIVE} characters or fewer` }
      if ((await live(year)) === null) return { outcome: 'not-found' }
      const rows = await deps.rows()
      const changed = await inUnitOfWork(database, (uow) =>
        repository.saveNarrative(uow, year, trimmed, user.email, requestId),
      )
      return { outcome: 'saved', changed, check: checkNarrative(trimmed, rows, computeYearBudget(rows, year)) }
    },
    async approve(user, year, seen, requestId = null) {
      demand(user, 'report:publish')
      const appendix = await live(year)
      if (appendix === null) return { outcome: 'not-found' }
      const hash = appendixHash(appendix)
      if (seen !== hash) return { outcome: 'changed' }
      return inUnitOfWork(database, async (uow): Promise<ApproveOutcome> => {
        const publications = await repository.publicationsOf(uow, year)
        const latest = publications[publications.length - 1]
        if (latest !== undefined && appendixHash(latest.appendix) === hash) return { outcome: 'unchanged' }
        const round = (latest?.round ?? 0) + 1
        const recorded = await repository.addApproval(
          uow,
          { year, round, userId: user.id, actor: user.email, approvedAt: now().toISOString(), contentSha256: hash },
          requestId,
        )
        // Only approvals of these very figures count together: an approval of figures since changed does not.
        const counting = (await repository.approvalsOf(uow, year)).filter(
          (a) => a.round === round && a.contentSha256 === hash,
        )
        const status = publicationStatus(counting.map(asApproval))
        if (status.published && status.publishedAt !== null) {
          await repository.addPublication(
            uow,
            { year, round, publishedAt: status.publishedAt, appendix, approvals: counting },
            user.email,
            requestId,
          )
        }
        return { outcome: recorded ? 'recorded' : 'already', published: status.published }
      })
    },
    async published(year) {
      if (!isYear(year)) return null
      const publications = await repository.publicationsOf(readUnit(database), year)
      const latest = publications[publications.length - 1]
      return latest === undefined
        ? null
        : { appendix: latest.appendix, publishedAt: latest.publishedAt, round: latest.round }
    },
    async publishedYears() {
      return repository.publishedYears(readUnit(database))
    },
    async loadDemo(actor) {
      // Loading the demo again (`saferhub demo load`) never overwrites a narrative someone has since corrected.
      await inUnitOfWork(database, async (uow) => {
        if ((await repository.narrative(uow, DEMO_YEAR)) === null)
          await repository.saveNarrative(uow, DEMO_YEAR, SEED_NARRATIVE, actor, null)
      })
      const appendix = await live(DEMO_YEAR)
      if (appendix === null) return
      await inUnitOfWork(database, async (uow) => {
        if ((await repository.publicationsOf(uow, DEMO_YEAR)).length > 0) return
        await repository.addPublication(
          uow,
          { year: DEMO_YEAR, round: 1, publishedAt: now().toISOString(), appendix, approvals: [] },
          actor,
          null,
        )
      })
    },
  }
}
