import type { Kysely } from 'kysely'
import { demand, type Principal } from '../accounts/permissions.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { addMonths, londonDate } from '../domain/period.ts'
import { clockDateOf, type RetentionDescriptor, type RetentionPolicy } from './retention-descriptor.ts'

type User = Principal & { readonly email: string }

/** A record due for deletion: its label holds no personal text. */
export interface DueRecord {
  readonly id: number
  readonly label: string
  readonly clockStarted: string
  readonly dueOn: string
}

/** A record type's period and what is due under it. */
export interface RetentionReview {
  readonly recordType: string
  readonly name: string
  readonly clockStarts: string
  readonly periodMonths: number
  readonly reason: string
  /** True while the partnership has not set its own period. */
  readonly isDefault: boolean
  readonly defaultMonths: number
  readonly defaultReason: string
  readonly due: readonly DueRecord[]
  /**
   * True for a record type kept inside a compartment (the death review register): its period is set here, but its
   * records are listed and deleted only inside the compartment, so `due` is always empty here.
   */
  readonly compartmented: boolean
}

/** A record type's period as the partnership set it, or its default. */
export interface RetentionPeriod {
  readonly periodMonths: number
  readonly reason: string
  readonly isDefault: boolean
}

export interface Tombstone {
  readonly recordType: string
  readonly recordId: number
  readonly label: string
  readonly clockStarted: string
  readonly deletedAt: string
  readonly deletedBy: string
  readonly reason: string
  readonly periodMonths: number
}

export type DeleteOutcome =
  | { readonly outcome: 'deleted'; readonly tombstone: Tombstone }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'not-due'; readonly dueOn: string | null }
  /** Another row still needs it: `reason` says which. */
  | { readonly outcome: 'needed'; readonly reason: string }

export interface RetentionService {
  readonly descriptors: readonly RetentionDescriptor[]
  /**
   * A compartmented record type's period (no permission asked: a period is policy, not a record), for the
   * compartment that lists and deletes its records.
   */
  periodFor(recordType: string): Promise<RetentionPeriod>
  /** Every record type, its period and the records due for deletion today (in England). */
  review(user: User): Promise<RetentionReview[]>
  /**
   * One record as the deletion's confirmation shows it (its clock and due date null while its clock has not started);
   * null when there is none.
   */
  record(
    user: User,
    recordType: string,
    id: number,
  ): Promise<{
    id: number
    label: string
    clockStarted: string | null
    dueOn: string | null
    due: boolean
    name: string
  } | null>
  /** Sets a record type's period (1 month to 100 years) and its reason, audited. */
  setPeriod(
    user: User,
    recordType: string,
    months: number,
    reason: string,
    requestId?: string | null,
  ): Promise<
    | { outcome: 'saved' }
    | { outcome: 'not-found' }
    | { outcome: 'invalid'; errors: { field: string; message: string }[] }
  >
  /**
   * Deletes one record that is due, in one unit of work: the record (through its descriptor, which audits each row),
   * then its tombstone and an audit event of the deletion. Refused, nothing written, when it is not due or another
   * row still needs it.
   */
  deleteRecord(user: User, recordType: string, id: number, requestId?: string | null): Promise<DeleteOutcome>
  tombstones(user: User): Promise<Tombstone[]>
}

export function createRetentionService(deps: {
  readonly database: Database
  readonly audit: AuditRepository
  readonly descriptors: readonly RetentionDescriptor[]
  /** Record types kept inside a compartment: their periods only (see `RetentionReview.compartmented`). */
  readonly compartmented?: readonly RetentionPolicy[]
  readonly now?: () => Date
}): RetentionService {
  const { database, audit, descriptors } = deps
  const compartmented = deps.compartmented ?? []
  const now = deps.now ?? (() => new Date())
  const read = (): UnitOfWork => ({
    trx: database.db,
    dialect: database.dialect,
    partnershipId: partnershipIdOf(database),
  })
  const byType = new Map(descriptors.map((d) => [d.recordType, d]))
  const policies = new Map<string, RetentionPolicy>([...compartmented, ...descriptors].map((d) => [d.recordType, d]))
  if (policies.size !== descriptors.length + compartmented.length)
    throw new Error('Two retention descriptors have the same record type')

  async function periodOf(uow: UnitOfWork, d: RetentionPolicy): Promise<RetentionPeriod> {
    const row = await uow.trx
      .selectFrom('retention_periods')
      .select(['period_months', 'reason'])
      .where('record_type', '=', d.recordType)
      .executeTakeFirst()
    return row
      ? { periodMonths: row.period_months, reason: row.reason, isDefault: false }
      : { periodMonths: d.defaultMonths, reason: d.defaultReason, isDefault: true }
  }

  /** The descriptor's rows on the clock (dynamic table and columns: the scoped handle still filters them). */
  async function onTheClock(uow: UnitOfWork, d: RetentionDescriptor, id?: number) {
    const rows = await rowsOf(uow, d, id)
    return rows.filter((r): r is typeof r & { clockStarted: string } => r.clockStarted !== null)
  }

  /**
   * The descriptor's rows, on the clock or not, oldest clock first (dynamic table and columns: the scoped handle still
   * filters them). The clock's value is read as its kind here, in TypeScript, so a quarter or an instant starts the
   * clock on the same date whichever database holds it.
   */
  async function rowsOf(uow: UnitOfWork, d: RetentionDescriptor, id?: number) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table and columns come from the descriptor
    const db = uow.trx as unknown as Kysely<any>
    let query = db.selectFrom(d.table).select(['id', `${d.clockColumn} as clock`, `${d.labelColumn} as label`])
    if (id !== undefined) query = query.where('id', '=', id)
    const rows = (await query.orderBy('id').execute()) as { id: number; clock: unknown; label: unknown }[]
    const kind = d.clockKind ?? 'date'
    return rows
      .map((r) => ({
        id: Number(r.id),
        clockStarted: clockDateOf(kind, r.clock),
        label: d.labelWords ? d.labelWords(String(r.label)) : String(r.label),
      }))
      .sort((a, b) => (a.clockStarted ?? '9999').localeCompare(b.clockStarted ?? '9999') || a.id - b.id)
  }

  return {
    descriptors,
    async periodFor(recordType) {
      const policy = compartmented.find((p) => p.recordType === recordType)
      if (!policy) throw new Error(`No compartmented retention policy ${recordType}`)
      return periodOf(read(), policy)
    },
    async review(user) {
      demand(user, 'retention:manage')
      const uow = read()
      const today = londonDate(now())
      const reviews: RetentionReview[] = []
      for (const d of descriptors) {
        const period = await periodOf(uow, d)
        const due = (await onTheClock(uow, d))
          .map((r) => ({ ...r, dueOn: addMonths(r.clockStarted, period.periodMonths) }))
          .filter((r) => r.dueOn <= today)
        reviews.push({
          recordType: d.recordType,
          name: d.name,
          clockStarts: d.clockStarts,
          ...period,
          defaultMonths: d.defaultMonths,
          defaultReason: d.defaultReason,
          due,
          compartmented: false,
        })
      }
      for (const p of compartmented)
        reviews.push({
          recordType: p.recordType,
          name: p.name,
          clockStarts: p.clockStarts,
          ...(await periodOf(uow, p)),
          defaultMonths: p.defaultMonths,
          defaultReason: p.defaultReason,
          due: [],
          compartmented: true,
        })
      return reviews
    },
    async record(user, recordType, id) {
      demand(user, 'retention:manage')
      const d = byType.get(recordType)
      if (!d) return null
      const uow = read()
      const [row] = await rowsOf(uow, d, id)
      if (!row) return null
      const period = await periodOf(uow, d)
      const dueOn = row.clockStarted === null ? null : addMonths(row.clockStarted, period.periodMonths)
      return { ...row, dueOn, due: dueOn !== null && dueOn <= londonDate(now()), name: d.name }
    },
    async setPeriod(user, recordType, months, reason, requestId = null) {
      demand(user, 'retention:manage')
      const d = policies.get(recordType)
      if (!d) return { outcome: 'not-found' }
      const errors: { field: string; message: string }[] = []
      if (!Number.isInteger(months) || months < 1 || months > 1200)
        errors.push({
          field: `months-${recordType}`,
          message: 'Enter a period from 1 month to 100 years, in whole months or years',
        })
      const why = reason.trim()
      if (why === '') errors.push({ field: `reason-${recordType}`, message: 'Enter the reason for the period' })
      if (why.length > 1000)
        errors.push({ field: `reason-${recordType}`, message: 'The reason must be 1000 characters or fewer' })
      if (errors.length > 0) return { outcome: 'invalid', errors }
      await inUnitOfWork(database, async ({ trx }) => {
        const before = await trx
          .selectFrom('retention_periods')
          .select(['period_months', 'reason'])
          .where('record_type', '=', recordType)
          .executeTakeFirst()
        const after = { record_type: recordType, period_months: months, reason: why }
        const stamp = { updated_at: now().toISOString(), updated_by: user.email }
        if (before)
          await trx
            .updateTable('retention_periods')
            .set({ ...after, ...stamp })
            .where('record_type', '=', recordType)
            .execute()
        else
          await trx
            .insertInto('retention_periods')
            .values({ ...after, ...stamp })
            .execute()
        await audit.append(trx, {
          actor: user.email,
          action: before ? 'update' : 'create',
          entityType: 'retention-period',
          entityKey: recordType,
          before: before ?? { period_months: d.defaultMonths, reason: d.defaultReason, default: true },
          after,
          requestId,
        })
      })
      return { outcome: 'saved' }
    },
    async deleteRecord(user, recordType, id, requestId = null) {
      demand(user, 'retention:manage')
      const d = byType.get(recordType)
      if (!d) return { outcome: 'not-found' }
      return inUnitOfWork(database, async (uow): Promise<DeleteOutcome> => {
        const [found] = await rowsOf(uow, d, id)
        if (!found) return { outcome: 'not-found' }
        // A record whose clock has not started (an entry still open, a centre still open) is not due.
        if (found.clockStarted === null) return { outcome: 'not-due', dueOn: null }
        const row = { ...found, clockStarted: found.clockStarted }
        const period = await periodOf(uow, d)
        const dueOn = addMonths(row.clockStarted, period.periodMonths)
        if (dueOn > londonDate(now())) return { outcome: 'not-due', dueOn }
        const needed = d.neededBy ? await d.neededBy(uow, id) : null
        if (needed !== null) return { outcome: 'needed', reason: needed }
        await d.delete(uow, id, user.email, requestId)
        const tombstone: Tombstone = {
          recordType,
          recordId: id,
          label: row.label,
          clockStarted: row.clockStarted,
          deletedAt: now().toISOString(),
          deletedBy: user.email,
          reason: period.reason,
          periodMonths: period.periodMonths,
        }
        const values = {
          record_type: tombstone.recordType,
          record_id: tombstone.recordId,
          label: tombstone.label,
          clock_started: tombstone.clockStarted,
          deleted_at: tombstone.deletedAt,
          deleted_by: tombstone.deletedBy,
          reason: tombstone.reason,
          period_months: tombstone.periodMonths,
        }
        await uow.trx.insertInto('retention_tombstones').values(values).execute()
        await audit.append(uow.trx, {
          actor: user.email,
          action: 'retention-delete',
          entityType: 'retention-tombstone',
          entityKey: `${recordType}/${id}`,
          before: null,
          after: values,
          requestId,
        })
        return { outcome: 'deleted', tombstone }
      })
    },
    async tombstones(user) {
      demand(user, 'retention:manage')
      const rows = await database.db
        .selectFrom('retention_tombstones')
        .selectAll()
        .orderBy('deleted_at', 'desc')
        .orderBy('id', 'desc')
        .execute()
      return rows.map((r) => ({
        recordType: r.record_type,
        recordId: r.record_id,
        label: r.label,
        clockStarted: r.clock_started,
        deletedAt: r.deleted_at,
        deletedBy: r.deleted_by,
        reason: r.reason,
        periodMonths: r.period_months,
      }))
    },
  }
}
