import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type {
  AllocationFields,
  AllocationRecord,
  AwardRecord,
  BudgetRepository,
  CarryForwardRecord,
  FundingStreamFields,
  FundingStreamRecord,
  SpendFields,
  SpendRecord,
} from './budget-repository.ts'

/** What one write did: an unchanged row is not written and not audited (an import run again changes nothing). */
export type WriteOutcome = 'added' | 'changed' | 'unchanged' | 'removed'

/** Who is writing, when, and (for the budget import) under which import. */
export interface WriteContext {
  readonly actor: string
  readonly at: string
}

/**
 * The one way a row of the money is written, whoever writes it (the budget page's forms, the budget import, the
 * demo loader): compare with the row as it stands, write only a difference, and append the audit event with the row
 * before and after in the same unit of work. The caller (a service) owns the unit of work.
 */
export function createBudgetWrites(deps: {
  readonly repository: BudgetRepository
  readonly audit: Pick<AuditRepository, 'append'>
}) {
  const { repository, audit } = deps
  const stamp = (ctx: WriteContext) => ({ actor: ctx.actor, at: ctx.at })
  const record = (
    uow: UnitOfWork,
    ctx: WriteContext,
    entityType: string,
    entityKey: string,
    action: string,
    before: unknown,
    after: unknown,
  ) => audit.append(uow.trx, { actor: ctx.actor, action, entityType, entityKey, before, after })

  return {
    async stream(
      uow: UnitOfWork,
      ctx: WriteContext,
      fields: FundingStreamFields,
      existing: FundingStreamRecord | null,
    ): Promise<{ outcome: WriteOutcome; stream: FundingStreamRecord }> {
      if (existing === null) {
        const created = await repository.insertStream(uow, fields, stamp(ctx))
        await record(uow, ctx, 'funding-stream', String(created.id), 'create', null, created)
        return { outcome: 'added', stream: created }
      }
      const after: FundingStreamRecord = { id: existing.id, ...fields }
      if (sameRecord(existing, after)) return { outcome: 'unchanged', stream: existing }
      await repository.updateStream(uow, existing.id, fields, stamp(ctx))
      await record(uow, ctx, 'funding-stream', String(existing.id), 'update', existing, after)
      return { outcome: 'changed', stream: after }
    },

    async award(
      uow: UnitOfWork,
      ctx: WriteContext,
      award: AwardRecord,
      existing: AwardRecord | null,
    ): Promise<WriteOutcome> {
      const key = `${award.streamId}/${award.year}`
      if (existing === null) {
        await repository.insertAward(uow, award, stamp(ctx))
        await record(uow, ctx, 'funding-award', key, 'create', null, award)
        return 'added'
      }
      if (sameRecord(existing, award)) return 'unchanged'
      await repository.updateAward(uow, award, stamp(ctx))
      await record(uow, ctx, 'funding-award', key, 'update', existing, award)
      return 'changed'
    },

    async removeAward(uow: UnitOfWork, ctx: WriteContext, existing: AwardRecord): Promise<WriteOutcome> {
      await repository.deleteAward(uow, existing.streamId, existing.year)
      await record(uow, ctx, 'funding-award', `${existing.streamId}/${existing.year}`, 'delete', existing, null)
      return 'removed'
    },

    async carryForward(
      uow: UnitOfWork,
      ctx: WriteContext,
      carry: CarryForwardRecord,
      existing: CarryForwardRecord | null,
    ): Promise<WriteOutcome> {
      const key = `${carry.streamId}/${carry.intoYear}`
      if (existing === null) {
        await repository.insertCarryForward(uow, carry, stamp(ctx))
        await record(uow, ctx, 'carry-forward', key, 'create', null, carry)
        return 'added'
      }
      if (sameRecord(existing, carry)) return 'unchanged'
      await repository.updateCarryForward(uow, carry, stamp(ctx))
      await record(uow, ctx, 'carry-forward', key, 'update', existing, carry)
      return 'changed'
    },

    async removeCarryForward(uow: UnitOfWork, ctx: WriteContext, existing: CarryForwardRecord): Promise<WriteOutcome> {
      await repository.deleteCarryForward(uow, existing.streamId, existing.intoYear)
      await record(uow, ctx, 'carry-forward', `${existing.streamId}/${existing.intoYear}`, 'delete', existing, null)
      return 'removed'
    },

    async allocation(
      uow: UnitOfWork,
      ctx: WriteContext,
      fields: AllocationFields,
      existing: AllocationRecord | null,
    ): Promise<{ outcome: WriteOutcome; id: number }> {
      if (existing === null) {
        const id = await repository.insertAllocation(uow, fields, stamp(ctx))
        await record(uow, ctx, 'budget-allocation', String(id), 'create', null, { id, ...fields })
        return { outcome: 'added', id }
      }
      const after: AllocationRecord = { id: existing.id, ...fields }
      if (sameRecord(existing, after)) return { outcome: 'unchanged', id: existing.id }
      await repository.updateAllocation(uow, existing.id, fields, stamp(ctx))
      await record(uow, ctx, 'budget-allocation', String(existing.id), 'update', existing, after)
      return { outcome: 'changed', id: existing.id }
    },

    async removeAllocation(uow: UnitOfWork, ctx: WriteContext, existing: AllocationRecord): Promise<WriteOutcome> {
      await repository.deleteAllocation(uow, existing.id)
      await record(uow, ctx, 'budget-allocation', String(existing.id), 'delete', existing, null)
      return 'removed'
    },

    async spend(
      uow: UnitOfWork,
      ctx: WriteContext,
      fields: SpendFields,
      existing: SpendRecord | null,
    ): Promise<WriteOutcome> {
      if (existing === null) {
        const id = await repository.insertSpend(uow, fields, stamp(ctx))
        await record(uow, ctx, 'spend-entry', String(id), 'create', null, { id, ...fields })
        return 'added'
      }
      const after: SpendRecord = { ...existing, amountPence: fields.amountPence, illustrative: fields.illustrative }
      if (sameRecord(existing, after)) return 'unchanged'
      await repository.updateSpend(uow, existing.id, fields.amountPence, fields.illustrative, stamp(ctx))
      await record(uow, ctx, 'spend-entry', String(existing.id), 'update', existing, after)
      return 'changed'
    },

    async removeSpend(uow: UnitOfWork, ctx: WriteContext, existing: SpendRecord): Promise<WriteOutcome> {
      await repository.deleteSpend(uow, existing.id)
      await record(uow, ctx, 'spend-entry', String(existing.id), 'delete', existing, null)
      return 'removed'
    },
  }
}

export type BudgetWrites = ReturnType<typeof createBudgetWrites>

/** Two records hold the same values (keys in any order; the records are flat). */
function sameRecord(a: object, b: object): boolean {
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = new Set([...Object.keys(left), ...Object.keys(right)])
  for (const key of keys) if (left[key] !== right[key]) return false
  return true
}

/** The key a spend entry is found by: one actual and one forecast per stream, quarter, priority and service. */
export function spendKey(s: Pick<SpendFields, 'streamId' | 'period' | 'kind' | 'priorityId' | 'serviceId'>): string {
  return `${s.streamId}/${s.period}/${s.kind}/${s.priorityId ?? ''}/${s.serviceId ?? ''}`
}

/** The key an allocation is found by in an import: one per stream, year, priority and service. */
export function allocationKey(a: Pick<AllocationFields, 'streamId' | 'year' | 'priorityId' | 'serviceId'>): string {
  return `${a.streamId}/${a.year}/${a.priorityId ?? ''}/${a.serviceId ?? ''}`
}
