import type { Kysely } from 'kysely'
import type { DialectName } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import { parsePeriod, type PeriodId } from '../domain/period.ts'

/**
 * The board's sign-off locks a quarter (src/returns). Every path that writes figures — a return, an import, the
 * API — asks this, inside its own write transaction, so that nothing is accepted for a signed-off quarter after the
 * lock commits: on SQLite write transactions are serial; on PostgreSQL the locked rows are read FOR SHARE, so a
 * lock being taken waits for this transaction, or this one sees it.
 *
 * Returns, for each given period that overlaps a locked quarter (the quarter itself, a month or bi-month within
 * it, or the year holding it), the locked quarter's id.
 */
export async function lockedQuartersFor(
  trx: Kysely<DatabaseSchema>,
  dialect: DialectName,
  periods: readonly PeriodId[],
): Promise<Map<PeriodId, PeriodId>> {
  const found = new Map<PeriodId, PeriodId>()
  if (periods.length === 0) return found
  let query = trx.selectFrom('return_periods').select('period').where('locked', '=', 1)
  if (dialect === 'postgres') query = query.forShare()
  const locked = (await query.execute()).flatMap((row) => parsePeriod(row.period) ?? [])
  if (locked.length === 0) return found
  for (const id of new Set(periods)) {
    const p = parsePeriod(id)
    if (p === null) continue
    const quarter = locked.find((q) => p.firstMonth <= q.lastMonth && q.firstMonth <= p.lastMonth)
    if (quarter) found.set(id, quarter.id)
  }
  return found
}

/** Thrown inside a write transaction when it would change a figure of a signed-off quarter: nothing is written. */
export class QuarterLockedError extends Error {
  readonly periods: ReadonlyMap<PeriodId, PeriodId>
  constructor(periods: ReadonlyMap<PeriodId, PeriodId>) {
    const quarters = [...new Set(periods.values())].map((q) => parsePeriod(q)?.label ?? q)
    super(
      `${quarters.join(', ')} ${quarters.length === 1 ? 'has' : 'have'} been signed off and locked: ` +
        'an analyst must reopen the quarter (with a reason) before its figures can change',
    )
    this.name = 'QuarterLockedError'
    this.periods = periods
  }
}
