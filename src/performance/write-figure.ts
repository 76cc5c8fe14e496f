import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { IndicatorValue } from '../domain/indicator.ts'
import type { PeriodId } from '../domain/period.ts'
import { figureKey, insertFigureRows, readFigureRows, updateFigureRow, type FigureRowStamp } from './figure-rows.ts'
import type { StoredIndicatorValue } from './performance-repository.ts'
import { lockedQuartersFor } from './quarter-locks.ts'

/**
 * THE way a figure (a KPI's value for one period, a row of `indicator_values`) is written, whoever writes it: an
 * import, a return's acceptance, the API, a person in the browser. One set of rules and one audit event shape, so
 * that what the audit trail says about a figure does not depend on the door it came in by.
 */

/** Where a write came from. */
export type FigureSource = 'import' | 'return' | 'api' | 'browser'

export interface FigureChange {
  /** The figure as it should now stand. */
  readonly value: IndicatorValue
  /**
   * Optimistic concurrency: the version the writer last saw, 0 for "this figure must not exist yet". Undefined: no
   * check (an import or an accepted return replaces whatever is stored, as the partnership's process says).
   */
  readonly expectedVersion?: number | undefined
}

export interface FigureWriteContext {
  /** Who: a user's email, `api-token:7 (WMP)`, or a process such as `demo-data`. */
  readonly actor: string
  readonly source: FigureSource
  /**
   * What the write belongs to, kept in the audit event: `import:12`, `return:3` (the return's id), `token:7` or
   * `user:4` (the API caller).
   */
  readonly reference: string
  /** The import, for the audit trail's `importId` column (imports only). */
  readonly importId?: number | null
  readonly requestId?: string | null
}

/** A figure that is now as asked. */
export type FigureResult =
  | { readonly outcome: 'written'; readonly created: boolean; readonly value: StoredIndicatorValue }
  /** Already stored exactly so: nothing was written, no version raised, no audit event. */
  | { readonly outcome: 'unchanged'; readonly value: StoredIndicatorValue }

/** A figure that was refused: expected cases, answered as values, never thrown. */
export type FigureRefusal =
  /** Its quarter has been signed off and locked (src/performance/quarter-locks.ts). */
  | { readonly outcome: 'locked'; readonly indicatorId: string; readonly period: PeriodId; readonly quarter: PeriodId }
  /** The stored version is not the one the writer expected (null: there is no stored figure). */
  | {
      readonly outcome: 'conflict'
      readonly indicatorId: string
      readonly period: PeriodId
      readonly current: StoredIndicatorValue | null
    }

export type FigureOutcome = FigureResult | FigureRefusal

/** Several figures written all together, or (when any one is refused) none of them. */
export type FiguresOutcome =
  | { readonly outcome: 'written'; readonly results: readonly FigureResult[]; readonly auditEvents: number }
  | { readonly outcome: 'refused'; readonly refusals: readonly FigureRefusal[] }

export interface FigureWriter {
  /**
   * Writes one figure inside the caller's unit of work: reads the stored row; does nothing when the figure is
   * unchanged (no version raised, no audit event); refuses a change to a locked quarter; refuses a stale
   * `expectedVersion`; otherwise writes it with version + 1 and appends ONE audit event (see `figureAuditEvent`).
   *
   * @example
   *   const outcome = await inUnitOfWork(database, (uow) =>
   *     figures.writeFigure(uow, { value, expectedVersion: 3 }, { actor, source: 'browser', reference: 'user:4' }),
   *   )
   *   if (outcome.outcome === 'conflict') … // someone else changed it: show them outcome.current
   */
  writeFigure(uow: UnitOfWork, change: FigureChange, context: FigureWriteContext): Promise<FigureOutcome>
  /**
   * `writeFigure` for many figures at once (an import's, a return's), with the same rules, reading and inserting in
   * batches. All or nothing: when any figure is refused, none is written and every refusal is listed. Given the
   * same figure twice, the last one counts.
   */
  writeFigures(uow: UnitOfWork, changes: readonly FigureChange[], context: FigureWriteContext): Promise<FiguresOutcome>
}

export interface FigureWriterDependencies {
  /** The partnership's audit trail (it stamps each event with the partnership). */
  readonly audit: Pick<AuditRepository, 'appendAll'>
  readonly now?: () => Date
}

/**
 * A figure without its bookkeeping, in the form stored, compared and audited (undefined fields become null). One
 * object literal, not a spread: an import makes this 40,000 times (the garbage collector's share showed in a profile).
 */
function figureOf(value: IndicatorValue): IndicatorValue {
  return {
    indicatorId: value.indicatorId,
    period: value.period,
    status: value.status,
    value: value.value ?? null,
    numerator: value.numerator ?? null,
    denominator: value.denominator ?? null,
    percent: value.percent ?? null,
    text: value.text ?? null,
    reason: value.reason ?? null,
    commentary: value.commentary ?? null,
  }
}

/** A figure with its version (and, for `after`, where it came from), as the audit event keeps it. */
function auditedFigure(value: IndicatorValue, version: number, written?: FigureWriteContext) {
  return {
    indicatorId: value.indicatorId,
    period: value.period,
    status: value.status,
    value: value.value ?? null,
    numerator: value.numerator ?? null,
    denominator: value.denominator ?? null,
    percent: value.percent ?? null,
    text: value.text ?? null,
    reason: value.reason ?? null,
    commentary: value.commentary ?? null,
    version,
    ...(written ? { source: written.source, reference: written.reference } : {}),
  }
}

/**
 * Whether two figures in stored form are the same figure: every field the row keeps, compared as stored (the same
 * answer as comparing their canonical JSON, without building two strings per figure of a 40,000-row import).
 */
function sameFigure(a: IndicatorValue, b: IndicatorValue): boolean {
  return (
    a.indicatorId === b.indicatorId &&
    a.period === b.period &&
    a.status === b.status &&
    a.value === b.value &&
    a.numerator === b.numerator &&
    a.denominator === b.denominator &&
    a.percent === b.percent &&
    a.text === b.text &&
    a.reason === b.reason &&
    a.commentary === b.commentary
  )
}

/**
 * The one audit event of a figure's change. Its fields are the same whoever writes: `before` is the stored figure with
 * its version (null for a new one), `after` the figure with its new version, where it came from (`source`) and what
 * it belongs to (`reference`). The trail has no columns for those two, so they ride in `after`, inside the event's
 * hash (no migration, and tamper-evident like the rest).
 */
export function figureAuditEvent(
  before: StoredIndicatorValue | null,
  after: IndicatorValue,
  version: number,
  context: FigureWriteContext,
): AuditEventInput {
  return {
    actor: context.actor,
    action: before === null ? 'create' : 'update',
    entityType: 'indicator-value',
    entityKey: figureKey(after.indicatorId, after.period),
    before: before === null ? null : auditedFigure(before, before.version),
    after: auditedFigure(after, version, context),
    requestId: context.requestId ?? null,
    importId: context.importId ?? null,
  }
}

/**
 * @example
 *   const figures = createFigureWriter({ audit: partnershipAudit })
 *   await inUnitOfWork(scopedDatabase, (uow) => figures.writeFigures(uow, changes, context))
 */
export function createFigureWriter(dependencies: FigureWriterDependencies): FigureWriter {
  const now = dependencies.now ?? (() => new Date())

  async function writeFigures(
    uow: UnitOfWork,
    changes: readonly FigureChange[],
    context: FigureWriteContext,
  ): Promise<FiguresOutcome> {
    // A figure belongs to a partnership: through the instance's unscoped handle it would be written to none.
    if (uow.partnershipId === null) throw new Error("A figure is written through its partnership's database handle")
    const byKey = new Map<string, FigureChange>()
    for (const change of changes) {
      const value = figureOf(change.value)
      const key = figureKey(value.indicatorId, value.period)
      byKey.set(key, { value, expectedVersion: change.expectedVersion }) // the last one given counts
    }
    const wanted = [...byKey.values()]
    const stored = await readFigureRows(
      uow,
      wanted.map((c) => c.value.indicatorId),
      wanted.map((c) => c.value.period),
    )
    const locked = await lockedQuartersFor(
      uow.trx,
      uow.dialect,
      wanted.map((c) => c.value.period),
    )

    // Decide every figure before writing any: a refusal leaves the unit of work as it was.
    const at = now().toISOString()
    const refusals: FigureRefusal[] = []
    const plan: { change: FigureChange; current: StoredIndicatorValue | null; unchanged: boolean }[] = []
    for (const change of wanted) {
      const { indicatorId, period } = change.value
      const current = stored.get(figureKey(indicatorId, period)) ?? null
      // In this order: what is already stored is no change at all, whoever asks and whatever version they saw (a
      // re-import of a signed-off quarter, a retried PUT); a change to a signed-off quarter is refused whatever its
      // version (reopening is the board's); only then is a stale version a conflict.
      const unchanged = current !== null && sameFigure(current, change.value)
      const quarter = locked.get(period)
      if (!unchanged && quarter !== undefined) {
        refusals.push({ outcome: 'locked', indicatorId, period, quarter })
        continue
      }
      if (!unchanged && change.expectedVersion !== undefined && change.expectedVersion !== (current?.version ?? 0)) {
        refusals.push({ outcome: 'conflict', indicatorId, period, current })
        continue
      }
      plan.push({ change, current, unchanged })
    }
    if (refusals.length > 0) return { outcome: 'refused', refusals }

    const results: FigureResult[] = []
    const inserts: { value: IndicatorValue; stamp: FigureRowStamp }[] = []
    const events: AuditEventInput[] = []
    for (const { change, current, unchanged } of plan) {
      if (unchanged && current !== null) {
        results.push({ outcome: 'unchanged', value: current })
        continue
      }
      const stamp: FigureRowStamp = { version: (current?.version ?? 0) + 1, updatedAt: at, updatedBy: context.actor }
      if (current === null) inserts.push({ value: change.value, stamp })
      else await updateFigureRow(uow, change.value, current.version, stamp)
      events.push(figureAuditEvent(current, change.value, stamp.version, context))
      const { value } = change
      results.push({
        outcome: 'written',
        created: current === null,
        value: {
          indicatorId: value.indicatorId,
          period: value.period,
          status: value.status,
          value: value.value,
          numerator: value.numerator,
          denominator: value.denominator,
          percent: value.percent,
          text: value.text,
          reason: value.reason,
          commentary: value.commentary,
          version: stamp.version,
          updatedAt: stamp.updatedAt,
          updatedBy: stamp.updatedBy,
        },
      })
    }
    await insertFigureRows(uow, inserts)
    await dependencies.audit.appendAll(uow.trx, events)
    return { outcome: 'written', results, auditEvents: events.length }
  }

  return {
    writeFigures,
    async writeFigure(uow, change, context) {
      const outcome = await writeFigures(uow, [change], context)
      const only = outcome.outcome === 'written' ? outcome.results[0] : outcome.refusals[0]
      if (only === undefined) throw new Error('unreachable: one figure in, one outcome out')
      return only
    },
  }
}
