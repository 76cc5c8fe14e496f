import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Kysely } from 'kysely'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import { parsePeriod } from '../domain/period.ts'
import { lockedQuartersFor } from './quarter-locks.ts'

/** What removing a KPI would take with it: the reason to ask first. */
export interface IndicatorHoldings {
  readonly figures: number
  readonly baselines: number
  readonly returnItems: number
  readonly commentaryReviews: number
}

export type IndicatorRemoval =
  | { readonly outcome: 'not-found' }
  /** It holds records that would be lost: nothing was removed; the caller asks before deleting them. */
  | { readonly outcome: 'needs-confirmation'; readonly holdings: IndicatorHoldings; readonly described: string }
  /** Some of its figures are in a signed-off quarter: refused whatever was confirmed. */
  | { readonly outcome: 'locked'; readonly quarters: readonly string[] }
  | { readonly outcome: 'removed'; readonly holdings: IndicatorHoldings; readonly name: string }

/** "12 figures, 1 baseline and 3 items of quarterly returns": what would be lost, in words. */
export function describeHoldings(h: IndicatorHoldings): string {
  const part = (n: number, one: string, many: string) => (n === 0 ? [] : [`${n} ${n === 1 ? one : many}`])
  const parts = [
    ...part(h.figures, 'figure', 'figures'),
    ...part(h.baselines, 'baseline', 'baselines'),
    ...part(h.returnItems, 'item of a quarterly return', 'items of quarterly returns'),
    ...part(h.commentaryReviews, 'commentary review', 'commentary reviews'),
  ]
  return parts.length <= 1 ? (parts[0] ?? 'nothing') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

/**
 * Removes one KPI from a partnership's framework, in one audited unit of work over the partnership's own handle.
 * When it holds figures, baselines, return items or commentary reviews, nothing is removed unless
 * `deleteHoldings` says to delete them too (the caller has shown `described` and asked); each deleted record gets
 * an audit event with what it held, so the trail keeps every figure. Figures in a signed-off quarter are never
 * deleted: the board reopens the quarter first.
 *
 * @example await removeIndicator({ database, audit }, 'cli:amy', 'knife-crime', { deleteHoldings: false })
 */
export async function removeIndicator(
  deps: { readonly database: ScopedDatabase; readonly audit: AuditRepository },
  actor: string,
  indicatorId: string,
  options: { readonly deleteHoldings: boolean },
): Promise<IndicatorRemoval> {
  return inUnitOfWork(deps.database, (uow) => removeIn(uow, deps.audit, actor, indicatorId, options))
}

/** A KPI and what it holds, read in `executor` (the unit of work, or the partnership's handle). */
async function read(executor: Kysely<DatabaseSchema>, indicatorId: string) {
  const indicator = await executor.selectFrom('indicators').selectAll().where('id', '=', indicatorId).executeTakeFirst()
  const figures = await executor
    .selectFrom('indicator_values')
    .selectAll()
    .where('indicator_id', '=', indicatorId)
    .execute()
  const baselines = await executor.selectFrom('baselines').selectAll().where('indicator_id', '=', indicatorId).execute()
  const items = await executor.selectFrom('return_items').selectAll().where('indicator_id', '=', indicatorId).execute()
  const reviews = await executor
    .selectFrom('commentary_reviews')
    .selectAll()
    .where('indicator_id', '=', indicatorId)
    .execute()
  // Its place in the plan (src/plan/kpi-links.ts): not a holding to confirm (the KPI's own text says the same), but
  // deleted with it, audited, since the link's foreign key refuses the KPI's removal otherwise.
  const planLink = await executor
    .selectFrom('indicator_priorities')
    .selectAll()
    .where('indicator_id', '=', indicatorId)
    .executeTakeFirst()
  const holdings: IndicatorHoldings = {
    figures: figures.length,
    baselines: baselines.length,
    returnItems: items.length,
    commentaryReviews: reviews.length,
  }
  return { indicator, figures, baselines, items, reviews, planLink, holdings }
}

/**
 * What removing a KPI would take with it, for the confirmation page; null when the partnership has no such KPI.
 *
 * @example await indicatorHoldings(scoped, 'knife-crime') // { name: 'Knife crime', described: '8 figures and 1 baseline', … }
 */
export async function indicatorHoldings(
  database: ScopedDatabase,
  indicatorId: string,
): Promise<{ readonly name: string; readonly holdings: IndicatorHoldings; readonly described: string } | null> {
  const { indicator, holdings } = await read(database.db, indicatorId)
  return indicator ? { name: indicator.name, holdings, described: describeHoldings(holdings) } : null
}

async function removeIn(
  { trx, dialect }: UnitOfWork,
  audit: AuditRepository,
  actor: string,
  indicatorId: string,
  options: { readonly deleteHoldings: boolean },
): Promise<IndicatorRemoval> {
  const { indicator, figures, baselines, items, reviews, planLink, holdings } = await read(trx, indicatorId)
  if (!indicator) return { outcome: 'not-found' }
  const holdsSomething = Object.values(holdings).some((n) => n > 0)
  if (holdsSomething && !options.deleteHoldings)
    return { outcome: 'needs-confirmation', holdings, described: describeHoldings(holdings) }
  const locked = await lockedQuartersFor(
    trx,
    dialect,
    figures.map((f) => f.period),
  )
  if (locked.size > 0) {
    const quarters = [...new Set(locked.values())].map((q) => parsePeriod(q)?.label ?? q)
    return { outcome: 'locked', quarters }
  }

  const events: AuditEventInput[] = []
  const gone = (entityType: string, entityKey: string, before: unknown) =>
    events.push({ actor, action: 'delete', entityType, entityKey, before, after: null })
  const { partnership_id: _p, ...definition } = indicator
  for (const { partnership_id: _, ...item } of items)
    gone('return-item', `${item.return_id}/${item.indicator_id}/${item.period}`, item)
  for (const { partnership_id: _, ...review } of reviews)
    gone('commentary-review', `${review.year}/${review.indicator_id}`, review)
  for (const { partnership_id: _, ...figure } of figures)
    gone('indicator-value', `${figure.indicator_id}/${figure.period}`, figure)
  for (const { partnership_id: _, ...baseline } of baselines)
    gone('baseline', `${baseline.indicator_id}/${baseline.year}`, baseline)
  if (planLink) {
    const { partnership_id: _, id: _id, ...link } = planLink
    gone('kpi-priority-link', indicatorId, link)
  }
  gone('indicator', indicatorId, definition)

  await trx.deleteFrom('return_items').where('indicator_id', '=', indicatorId).execute()
  await trx.deleteFrom('commentary_reviews').where('indicator_id', '=', indicatorId).execute()
  await trx.deleteFrom('indicator_values').where('indicator_id', '=', indicatorId).execute()
  await trx.deleteFrom('baselines').where('indicator_id', '=', indicatorId).execute()
  await trx.deleteFrom('indicator_priorities').where('indicator_id', '=', indicatorId).execute()
  await trx.deleteFrom('indicators').where('id', '=', indicatorId).execute()
  await audit.appendAll(trx, events)
  return { outcome: 'removed', holdings, name: indicator.name }
}
