import type { Selectable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type {
  DeathReviewAccessTable,
  DeathReviewCasesTable,
  DeathReviewEventsTable,
  DeathReviewRecommendationsTable,
} from './review-tables.ts'

export type CaseRow = Selectable<DeathReviewCasesTable>
export type EventRow = Selectable<DeathReviewEventsTable>
export type RecommendationRow = Selectable<DeathReviewRecommendationsTable>
export type AccessRow = Selectable<DeathReviewAccessTable>

/** The columns of a case a step may change (the rest are set once, at notification). */
export type CaseChanges = Partial<
  Pick<
    DeathReviewCasesTable,
    | 'state'
    | 'decision'
    | 'decided_on'
    | 'decision_due_on'
    | 'report_due_on'
    | 'home_office_informed_on'
    | 'home_office_response_on'
    | 'lead_partnership'
    | 'submitted_on'
    | 'first_approver'
    | 'second_approver'
    | 'published_on'
    | 'commissioner_copied_on'
    | 'closed_on'
  >
>

/**
 * The register's SQL, over the partnership's scoped handle (every query gains the partnership). Every function takes
 * the service's unit of work: reads too, because every read of a case is audited in the same transaction.
 */
export function createReviewRepository() {
  return {
    async isGranted({ trx }: UnitOfWork, userId: number): Promise<boolean> {
      const row = await trx
        .selectFrom('death_review_register_grants')
        .select('id')
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row !== undefined
    },
    async memberCaseIds({ trx }: UnitOfWork, userId: number): Promise<number[]> {
      const rows = await trx
        .selectFrom('death_review_members')
        .select('case_id')
        .where('user_id', '=', userId)
        .execute()
      return rows.map((r) => r.case_id)
    },
    async listCases({ trx }: UnitOfWork, onlyIds: readonly number[] | null): Promise<CaseRow[]> {
      if (onlyIds !== null && onlyIds.length === 0) return []
      let query = trx.selectFrom('death_review_cases').selectAll().orderBy('notified_on').orderBy('reference')
      if (onlyIds !== null) query = query.where('id', 'in', onlyIds)
      return query.execute()
    },
    async caseByReference({ trx }: UnitOfWork, reference: string): Promise<CaseRow | null> {
      return (
        (await trx
          .selectFrom('death_review_cases')
          .selectAll()
          .where('reference', '=', reference)
          .executeTakeFirst()) ?? null
      )
    },
    async countReferences({ trx }: UnitOfWork, prefix: string): Promise<number> {
      const rows = await trx.selectFrom('death_review_cases').select('reference').execute()
      return rows.filter((r) => r.reference.startsWith(prefix)).length
    },
    async insertCase({ trx }: UnitOfWork, values: Omit<CaseRow, 'id' | 'partnership_id' | 'version'>): Promise<number> {
      const row = await trx
        .insertInto('death_review_cases')
        .values(values as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },
    async updateCase(
      { trx }: UnitOfWork,
      id: number,
      version: number,
      changes: CaseChanges & { updated_at: string; updated_by: string },
    ): Promise<boolean> {
      const result = await trx
        .updateTable('death_review_cases')
        .set({ ...changes, version: version + 1 })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    },
    async events({ trx }: UnitOfWork, caseId: number): Promise<EventRow[]> {
      return trx
        .selectFrom('death_review_events')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('occurred_on')
        .orderBy('id')
        .execute()
    },
    async insertEvent({ trx }: UnitOfWork, values: Omit<EventRow, 'id' | 'partnership_id'>): Promise<number> {
      const row = await trx
        .insertInto('death_review_events')
        .values(values as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },
    async recommendations({ trx }: UnitOfWork, caseId: number): Promise<RecommendationRow[]> {
      return trx
        .selectFrom('death_review_recommendations')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('number')
        .execute()
    },
    async allRecommendationDates({ trx }: UnitOfWork) {
      return trx.selectFrom('death_review_recommendations').select(['case_id', 'due_on', 'status']).execute()
    },
    async insertRecommendation(
      { trx }: UnitOfWork,
      values: Omit<RecommendationRow, 'id' | 'partnership_id' | 'version'>,
    ): Promise<void> {
      await trx
        .insertInto('death_review_recommendations')
        .values(values as never)
        .execute()
    },
    async setRecommendationStatus(
      { trx }: UnitOfWork,
      caseId: number,
      number: number,
      status: RecommendationRow['status'],
      at: string,
      by: string,
    ): Promise<void> {
      await trx
        .updateTable('death_review_recommendations')
        .set((eb) => ({ status, updated_at: at, updated_by: by, version: eb('version', '+', 1) }))
        .where('case_id', '=', caseId)
        .where('number', '=', number)
        .execute()
    },
    async members({ trx }: UnitOfWork, caseId: number) {
      return trx
        .selectFrom('death_review_members')
        .innerJoin('users', 'users.id', 'death_review_members.user_id')
        .select([
          'death_review_members.user_id as userId',
          'users.email as email',
          'users.name as name',
          'death_review_members.role_on_case as roleOnCase',
          'death_review_members.added_at as addedAt',
        ])
        .where('death_review_members.case_id', '=', caseId)
        .orderBy('death_review_members.id')
        .execute()
    },
    async addMember(
      { trx }: UnitOfWork,
      values: {
        case_id: number
        user_id: number
        role_on_case: 'officer' | 'chair' | 'panel'
        added_at: string
        added_by: string
      },
    ): Promise<void> {
      await trx
        .insertInto('death_review_members')
        .values(values as never)
        .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
        .execute()
    },
    async access({ trx }: UnitOfWork, caseId: number): Promise<AccessRow[]> {
      return trx
        .selectFrom('death_review_access')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('id', 'desc')
        .execute()
    },
    async insertAccess({ trx }: UnitOfWork, values: Omit<AccessRow, 'id' | 'partnership_id'>): Promise<void> {
      await trx
        .insertInto('death_review_access')
        .values(values as never)
        .execute()
    },
    async grants({ trx }: UnitOfWork) {
      return trx
        .selectFrom('death_review_register_grants')
        .innerJoin('users', 'users.id', 'death_review_register_grants.user_id')
        .select([
          'death_review_register_grants.user_id as userId',
          'users.email as email',
          'users.name as name',
          'death_review_register_grants.granted_at as grantedAt',
        ])
        .orderBy('users.email')
        .execute()
    },
    async grant({ trx }: UnitOfWork, userId: number, at: string, by: string): Promise<boolean> {
      const result = await trx
        .insertInto('death_review_register_grants')
        .values({ user_id: userId, granted_at: at, granted_by: by } as never)
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst()
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n
    },
    async revoke({ trx }: UnitOfWork, userId: number): Promise<boolean> {
      const result = await trx
        .deleteFrom('death_review_register_grants')
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return result.numDeletedRows > 0n
    },
    /** Removes a case and every row of it, children first (the retention's deletion). */
    async deleteCase({ trx }: UnitOfWork, caseId: number): Promise<void> {
      await trx.deleteFrom('death_review_access').where('case_id', '=', caseId).execute()
      await trx.deleteFrom('death_review_members').where('case_id', '=', caseId).execute()
      await trx.deleteFrom('death_review_recommendations').where('case_id', '=', caseId).execute()
      await trx.deleteFrom('death_review_events').where('case_id', '=', caseId).execute()
      await trx.deleteFrom('death_review_cases').where('id', '=', caseId).execute()
    },
  }
}

export type ReviewRepository = ReturnType<typeof createReviewRepository>
