import { createHash } from 'node:crypto'
import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, inUnitOfWorkOrRollBack, RollBack, type UnitOfWork } from '../audit/audited-transaction.ts'
import { canonicalJson } from '../audit/canonical-json.ts'
import type { Database } from '../db/database.ts'
import type { PeriodId } from '../domain/period.ts'
import type { FigureWriter } from '../performance/write-figure.ts'
import type { DraftActionUpdate, ReturnActionUpdates } from '../plan/action-return-updates.ts'
import { londonDate } from './due-dates.ts'
import type { ReturnOutputs } from './return-outputs.ts'
import { quarterTransition, returnTransition } from './return-transitions.ts'
import type {
  Actor,
  AgencyReturn,
  NewReturnItem,
  ReturnPeriod,
  ReturnsRepository,
  WriteOutcome,
} from './returns-repository.ts'

/**
 * The returns service's writes: each opens ONE unit of work (an audited transaction on the partnership's database
 * handle), reads the state inside it, asks the transition table (return-transitions.ts) whether the step is allowed,
 * and hands the unit of work to the repository's row writes, to `writeFigures` (an accepted return's figures) and to
 * the audit trail, so that everything commits together or not at all. A submission either commits before the
 * board's lock or is refused after it, never in between (SQLite: writers are serial; PostgreSQL: the audit advisory
 * lock, and the quarter's row read FOR UPDATE).
 */
export interface ReturnWrites {
  /**
   * Saves a draft or submits: replaces the return's items. `expectedVersion` is the version the editor saw (null for
   * a return not yet started). Refused, with nothing written, when the quarter is locked, the version is stale, or
   * the return has been accepted. `alsoInUnitOfWork` runs after a save, in the same unit of work (the API keeps its
   * idempotent answer there, so that the answer commits with the save it answers).
   */
  saveReturn(input: {
    readonly agencyId: number
    readonly period: PeriodId
    readonly dueDate: string
    readonly expectedVersion: number | null
    readonly status: 'draft' | 'submitted'
    readonly items: readonly NewReturnItem[]
    /**
     * The agency's updates to the actions it leads (src/plan/action-return-updates.ts), replacing the return's draft
     * updates; absent (the JSON API, which carries figures only) leaves them as they are.
     */
    readonly actionUpdates?: readonly DraftActionUpdate[] | undefined
    readonly actor: Actor
    readonly alsoInUnitOfWork?: ((uow: UnitOfWork, saved: AgencyReturn) => Promise<void>) | undefined
  }): Promise<WriteOutcome>
  /**
   * Accepts a submitted return (its figures become the partnership's figures, written by `writeFigures` as any
   * figure is, with the return as their reference) or sends it back with a comment.
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

export interface ReturnWritesDependencies {
  /** The partnership's database handle: the unit of work is opened on it. */
  readonly database: Database
  readonly repository: ReturnsRepository
  readonly audit: Pick<AuditRepository, 'append' | 'appendAll'>
  /** The one way a figure is written (src/performance/write-figure.ts). */
  readonly figures: FigureWriter
  /** The delivery plan's actions in a return: drafts saved with it, applied on acceptance (src/plan/). */
  readonly actions?: Pick<ReturnActionUpdates, 'replaceDrafts' | 'applyDrafts'>
  /** Writes an accepted return's service outputs as their actuals (return-outputs.ts), in the acceptance's unit. */
  readonly outputs?: Pick<ReturnOutputs, 'accept'>
  readonly now?: () => Date
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

const event = (
  actor: Actor,
  action: string,
  entityType: string,
  entityKey: string,
  before: unknown,
  after: unknown,
): AuditEventInput => ({
  actor: actor.name,
  action,
  entityType,
  entityKey,
  before,
  after,
  requestId: actor.requestId ?? null,
})

/**
 * @example
 *   const writes = createReturnWrites({ database: scopedDatabase, repository, audit, figures })
 *   await writes.lockPeriod({ period: 'FY2018-19-Q1', dueDate: '2018-07-28', actor: { name: 'chair@example.org' } })
 */
export function createReturnWrites(dependencies: ReturnWritesDependencies): ReturnWrites {
  const { database, repository, audit, figures } = dependencies
  const now = dependencies.now ?? (() => new Date())

  return {
    saveReturn(input) {
      return inUnitOfWork(database, async (uow): Promise<WriteOutcome> => {
        const at = now().toISOString()
        const quarter = await repository.periodForUpdate(uow, input.period, input.dueDate, at)
        const before = await repository.readReturn(uow, input.agencyId, input.period)
        if (!quarter.locked && before && before.version !== input.expectedVersion) {
          return { kind: 'conflict', current: before }
        }
        if (!before && input.expectedVersion !== null) {
          // The editor saw a return that no longer exists: cannot happen today (returns are never deleted).
          throw new Error('The return the editor saw does not exist')
        }
        const submitting = input.status === 'submitted'
        const step = returnTransition(before?.status ?? null, submitting ? 'submit' : 'save-draft', quarter.locked)
        if (!step.allowed) {
          if (step.reason === 'locked' || !before) return { kind: 'locked' }
          return { kind: 'wrong-state', current: before }
        }
        const stamp = { updated_at: at, updated_by: input.actor.name }
        const submitted = submitting ? { submitted_at: at, submitted_by: input.actor.name } : {}
        let id: number
        if (before) {
          id = before.id
          await repository.updateReturn(uow, id, before.version, {
            status: step.to,
            version: before.version + 1,
            ...submitted,
            ...stamp,
          })
        } else {
          id = await repository.insertReturn(uow, {
            agency_id: input.agencyId,
            period: input.period,
            status: step.to,
            version: 1,
            submitted_at: null,
            submitted_by: null,
            ...submitted,
            reviewed_at: null,
            reviewed_by: null,
            review_comment: null,
            ...stamp,
          })
        }
        await repository.replaceItems(
          uow,
          id,
          input.items.map(({ value, warning, confirmed }) => ({
            value,
            warning,
            warningConfirmedBy: warning !== null && confirmed ? input.actor.name : null,
            warningConfirmedAt: warning !== null && confirmed ? at : null,
          })),
        )
        const actionDrafts =
          input.actionUpdates !== undefined && dependencies.actions
            ? await dependencies.actions.replaceDrafts(uow, id, input.actionUpdates, input.actor.name, at)
            : null
        const after = (await repository.readReturn(uow, input.agencyId, input.period)) as AgencyReturn
        // The action updates ride in the return's own event when there are any (a return without them keeps the
        // shape it always had).
        const withActions = (form: unknown, updates: unknown[] | undefined) =>
          actionDrafts && (actionDrafts.before.length > 0 || actionDrafts.after.length > 0) && form !== null
            ? { ...(form as object), actionUpdates: updates }
            : form
        await audit.append(
          uow.trx,
          event(
            input.actor,
            submitting ? 'submit' : before ? 'update' : 'create',
            'return',
            `${input.agencyId}/${input.period}`,
            withActions(auditForm(before), actionDrafts?.before),
            withActions(auditForm(after), actionDrafts?.after),
          ),
        )
        if (input.alsoInUnitOfWork) await input.alsoInUnitOfWork(uow, after)
        return { kind: 'saved', saved: after }
      })
    },

    reviewReturn(input) {
      // Rolled back when the figures are refused after the return's row was written: nothing of the review stays.
      return inUnitOfWorkOrRollBack<WriteOutcome>(database, async (uow) => {
        const at = now().toISOString()
        const quarter = await repository.existingPeriodForUpdate(uow, input.period)
        const before = await repository.readReturn(uow, input.agencyId, input.period)
        if (!before) throw new Error('No such return')
        const locked = quarter?.locked === true
        if (!locked && before.version !== input.expectedVersion) return { kind: 'conflict', current: before }
        const accepting = input.decision === 'accept'
        const step = returnTransition(before.status, accepting ? 'accept' : 'send-back', locked)
        if (!step.allowed)
          return step.reason === 'locked' ? { kind: 'locked' } : { kind: 'wrong-state', current: before }
        await repository.updateReturn(uow, before.id, before.version, {
          status: step.to,
          version: before.version + 1,
          reviewed_at: at,
          reviewed_by: input.actor.name,
          review_comment: input.comment,
          updated_at: at,
          updated_by: input.actor.name,
        })
        const after = (await repository.readReturn(uow, input.agencyId, input.period)) as AgencyReturn
        await audit.append(
          uow.trx,
          event(
            input.actor,
            step.to === 'accepted' ? 'accept' : 'send-back',
            'return',
            `${input.agencyId}/${input.period}`,
            auditForm(before),
            auditForm(after),
          ),
        )
        if (accepting) {
          // Each accepted item becomes the partnership's figure for its own period: the quarter, or a month, two
          // months or the year that the quarter's return carries (each ends in this quarter, so this quarter's lock,
          // read above, is the one that covers them: quarter-locks.ts). Written as every figure is.
          const written = await figures.writeFigures(
            uow,
            before.items.map((value) => ({ value })),
            {
              actor: input.actor.name,
              source: 'return',
              reference: `return:${before.id}`,
              requestId: input.actor.requestId ?? null,
            },
          )
          if (written.outcome === 'refused') throw new RollBack<WriteOutcome>({ kind: 'locked' })
          // The agency's updates to its actions become the actions' progress updates, dated the day it submitted.
          if (dependencies.actions) {
            await dependencies.actions.applyDrafts(uow, before.id, {
              writtenOn: londonDate(new Date(before.submittedAt ?? at)),
              actor: input.actor.name,
              requestId: input.actor.requestId ?? null,
            })
          }
          // The service outputs the agency's providers reported become the outputs' actuals (src/funding/).
          if (dependencies.outputs) {
            await dependencies.outputs.accept(
              uow,
              { id: before.id, agencyId: input.agencyId, period: input.period },
              input.actor,
            )
          }
        }
        return { kind: 'saved', saved: after }
      })
    },

    lockPeriod(input) {
      return inUnitOfWork(database, async (uow) => {
        const at = now().toISOString()
        const before = await repository.periodForUpdate(uow, input.period, input.dueDate, at)
        if (!quarterTransition(before.locked, 'lock').allowed) return null
        const after = await repository.updatePeriod(uow, input.period, {
          locked: 1,
          locked_at: at,
          locked_by: input.actor.name,
          version: before.version + 1,
          updated_at: at,
        })
        await audit.append(
          uow.trx,
          event(input.actor, 'lock', 'return-period', input.period, auditPeriod(before), auditPeriod(after)),
        )
        return after
      })
    },

    storeSignedOffReport(input) {
      return inUnitOfWork(database, async (uow) => {
        const at = now().toISOString()
        const before = await repository.existingPeriodForUpdate(uow, input.period)
        // Only the sign-off that locked the quarter, while it is still locked at that version, stores its report.
        if (!before || !before.locked || before.version !== input.version) return false
        const after = await repository.updatePeriod(uow, input.period, {
          signed_off_report: JSON.stringify(input.report),
          version: before.version + 1,
          updated_at: at,
        })
        await audit.append(
          uow.trx,
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

    reopenPeriod(input) {
      return inUnitOfWork(database, async (uow) => {
        const at = now().toISOString()
        const before = await repository.existingPeriodForUpdate(uow, input.period)
        if (!before || !quarterTransition(before.locked, 'reopen').allowed) return null
        const after = await repository.updatePeriod(uow, input.period, {
          locked: 0,
          locked_at: null,
          locked_by: null,
          version: before.version + 1,
          updated_at: at,
        })
        await audit.append(
          uow.trx,
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
