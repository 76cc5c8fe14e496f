import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import { canonicalJson } from '../audit/canonical-json.ts'
import type { Baseline, Indicator } from '../domain/indicator.ts'
import type { PeriodId } from '../domain/period.ts'
import {
  lastOfEachKey,
  recordKey,
  storedBaseline,
  storedIndicator,
  type AppliedImport,
  type ImportChanges,
  type ImportContext,
  type ImportSummary,
  type PerformanceRepository,
} from './performance-repository.ts'
import { QuarterLockedError } from './quarter-locks.ts'
import type { FigureWriter } from './write-figure.ts'

export interface ApplyImportDependencies {
  readonly repository: PerformanceRepository
  readonly figures: FigureWriter
  readonly audit: Pick<AuditRepository, 'appendAll'>
  readonly now: () => Date
}

function emptyCounts(): { added: number; changed: number; unchanged: number } {
  return { added: 0, changed: 0, unchanged: 0 }
}

/**
 * An import's rules, inside the caller's unit of work: adds or updates indicators, baselines and values, with one
 * audit event (before and after) per record that really changed, and records the import. Unchanged records are not
 * touched: the same import applied twice changes nothing the second time. Figures go through `writeFigures`, like
 * every other writer's. A changed figure of a signed-off quarter throws `QuarterLockedError`, so that the caller's
 * unit of work rolls back everything this import wrote (an import is applied whole or not at all).
 */
export async function applyImport(
  uow: UnitOfWork,
  dependencies: ApplyImportDependencies,
  changes: ImportChanges,
  context: ImportContext,
): Promise<AppliedImport> {
  const { repository } = dependencies
  const at = dependencies.now().toISOString()
  const stamp = { at, by: context.actor }
  const importId = await repository.startImport(uow, context, at)
  const events: AuditEventInput[] = []
  const event = (entityType: string, entityKey: string, before: unknown, after: unknown): void => {
    events.push({
      actor: context.actor,
      action: before === null ? 'create' : 'update',
      entityType,
      entityKey,
      before,
      after,
      importId,
      requestId: context.requestId ?? null,
    })
  }

  // Indicators. Compared in the form the database holds, so a field it does not keep never counts as a change.
  const indicatorCounts = emptyCounts()
  const { indicators: existingIndicators, lastPosition } = await repository.indicatorsForUpdate(uow)
  let position = lastPosition
  const newIndicators: { indicator: Indicator; position: number }[] = []
  for (const after of lastOfEachKey(changes.indicators.map(storedIndicator), (i) => i.id)) {
    const before = existingIndicators.get(after.id)
    if (before && canonicalJson(before) === canonicalJson(after)) {
      indicatorCounts.unchanged++
      continue
    }
    if (before) {
      indicatorCounts.changed++
      await repository.updateIndicator(uow, after, stamp)
    } else {
      indicatorCounts.added++
      newIndicators.push({ indicator: after, position: ++position })
    }
    event('indicator', after.id, before ?? null, after)
  }
  await repository.insertIndicators(uow, newIndicators, stamp)

  // Baselines, keyed by indicator and year.
  const baselineCounts = emptyCounts()
  const existingBaselines = await repository.baselinesForUpdate(
    uow,
    changes.baselines.map((b) => b.indicatorId),
  )
  const newBaselines: Baseline[] = []
  for (const after of lastOfEachKey(changes.baselines.map(storedBaseline), (b) => recordKey(b.indicatorId, b.year))) {
    const key = recordKey(after.indicatorId, after.year)
    const before = existingBaselines.get(key)
    if (before && canonicalJson(before) === canonicalJson(after)) {
      baselineCounts.unchanged++
      continue
    }
    if (before) {
      baselineCounts.changed++
      await repository.updateBaseline(uow, after, stamp)
    } else {
      baselineCounts.added++
      newBaselines.push(after)
    }
    event('baseline', key, before ?? null, after)
  }
  await repository.insertBaselines(uow, newBaselines, stamp)
  await dependencies.audit.appendAll(uow.trx, events)

  // Values: the one way a figure is written, with the import as its reference.
  const written = await dependencies.figures.writeFigures(
    uow,
    changes.values.map((value) => ({ value })),
    {
      actor: context.actor,
      source: 'import',
      reference: `import:${importId}`,
      importId,
      requestId: context.requestId ?? null,
    },
  )
  if (written.outcome === 'refused') {
    const locked = new Map<PeriodId, PeriodId>()
    for (const refusal of written.refusals) {
      // An import names no version, so a refusal can only be a lock.
      if (refusal.outcome === 'locked') locked.set(refusal.period, refusal.quarter)
      else
        throw new Error(`unreachable: an import's figure ${refusal.indicatorId}/${refusal.period} met a version check`)
    }
    throw new QuarterLockedError(locked)
  }
  const valueCounts = emptyCounts()
  for (const result of written.results) {
    if (result.outcome === 'unchanged') valueCounts.unchanged++
    else if (result.created) valueCounts.added++
    else valueCounts.changed++
  }

  const summary: ImportSummary = { indicators: indicatorCounts, baselines: baselineCounts, values: valueCounts }
  await repository.finishImport(uow, importId, summary, dependencies.now().toISOString())
  return { importId, summary, auditEvents: events.length + written.auditEvents }
}
