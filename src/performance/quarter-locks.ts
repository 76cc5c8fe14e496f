import type { Kysely } from 'kysely'
import type { DialectName } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import { parsePeriod, type PeriodId } from '../domain/period.ts'
import { reportingQuarterOf } from '../domain/due-periods.ts'

/**
 * The board's sign-off locks a quarter (src/returns). Every path that writes figures — a return, an import, the
 * API — asks this, inside its own write transaction, so that nothing is accepted for a signed-off quarter after the
 * lock commits: on SQLite write transactions are serial; on PostgreSQL the locked rows are read FOR SHARE, so a
 * lock being taken waits for this transaction, or this one sees it.
 *
 * Returns, for each given period whose figure a locked quarter's return carries, the locked quarter's id: a period
 * belongs to the quarter it ENDS in (src/domain/due-periods.ts): the quarter itself, its months, the two-month periods ending
 * in it (June–July is Q2's), and for Q4 the financial year. A period that merely overlaps a signed-off quarter is
 * not locked by it: its figure could not be known when that quarter was signed off, and it comes in a later return.
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
  const locked = new Set((await query.execute()).map((row) => row.period))
  if (locked.size === 0) return found
  for (const id of new Set(periods)) {
    const p = parsePeriod(id)
    if (p === null) continue
    const quarter = reportingQuarterOf(p).id
    if (locked.has(quarter)) found.set(id, quarter)
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
        'the board must reopen the quarter (with a reason) before its figures can change',
    )
    this.name = 'QuarterLockedError'
    this.periods = periods
  }
}
