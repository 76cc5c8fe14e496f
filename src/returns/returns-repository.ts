import { createHash } from 'node:crypto'
import type { Kysely, Selectable, Updateable } from 'kysely'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { AuditEventInput } from '../audit/audit-chain.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import { canonicalJson } from '../audit/canonical-json.ts'
import type { IndicatorValue } from '../domain/indicator.ts'
import type { PeriodId } from '../domain/period.ts'
import { toValue, valueColumns } from '../performance/performance-repository.ts'
import type { AgencyReturnsTable, ReturnItemsTable, ReturnPeriodsTable } from './tables.ts'

export type ReturnStatus = 'draft' | 'submitted' | 'accepted' | 'sent-back'

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

export interface ReturnsRepository {
  listAgencies(): Promise<Agency[]>
  getPeriod(period: PeriodId): Promise<ReturnPeriod | null>
  getReturn(agencyId: number, period: PeriodId): Promise<AgencyReturn | null>
  listReturns(period: PeriodId): Promise<AgencyReturn[]>
  /**
   * Saves a draft or submits: replaces the return's items. `expectedVersion` is the version the editor saw (null
   * for a return not yet started). Refused, with nothing written, when the quarter is locked, the version is stale,
   * or the return has been accepted. The lock is read in the same transaction as the write.
   */
  saveReturn(input: {
    readonly agencyId: number
    readonly period: PeriodId
    readonly dueDate: string
    readonly expectedVersion: number | null
    readonly status: 'draft' | 'submitted'
    readonly items: readonly NewReturnItem[]
    readonly actor: Actor
  }): Promise<WriteOutcome>
  /**
   * Accepts a submitted return (its figures become the partnership's figures for the quarter, audited as changes
   * to indicator values) or sends it back with a comment.
   */
  reviewReturn(input: {
    readonly agencyId: number
    readonly period: PeriodId
    readonly expectedVersion: number
    readonly decision: 'accept' | 'send-back'
    readonly comment: string | null
    readonly actor: Actor
  }): Promise<WriteOutcome>
  /** Locks a quarter (the board's sign-off). Null when it was already locked. */
  lockPeriod(input: { period: PeriodId; dueDate: string; actor: Actor }): Promise<ReturnPeriod | null>
  /** Stores the signed-off report of a locked quarter, if it is still locked at `version`. */
  storeSignedOffReport(input: { period: PeriodId; version: number; report: unknown; actor: Actor }): Promise<boolean>
  /** Reopens a locked quarter with a reason (audited). Null when it was not locked. */
  reopenPeriod(input: { period: PeriodId; reason: string; actor: Actor }): Promise<ReturnPeriod | null>
}

export interface ReturnsRepositoryOptions {
  readonly now?: () => Date
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

/** What the audit trail keeps of a return: everything but the bookkeeping that changes on every write. */
function auditForm(r: AgencyReturn | null): unknown {
  if (r === null) return null
  const { updatedAt: _u, ...rest } = r
  return rest
}

function auditPeriod(p: ReturnPeriod | null): unknown {
  if (p === null) return null
  const { signedOffReport, ...rest } = p
  return { ...rest, signedOffReportSha256: signedOffReport === null ? null : sha256(canonicalJson(signedOffReport)) }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Items in the order a return lists them: by KPI id, then by period (a KPI's periods in one return are of one kind,
 * and months, two-month periods and quarters sort by their ids). Code-point order, the same on both databases.
 */
const byIndicatorThenPeriod = (a: Selectable<ReturnItemsTable>, b: Selectable<ReturnItemsTable>) =>
  compareText(a.indicator_id, b.indicator_id) || compareText(a.period, b.period)

// ---- The repository -----------------------------------------------------------------------------------------

/**
 * Returns, review and quarter locks. Every write runs in `withAuditedTransaction` (SQLite: BEGIN IMMEDIATE, so
 * writers are serial; PostgreSQL: the audit advisory lock, and the quarter's row read FOR UPDATE), reads the
 * quarter's lock inside that transaction and writes its audit events there: a submission either commits before
 * the board's lock or is refused after it, never in between.
 */
export function createReturnsRepository(
  database: Database,
  audit: AuditRepository,
  options: ReturnsRepositoryOptions = {},
): ReturnsRepository {
  const { db } = database
  const now = options.now ?? (() => new Date())

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

  /** Changes the quarter's row and reads it back as it now is. */
  async function updatePeriod(
    trx: Kysely<DatabaseSchema>,
    period: PeriodId,
    changes: Updateable<ReturnPeriodsTable>,
  ): Promise<ReturnPeriod> {
    await trx.updateTable('return_periods').set(changes).where('period', '=', period).execute()
    const row = await trx
      .selectFrom('return_periods')
      .selectAll()
      .where('period', '=', period)
      .executeTakeFirstOrThrow()
    return toPeriod(row)
  }

  /**
   * Makes an accepted return item the partnership's figure for its KPI and period (what the report reads), as an
   * import would: an unchanged figure writes nothing and returns null; otherwise the audit event of the change.
   */
  async function writeAcceptedValue(
    trx: Kysely<DatabaseSchema>,
    item: ReturnItem,
    actor: Actor,
    at: string,
  ): Promise<AuditEventInput | null> {
    const columns = valueColumns(item)
    const value = toValue(columns)
    const existing = await trx
      .selectFrom('indicator_values')
      .selectAll()
      .where('indicator_id', '=', value.indicatorId)
      .where('period', '=', value.period)
      .executeTakeFirst()
    const previous: IndicatorValue | null = existing ? toValue(existing) : null
    if (previous && canonicalJson(previous) === canonicalJson(value)) return null
    const stamp = { updated_at: at, updated_by: actor.name }
    if (existing) {
      await trx
        .updateTable('indicator_values')
        .set({ ...columns, ...stamp, version: existing.version + 1 })
        .where('id', '=', existing.id)
        .execute()
    } else {
      await trx
        .insertInto('indicator_values')
        .values({ ...columns, ...stamp, version: 1 })
        .execute()
    }
    const key = `${value.indicatorId}/${value.period}`
    return event(actor, previous ? 'update' : 'create', 'indicator-value', key, previous, value)
  }

  /** The quarter's row, created when missing, and locked against concurrent change on PostgreSQL. */
  async function periodForUpdate(
    trx: Kysely<DatabaseSchema>,
    period: PeriodId,
    dueDate: string,
    at: string,
  ): Promise<ReturnPeriod> {
    await trx
      .insertInto('return_periods')
      .values({ period, due_date: dueDate, locked: 0, version: 1, updated_at: at })
      .onConflict((oc) => oc.column('period').doNothing())
      .execute()
    let query = trx.selectFrom('return_periods').selectAll().where('period', '=', period)
    if (database.dialect === 'postgres') query = query.forUpdate()
    return toPeriod(await query.executeTakeFirstOrThrow())
  }

  async function lockedPeriod(trx: Kysely<DatabaseSchema>, period: PeriodId): Promise<boolean> {
    let query = trx.selectFrom('return_periods').select('locked').where('period', '=', period)
    if (database.dialect === 'postgres') query = query.forUpdate()
    const row = await query.executeTakeFirst()
    return row?.locked === 1
  }

  const event = (
    actor: Actor,
    action: string,
    entityType: string,
    entityKey: string,
    before: unknown,
    after: unknown,
  ) =>
    ({
      actor: actor.name,
      action,
      entityType,
      entityKey,
      before,
      after,
      requestId: actor.requestId ?? null,
    }) satisfies AuditEventInput

  return {
    async listAgencies() {
      // Agencies are the instance's; a partnership's returns are those of the agencies linked to it. Without this,
      // another partnership's agency (its code in a return's address) answered 403 where an unknown one is 404.
      const partnershipId = partnershipIdOf(database)
      let query = db.selectFrom('agencies').select(['id', 'code', 'name']).orderBy('name')
      if (partnershipId !== null) {
        query = query.where('id', 'in', (eb) =>
          eb
            .selectFrom('partnership_agencies')
            .select('partnership_agencies.agency_id')
            .where('partnership_agencies.partnership_id', '=', partnershipId),
        )
      }
      const rows = await query.execute()
      // With the owner names, which decide the KPIs each agency owns (src/accounts/data-owner-names.ts).
      const names = await db.selectFrom('agency_owner_names').select(['agency_id', 'name']).orderBy('id').execute()
      return rows.map((a) => ({ ...a, ownerNames: names.filter((n) => n.agency_id === a.id).map((n) => n.name) }))
    },

    async getPeriod(period) {
      const row = await db.selectFrom('return_periods').selectAll().where('period', '=', period).executeTakeFirst()
      return row ? toPeriod(row) : null
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

    async saveReturn(input) {
      return withAuditedTransaction(database, async (trx): Promise<WriteOutcome> => {
        const at = now().toISOString()
        const quarter = await periodForUpdate(trx, input.period, input.dueDate, at)
        if (quarter.locked) return { kind: 'locked' }
        const before = await readReturn(trx, input.agencyId, input.period)
        if (before && before.version !== input.expectedVersion) return { kind: 'conflict', current: before }
        if (!before && input.expectedVersion !== null) {
          // The editor saw a return that no longer exists: cannot happen today (returns are never deleted).
          throw new Error('The return the editor saw does not exist')
        }
        if (before?.status === 'accepted') return { kind: 'wrong-state', current: before }
        const submitting = input.status === 'submitted'
        let id: number
        if (before) {
          id = before.id
          await trx
            .updateTable('agency_returns')
            .set({
              status: input.status,
              version: before.version + 1,
              ...(submitting ? { submitted_at: at, submitted_by: input.actor.name } : {}),
              updated_at: at,
              updated_by: input.actor.name,
            })
            .where('id', '=', id)
            .where('version', '=', before.version)
            .execute()
          await trx.deleteFrom('return_items').where('return_id', '=', id).execute()
        } else {
          const inserted = await trx
            .insertInto('agency_returns')
            .values({
              agency_id: input.agencyId,
              period: input.period,
              status: input.status,
              version: 1,
              submitted_at: submitting ? at : null,
              submitted_by: submitting ? input.actor.name : null,
              reviewed_at: null,
              reviewed_by: null,
              review_comment: null,
              updated_at: at,
              updated_by: input.actor.name,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          id = inserted.id
        }
        if (input.items.length > 0) {
          await trx
            .insertInto('return_items')
            .values(
              input.items.map(({ value: v, warning, confirmed }) => ({
                return_id: id,
                ...valueColumns(v),
                warning,
                warning_confirmed_by: warning !== null && confirmed ? input.actor.name : null,
                warning_confirmed_at: warning !== null && confirmed ? at : null,
              })),
            )
            .execute()
        }
        const after = (await readReturn(trx, input.agencyId, input.period)) as AgencyReturn
        await audit.append(
          trx,
          event(
            input.actor,
            submitting ? 'submit' : before ? 'update' : 'create',
            'return',
            `${input.agencyId}/${input.period}`,
            auditForm(before),
            auditForm(after),
          ),
        )
        return { kind: 'saved', saved: after }
      })
    },

    async reviewReturn(input) {
      return withAuditedTransaction(database, async (trx): Promise<WriteOutcome> => {
        const at = now().toISOString()
        if (await lockedPeriod(trx, input.period)) return { kind: 'locked' }
        const before = await readReturn(trx, input.agencyId, input.period)
        if (!before) throw new Error('No such return')
        if (before.version !== input.expectedVersion) return { kind: 'conflict', current: before }
        if (before.status !== 'submitted') return { kind: 'wrong-state', current: before }
        const accepting = input.decision === 'accept'
        await trx
          .updateTable('agency_returns')
          .set({
            status: accepting ? 'accepted' : 'sent-back',
            version: before.version + 1,
            reviewed_at: at,
            reviewed_by: input.actor.name,
            review_comment: input.comment,
            updated_at: at,
            updated_by: input.actor.name,
          })
          .where('id', '=', before.id)
          .execute()
        const events: AuditEventInput[] = []
        if (accepting) {
          // Each accepted item becomes the partnership's figure for its own period: the quarter, or a month, two
          // months or the year that the quarter's return carries (every one of them ends in this quarter, so this
          // quarter's lock, read above, is the lock that covers them: quarter-locks.ts).
          for (const item of before.items) {
            const change = await writeAcceptedValue(trx, item, input.actor, at)
            if (change) events.push(change)
          }
        }
        const after = (await readReturn(trx, input.agencyId, input.period)) as AgencyReturn
        await audit.appendAll(trx, [
          event(
            input.actor,
            accepting ? 'accept' : 'send-back',
            'return',
            `${input.agencyId}/${input.period}`,
            auditForm(before),
            auditForm(after),
          ),
          ...events,
        ])
        return { kind: 'saved', saved: after }
      })
    },

    async lockPeriod(input) {
      return withAuditedTransaction(database, async (trx) => {
        const at = now().toISOString()
        const before = await periodForUpdate(trx, input.period, input.dueDate, at)
        if (before.locked) return null
        const after = await updatePeriod(trx, input.period, {
          locked: 1,
          locked_at: at,
          locked_by: input.actor.name,
          version: before.version + 1,
          updated_at: at,
        })
        await audit.append(
          trx,
          event(input.actor, 'lock', 'return-period', input.period, auditPeriod(before), auditPeriod(after)),
        )
        return after
      })
    },

    async storeSignedOffReport(input) {
      return withAuditedTransaction(database, async (trx) => {
        const at = now().toISOString()
        const row = await trx
          .selectFrom('return_periods')
          .selectAll()
          .where('period', '=', input.period)
          .executeTakeFirst()
        if (!row || row.locked !== 1 || row.version !== input.version) return false
        const before = toPeriod(row)
        const after = await updatePeriod(trx, input.period, {
          signed_off_report: JSON.stringify(input.report),
          version: row.version + 1,
          updated_at: at,
        })
        await audit.append(
          trx,
          event(
            input.actor,
            'sign-off-snapshot',
            'return-period',
            input.period,
            auditPeriod(before),
            auditPeriod(after),
          ),
        )
        return true
      })
    },

    async reopenPeriod(input) {
      return withAuditedTransaction(database, async (trx) => {
        const at = now().toISOString()
        let query = trx.selectFrom('return_periods').selectAll().where('period', '=', input.period)
        if (database.dialect === 'postgres') query = query.forUpdate()
        const row = await query.executeTakeFirst()
        if (!row || row.locked !== 1) return null
        const before = toPeriod(row)
        const after = await updatePeriod(trx, input.period, {
          locked: 0,
          locked_at: null,
          locked_by: null,
          version: row.version + 1,
          updated_at: at,
        })
        await audit.append(
          trx,
          event(input.actor, 'reopen', 'return-period', input.period, auditPeriod(before), {
            ...(auditPeriod(after) as object),
            reason: input.reason,
          }),
        )
        return after
      })
    },
  }
}
