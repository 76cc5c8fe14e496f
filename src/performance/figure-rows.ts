import type { Insertable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { IndicatorValue, ValueStatus } from '../domain/indicator.ts'
import type { PeriodId } from '../domain/period.ts'
import { valueColumns, type StoredIndicatorValue } from './performance-repository.ts'
import type { IndicatorValuesTable } from './tables.ts'

/**
 * The rows of `indicator_values`, read and written inside a unit of work. No rules here: which write is allowed,
 * and what is audited, is decided by `writeFigures` (write-figure.ts), the only caller.
 */

/** The key of a figure: `knife-crime/FY2017-18-Q1` (also its audit trail key). */
export const figureKey = (indicatorId: string, period: PeriodId): string => `${indicatorId}/${period}`

// Indicators × periods per read, and rows per multi-row INSERT: well under both databases' bound-parameter limits.
const READ_CHUNK = 200
const INSERT_BATCH = 200

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = []
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size))
  return result
}

/** The stored figures for these indicators and periods (every pair of them), by `figureKey`. */
export async function readFigureRows(
  uow: UnitOfWork,
  indicatorIds: readonly string[],
  periods: readonly PeriodId[],
): Promise<Map<string, StoredIndicatorValue>> {
  const found = new Map<string, StoredIndicatorValue>()
  for (const ids of chunks([...new Set(indicatorIds)], READ_CHUNK)) {
    for (const somePeriods of chunks([...new Set(periods)], READ_CHUNK)) {
      const rows = await uow.trx
        .selectFrom('indicator_values')
        .selectAll()
        .where('indicator_id', 'in', ids)
        .where('period', 'in', somePeriods)
        .execute()
      for (const row of rows) {
        // Built field by field: a spread per row costs a 40,000-row import measurably.
        found.set(figureKey(row.indicator_id, row.period), {
          indicatorId: row.indicator_id,
          period: row.period,
          status: row.status as ValueStatus,
          value: row.value,
          numerator: row.numerator,
          denominator: row.denominator,
          percent: row.percent,
          text: row.text,
          reason: row.reason,
          commentary: row.commentary,
          version: row.version,
          updatedAt: row.updated_at,
          updatedBy: row.updated_by,
        })
      }
    }
  }
  return found
}

export interface FigureRowStamp {
  readonly version: number
  readonly updatedAt: string
  readonly updatedBy: string
}

/** Inserts new figures, many rows per statement. */
export async function insertFigureRows(
  uow: UnitOfWork,
  rows: readonly { readonly value: IndicatorValue; readonly stamp: FigureRowStamp }[],
): Promise<void> {
  const values: Insertable<IndicatorValuesTable>[] = rows.map(({ value, stamp }) => ({
    ...valueColumns(value),
    version: stamp.version,
    updated_at: stamp.updatedAt,
    updated_by: stamp.updatedBy,
  }))
  for (const batch of chunks(values, INSERT_BATCH)) await uow.trx.insertInto('indicator_values').values(batch).execute()
}

/** Replaces a stored figure that is still at `fromVersion` (the caller read it in this unit of work). */
export async function updateFigureRow(
  uow: UnitOfWork,
  value: IndicatorValue,
  fromVersion: number,
  stamp: FigureRowStamp,
): Promise<void> {
  const { indicator_id: _i, period: _p, ...columns } = valueColumns(value)
  const result = await uow.trx
    .updateTable('indicator_values')
    .set({ ...columns, version: stamp.version, updated_at: stamp.updatedAt, updated_by: stamp.updatedBy })
    .where('indicator_id', '=', value.indicatorId)
    .where('period', '=', value.period)
    .where('version', '=', fromVersion)
    .executeTakeFirst()
  // Cannot happen while writers hold the audited transaction's lock; if it ever does, nothing must commit.
  if (Number(result.numUpdatedRows) !== 1) {
    throw new Error(`The figure ${figureKey(value.indicatorId, value.period)} changed under this transaction`)
  }
}
