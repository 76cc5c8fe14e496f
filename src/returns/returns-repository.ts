import type { Kysely, Selectable, Updateable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { IndicatorValue } from '../domain/indicator.ts'
import type { PeriodId } from '../domain/period.ts'
import { toValue, valueColumns } from '../performance/performance-repository.ts'
import type { ReturnStatus } from './return-transitions.ts'
import type { AgencyReturnsTable, ReturnItemsTable, ReturnPeriodsTable } from './tables.ts'
import { listPartnershipAgencies } from '../db/partnership-agencies.ts'

export type { ReturnStatus } from './return-transitions.ts'

/**
 * One KPI's figure for one period in a return (the quarter, or a month, two months or the year that ends in it: see
 * due-periods.ts), with the plausibility warning the sender confirmed (if there was one).
 */
export interface ReturnItem extends IndicatorValue {
  readonly warning: string | null
  readonly warningConfirmedBy: string | null
  readonly warningConfirmedAt: string | null
}

export interface AgencyReturn {
  readonly id: number
  readonly agencyId: number
  readonly period: PeriodId
  readonly status: ReturnStatus
  /** Rises by one on every change: an editor sends back the version they saw (no lost updates). */
  readonly version: number
  readonly submittedAt: string | null
  readonly submittedBy: string | null
  readonly reviewedAt: string | null
  readonly reviewedBy: string | null
  readonly reviewComment: string | null
  readonly updatedAt: string
  readonly updatedBy: string
  readonly items: readonly ReturnItem[]
}

export interface ReturnPeriod {
  readonly period: PeriodId
  readonly dueDate: string
  readonly locked: boolean
  readonly lockedAt: string | null
  readonly lockedBy: string | null
  /** The report as the board signed it off (parsed JSON), kept after a reopening until the next sign-off. */
  readonly signedOffReport: unknown
  readonly version: number
}

export interface Agency {
  readonly id: number
  readonly code: string
  readonly name: string
  /** The names it goes by in the framework's Owner column, which decide the KPIs it owns (agency_owner_names). */
  readonly ownerNames?: readonly string[]
}

/** A KPI's figure for one period (`value.period`) to save, and the warning confirmed for it. */
export interface NewReturnItem {
  readonly value: IndicatorValue
  readonly warning: string | null
  /** True when the sender ticked "I have checked this figure" against the warning. */
  readonly confirmed: boolean
}

export interface Actor {
  /** The name the audit trail records, e.g. `police@example.org`. */
  readonly name: string
  readonly requestId?: string | null
}

export type WriteRefusal =
  /** The board has signed off the quarter: nothing more is accepted. */
  | { readonly kind: 'locked' }
  /** Someone else changed the return since this editor read it. */
  | { readonly kind: 'conflict'; readonly current: AgencyReturn }
  /** The return is in a state that does not allow this (e.g. already accepted, not yet submitted). */
  | { readonly kind: 'wrong-state'; readonly current: AgencyReturn }

export type WriteOutcome = { readonly kind: 'saved'; readonly saved: AgencyReturn } | WriteRefusal

/**
 * Returns, their items and quarters, as rows. Reads outside a unit of work for pages; everything a change does takes
 * the caller's unit of work (return-writes.ts opens it), so that the state read, the rows written and the audit
 * events commit together. No rules here: which change is allowed is return-transitions.ts's.
 */
export interface ReturnsRepository {
  listAgencies(): Promise<Agency[]>
  getPeriod(period: PeriodId): Promise<ReturnPeriod | null>
  /** The quarters that hold a report as signed off (reopened ones keep it), oldest quarter first. */
  listSignedOffPeriods(): Promise<ReturnPeriod[]>
  getReturn(agencyId: number, period: PeriodId): Promise<AgencyReturn | null>
  listReturns(period: PeriodId): Promise<AgencyReturn[]>

  // ---- Inside a unit of work ------------------------------------------------------------------------------
  /** A return with its items, as the unit of work sees it. */
  readReturn(uow: UnitOfWork, agencyId: number, period: PeriodId): Promise<AgencyReturn | null>
  /**
   * The quarter's row, created (open) when missing, and on PostgreSQL locked FOR UPDATE until the unit of work ends,
   * so that a submission and the board's lock are taken one after the other.
   */
  periodForUpdate(uow: UnitOfWork, period: PeriodId, dueDate: string, at: string): Promise<ReturnPeriod>
  /** The quarter's row if there is one, locked FOR UPDATE on PostgreSQL; never creates it. */
  existingPeriodForUpdate(uow: UnitOfWork, period: PeriodId): Promise<ReturnPeriod | null>
  /** Changes the quarter's row and reads it back as it now is. */
  updatePeriod(uow: UnitOfWork, period: PeriodId, changes: PeriodChanges): Promise<ReturnPeriod>
  /** Adds a return; returns its id. */
  insertReturn(uow: UnitOfWork, row: NewReturnRow): Promise<number>
  /** Changes a return that is still at `fromVersion`. */
  updateReturn(uow: UnitOfWork, id: number, fromVersion: number, changes: ReturnChanges): Promise<void>
  /** Replaces a return's items. */
  replaceItems(uow: UnitOfWork, returnId: number, items: readonly StoredItem[]): Promise<void>
}

/** What a write may change of a quarter's row. */
export type PeriodChanges = Pick<
  Updateable<ReturnPeriodsTable>,
  'locked' | 'locked_at' | 'locked_by' | 'signed_off_report' | 'version' | 'updated_at'
>

export type NewReturnRow = Omit<Selectable<AgencyReturnsTable>, 'id' | 'partnership_id'>

export type ReturnChanges = Partial<Omit<NewReturnRow, 'agency_id' | 'period'>>

/** An item as stored: the figure, its warning, and who confirmed the warning (and when), if anyone did. */
export interface StoredItem {
  readonly value: IndicatorValue
  readonly warning: string | null
  readonly warningConfirmedBy: string | null
  readonly warningConfirmedAt: string | null
}

// ---- Mapping ------------------------------------------------------------------------------------------------

function toItem(row: Selectable<ReturnItemsTable>): ReturnItem {
  return {
    ...toValue(row),
    warning: row.warning,
    warningConfirmedBy: row.warning_confirmed_by,
    warningConfirmedAt: row.warning_confirmed_at,
  }
}

function toReturn(row: Selectable<AgencyReturnsTable>, items: readonly Selectable<ReturnItemsTable>[]): AgencyReturn {
  return {
    id: row.id,
    agencyId: row.agency_id,
    period: row.period,
    status: row.status as ReturnStatus,
    version: row.version,
    submittedAt: row.submitted_at,
    submittedBy: row.submitted_by,
    reviewedAt: row.reviewed_at,
    reviewedBy: row.reviewed_by,
    reviewComment: row.review_comment,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    items: items.map(toItem),
  }
}

function toPeriod(row: Selectable<ReturnPeriodsTable>): ReturnPeriod {
  return {
    period: row.period,
    dueDate: row.due_date,
    locked: row.locked === 1,
    lockedAt: row.locked_at,
    lockedBy: row.locked_by,
    signedOffReport: row.signed_off_report === null ? null : (JSON.parse(row.signed_off_report) as unknown),
    version: row.version,
  }
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Items in the order a return lists them: by KPI id, then by period (a KPI's periods in one return are of one kind,
 * and months, two-month periods and quarters sort by their ids). Code-point order, the same on both databases.
 */
const byIndicatorThenPeriod = (a: Selectable<ReturnItemsTable>, b: Selectable<ReturnItemsTable>) =>
  compareText(a.indicator_id, b.indicator_id) || compareText(a.period, b.period)

// ---- The repository -----------------------------------------------------------------------------------------

/**
 * @example
 *   const returns = createReturnsRepository(scopedDatabase)
 *   const quarter = await returns.getPeriod('FY2018-19-Q1')
 */
export function createReturnsRepository(database: Database): ReturnsRepository {
  const { db } = database

  async function readReturn(
    executor: Kysely<DatabaseSchema>,
    agencyId: number,
    period: PeriodId,
  ): Promise<AgencyReturn | null> {
    const row = await executor
      .selectFrom('agency_returns')
      .selectAll()
      .where('agency_id', '=', agencyId)
      .where('period', '=', period)
      .executeTakeFirst()
    if (!row) return null
    const items = await executor.selectFrom('return_items').selectAll().where('return_id', '=', row.id).execute()
    return toReturn(row, items.sort(byIndicatorThenPeriod))
  }

  return {
    async listAgencies() {
      // A partnership's returns are those of the agencies linked to it (another partnership's agency, its code in a
      // return's address, must be 404 as an unknown one is), with the owner names, which decide the KPIs each agency
      // owns (src/accounts/data-owner-names.ts).
      const rows = await listPartnershipAgencies(database)
      const names = await db.selectFrom('agency_owner_names').select(['agency_id', 'name']).orderBy('id').execute()
      return rows.map((a) => ({ ...a, ownerNames: names.filter((n) => n.agency_id === a.id).map((n) => n.name) }))
    },

    async getPeriod(period) {
      const row = await db.selectFrom('return_periods').selectAll().where('period', '=', period).executeTakeFirst()
      return row ? toPeriod(row) : null
    },

    async listSignedOffPeriods() {
      const rows = await db
        .selectFrom('return_periods')
        .selectAll()
        .where('signed_off_report', 'is not', null)
        .orderBy('period')
        .execute()
      return rows.map(toPeriod)
    },

    async getReturn(agencyId, period) {
      return readReturn(db, agencyId, period)
    },

    async listReturns(period) {
      const rows = await db
        .selectFrom('agency_returns')
        .selectAll()
        .where('period', '=', period)
        .orderBy('id')
        .execute()
      const ids = rows.map((r) => r.id)
      const items =
        ids.length === 0 ? [] : await db.selectFrom('return_items').selectAll().where('return_id', 'in', ids).execute()
      return rows.map((r) => toReturn(r, items.filter((i) => i.return_id === r.id).sort(byIndicatorThenPeriod)))
    },

    readReturn(uow, agencyId, period) {
      return readReturn(uow.trx, agencyId, period)
    },

    async periodForUpdate(uow, period, dueDate, at) {
      await uow.trx
        .insertInto('return_periods')
        .values({ period, due_date: dueDate, locked: 0, version: 1, updated_at: at })
        .onConflict((oc) => oc.column('period').doNothing())
        .execute()
      let query = uow.trx.selectFrom('return_periods').selectAll().where('period', '=', period)
      if (uow.dialect === 'postgres') query = query.forUpdate()
      return toPeriod(await query.executeTakeFirstOrThrow())
    },

    async existingPeriodForUpdate(uow, period) {
      let query = uow.trx.selectFrom('return_periods').selectAll().where('period', '=', period)
      if (uow.dialect === 'postgres') query = query.forUpdate()
      const row = await query.executeTakeFirst()
      return row ? toPeriod(row) : null
    },

    async updatePeriod(uow, period, changes) {
      await uow.trx.updateTable('return_periods').set(changes).where('period', '=', period).execute()
      const row = await uow.trx
        .selectFrom('return_periods')
        .selectAll()
        .where('period', '=', period)
        .executeTakeFirstOrThrow()
      return toPeriod(row)
    },

    async insertReturn(uow, row) {
      const inserted = await uow.trx.insertInto('agency_returns').values(row).returning('id').executeTakeFirstOrThrow()
      return inserted.id
    },

    async updateReturn(uow, id, fromVersion, changes) {
      await uow.trx
        .updateTable('agency_returns')
        .set(changes)
        .where('id', '=', id)
        .where('version', '=', fromVersion)
        .execute()
    },

    async replaceItems(uow, returnId, items) {
      await uow.trx.deleteFrom('return_items').where('return_id', '=', returnId).execute()
      if (items.length === 0) return
      await uow.trx
        .insertInto('return_items')
        .values(
          items.map((item) => ({
            return_id: returnId,
            ...valueColumns(item.value),
            warning: item.warning,
            warning_confirmed_by: item.warningConfirmedBy,
            warning_confirmed_at: item.warningConfirmedAt,
          })),
        )
        .execute()
    },
  }
}
