import { createHash } from 'node:crypto'
import type { Insertable, Selectable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type {
  Baseline,
  Cadence,
  Indicator,
  IndicatorValue,
  MeasureType,
  PreferredDirection,
  StockAggregation,
  Target,
  ValueStatus,
} from '../domain/indicator.ts'
import { comparePeriods, parsePeriod, periodsOfYear, type PeriodId } from '../domain/period.ts'
import type { BaselinesTable, ImportsTable, IndicatorsTable, IndicatorValuesTable } from './tables.ts'

/** What one import brings: records to add or update (an import never deletes). */
export interface ImportChanges {
  readonly indicators: readonly Indicator[]
  readonly baselines: readonly Baseline[]
  readonly values: readonly IndicatorValue[]
}

export interface ImportedFile {
  readonly name: string
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string
  readonly bytes: number
}

export interface ImportContext {
  /** Who imports: a user name, or "demo-data". */
  readonly actor: string
  readonly files: readonly ImportedFile[]
  /** Data rows read from the files (all of them accepted: an import with a problem is never applied). */
  readonly rowsRead: number
  readonly startedAt?: string
  readonly requestId?: string | null
}

export interface ChangeCounts {
  readonly added: number
  readonly changed: number
  readonly unchanged: number
}

export interface ImportSummary {
  readonly indicators: ChangeCounts
  readonly baselines: ChangeCounts
  readonly values: ChangeCounts
}

export interface AppliedImport {
  readonly importId: number
  readonly summary: ImportSummary
  /** Audit events written: one per added or changed record. */
  readonly auditEvents: number
}

/** An import as recorded in the `imports` table. */
export interface ImportRecord {
  readonly id: number
  readonly files: readonly ImportedFile[]
  readonly sha256: string
  readonly actor: string
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly rowsRead: number
  readonly rowsAccepted: number
  readonly rowsRejected: number
  readonly outcome: 'applied' | 'rejected'
  readonly summary: ImportSummary | null
}

/** A stored value with its bookkeeping: the version a later editor must quote back (optimistic concurrency). */
export interface StoredIndicatorValue extends IndicatorValue {
  readonly version: number
  readonly updatedAt: string
  readonly updatedBy: string
}

export interface ValueFilter {
  readonly indicatorIds?: readonly string[]
  /** Exactly these periods, e.g. `FY2017-18-Q1`. */
  readonly periods?: readonly PeriodId[]
  /** Every period within these financial years (the year itself, its quarters, bi-months and months). */
  readonly years?: readonly PeriodId[]
}

export interface BaselineFilter {
  readonly indicatorIds?: readonly string[]
  readonly years?: readonly PeriodId[]
}

/**
 * The performance framework's storage: indicators (KPI definitions), baselines and values per period. It reads
 * and writes rows; it opens no transaction (the import service does, and hands its unit of work down) and decides
 * nothing: what an import changes is decided in apply-import.ts, and figures are written by write-figure.ts.
 */
export interface PerformanceRepository {
  /** Every indicator, in the order first imported. */
  listIndicators(): Promise<Indicator[]>
  countIndicators(): Promise<number>
  /** Baselines in indicator order, then by year. */
  listBaselines(filter?: BaselineFilter): Promise<Baseline[]>
  /** Values in indicator order, then by period (earliest first). */
  listValues(filter?: ValueFilter): Promise<IndicatorValue[]>
  getValue(indicatorId: string, period: PeriodId): Promise<StoredIndicatorValue | null>
  // ---- Rows, inside the caller's unit of work: no rules here (apply-import.ts decides what changes, and
  // write-figure.ts writes the figures themselves). --------------------------------------------------------------
  /** Every stored indicator (as the database holds it) and the last position used. */
  indicatorsForUpdate(uow: UnitOfWork): Promise<{ indicators: Map<string, Indicator>; lastPosition: number }>
  updateIndicator(uow: UnitOfWork, indicator: Indicator, stamp: RowStamp): Promise<void>
  insertIndicators(
    uow: UnitOfWork,
    rows: readonly { readonly indicator: Indicator; readonly position: number }[],
    stamp: RowStamp,
  ): Promise<void>
  /** The stored baselines of these indicators, by `indicatorId/year`. */
  baselinesForUpdate(uow: UnitOfWork, indicatorIds: readonly string[]): Promise<Map<string, Baseline>>
  updateBaseline(uow: UnitOfWork, baseline: Baseline, stamp: RowStamp): Promise<void>
  insertBaselines(uow: UnitOfWork, baselines: readonly Baseline[], stamp: RowStamp): Promise<void>
  /** Records an import as begun; returns its id. */
  startImport(uow: UnitOfWork, context: ImportContext, at: string): Promise<number>
  finishImport(uow: UnitOfWork, importId: number, summary: ImportSummary, at: string): Promise<void>
  /** The latest imports, newest first. */
  listImports(limit?: number): Promise<ImportRecord[]>
}

/** When and by whom a row was last changed. */
export interface RowStamp {
  readonly at: string
  readonly by: string
}

// ---- Mapping between rows and the domain ----------------------------------------------------------------

type IndicatorColumns = Omit<Insertable<IndicatorsTable>, 'position' | 'updated_at' | 'updated_by'>

function indicatorColumns(indicator: Indicator): IndicatorColumns {
  const target = indicator.target
  return {
    id: indicator.id,
    name: indicator.name,
    theme: indicator.theme,
    priority: indicator.priority,
    definition: indicator.definition,
    data_owner: indicator.dataOwner,
    cadence: indicator.cadence,
    measure_type: indicator.measureType,
    preferred_direction: indicator.preferredDirection,
    hidden_harm: indicator.hiddenHarm ? 1 : 0,
    rate_per: indicator.ratePer ?? null,
    stock_aggregation: indicator.stockAggregation ?? null,
    unit: indicator.unit ?? null,
    share_label: indicator.shareLabel ?? null,
    target_kind: target?.kind ?? null,
    target_value: target?.kind === 'absolute' ? target.value : null,
    target_comparison: target?.kind === 'absolute' ? target.comparison : null,
    target_percent: target?.kind === 'relative' ? target.percent : null,
    target_reference_year: target?.kind === 'relative' ? target.referenceYear : null,
  }
}

function toIndicator(row: IndicatorColumns): Indicator {
  let target: Target | undefined
  if (row.target_kind === 'absolute') {
    target = {
      kind: 'absolute',
      value: row.target_value as number,
      comparison: row.target_comparison as 'at-most' | 'at-least',
    }
  } else if (row.target_kind === 'relative') {
    target = {
      kind: 'relative',
      percent: row.target_percent as number,
      referenceYear: row.target_reference_year as string,
    }
  }
  const indicator: Indicator = {
    id: row.id,
    name: row.name,
    theme: row.theme,
    priority: row.priority,
    definition: row.definition,
    dataOwner: row.data_owner,
    cadence: row.cadence as Cadence,
    measureType: row.measure_type as MeasureType,
    preferredDirection: row.preferred_direction as PreferredDirection,
    hiddenHarm: row.hidden_harm === 1,
    ...(row.rate_per != null ? { ratePer: row.rate_per } : {}),
    ...(row.stock_aggregation != null ? { stockAggregation: row.stock_aggregation as StockAggregation } : {}),
    ...(target ? { target } : {}),
    ...(row.share_label != null ? { shareLabel: row.share_label } : {}),
    ...(row.unit != null ? { unit: row.unit } : {}),
  }
  return indicator
}

type BaselineColumns = Omit<Insertable<BaselinesTable>, 'id' | 'updated_at' | 'updated_by'>

function baselineColumns(baseline: Baseline): BaselineColumns {
  return {
    indicator_id: baseline.indicatorId,
    year: baseline.year,
    source: baseline.source,
    value: baseline.value,
    numerator: baseline.numerator ?? null,
    denominator: baseline.denominator ?? null,
    note: baseline.note ?? null,
  }
}

function toBaseline(row: BaselineColumns): Baseline {
  return {
    indicatorId: row.indicator_id,
    year: row.year,
    source: row.source as Baseline['source'],
    value: row.value,
    ...(row.numerator != null ? { numerator: row.numerator } : {}),
    ...(row.denominator != null ? { denominator: row.denominator } : {}),
    ...(row.note != null ? { note: row.note } : {}),
  }
}

type ValueColumns = Omit<Insertable<IndicatorValuesTable>, 'id' | 'version' | 'updated_at' | 'updated_by'>

/** A figure as the columns of `indicator_values` (also used by the API's single-figure writes). */
export function valueColumns(value: IndicatorValue): ValueColumns {
  return {
    indicator_id: value.indicatorId,
    period: value.period,
    status: value.status,
    value: value.value,
    numerator: value.numerator,
    denominator: value.denominator,
    percent: value.percent,
    text: value.text,
    reason: value.reason,
    commentary: value.commentary,
  }
}

export function toValue(row: ValueColumns): IndicatorValue {
  return {
    indicatorId: row.indicator_id,
    period: row.period,
    status: row.status as ValueStatus,
    value: row.value ?? null,
    numerator: row.numerator ?? null,
    denominator: row.denominator ?? null,
    percent: row.percent ?? null,
    text: row.text ?? null,
    reason: row.reason ?? null,
    commentary: row.commentary ?? null,
  }
}

export function toStoredValue(row: Selectable<IndicatorValuesTable>): StoredIndicatorValue {
  return { ...toValue(row), version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by }
}

function toImportRecord(row: Selectable<ImportsTable>): ImportRecord {
  return {
    id: row.id,
    files: JSON.parse(row.files) as ImportedFile[],
    sha256: row.sha256,
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    rowsRead: row.rows_read,
    rowsAccepted: row.rows_accepted,
    rowsRejected: row.rows_rejected,
    outcome: row.outcome as ImportRecord['outcome'],
    summary: row.summary === null ? null : (JSON.parse(row.summary) as ImportSummary),
  }
}

/** Every period identifier that lies within a financial year `FY2017-18`. */
function periodsWithin(yearId: PeriodId): PeriodId[] {
  const year = parsePeriod(yearId)
  if (!year || year.kind !== 'year') throw new Error(`Not a financial year: "${yearId}"`)
  return [
    year.id,
    ...(['quarter', 'bi-month', 'month'] as const).flatMap((kind) =>
      periodsOfYear(year.financialYear, kind).map((p) => p.id),
    ),
  ]
}

/** Periods we can order; an unknown identifier (the database checks the shape, not the calendar) sorts last. */
function periodOrder(a: PeriodId, b: PeriodId): number {
  const pa = parsePeriod(a)
  const pb = parsePeriod(b)
  if (pa && pb) return comparePeriods(pa, pb)
  return pa ? -1 : pb ? 1 : a < b ? -1 : a > b ? 1 : 0
}

/** An indicator in the form the database holds it (a field it does not keep never counts as a change). */
export const storedIndicator = (indicator: Indicator): Indicator => toIndicator(indicatorColumns(indicator))

/** A baseline in the form the database holds it. */
export const storedBaseline = (baseline: Baseline): Baseline => toBaseline(baselineColumns(baseline))

/** The audit trail's key for a baseline or a value: `knife-crime/FY2017-18-Q1`. */
export const recordKey = (indicatorId: string, period: PeriodId) => `${indicatorId}/${period}`

/** One record per key, the last one named winning, in the order keys first appear. */
export function lastOfEachKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>()
  for (const item of items) byKey.set(key(item), item)
  return [...byKey.values()]
}

// Rows per multi-row INSERT: well under both databases' limits on bound parameters.
const INSERT_BATCH = 200

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = []
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size))
  return result
}

// ---- The repository --------------------------------------------------------------------------------------

/**
 * @example
 *   const performance = createPerformanceRepository(scopedDatabase)
 *   const indicators = await performance.listIndicators()
 */
export function createPerformanceRepository(database: Database): PerformanceRepository {
  const { db } = database

  return {
    async listIndicators() {
      const rows = await db.selectFrom('indicators').selectAll().orderBy('position').execute()
      return rows.map(toIndicator)
    },

    async countIndicators() {
      const row = await db
        .selectFrom('indicators')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async listBaselines(filter = {}) {
      if (filter.indicatorIds?.length === 0 || filter.years?.length === 0) return []
      let query = db
        .selectFrom('baselines')
        .innerJoin('indicators', 'indicators.id', 'baselines.indicator_id')
        .selectAll('baselines')
        .orderBy('indicators.position')
        .orderBy('baselines.year')
      if (filter.indicatorIds) query = query.where('baselines.indicator_id', 'in', filter.indicatorIds)
      if (filter.years) query = query.where('baselines.year', 'in', filter.years)
      return (await query.execute()).map(toBaseline)
    },

    async listValues(filter = {}) {
      if (filter.indicatorIds?.length === 0 || filter.periods?.length === 0 || filter.years?.length === 0) return []
      let query = db
        .selectFrom('indicator_values')
        .innerJoin('indicators', 'indicators.id', 'indicator_values.indicator_id')
        .selectAll('indicator_values')
        .select('indicators.position')
      if (filter.indicatorIds) query = query.where('indicator_values.indicator_id', 'in', filter.indicatorIds)
      if (filter.periods) query = query.where('indicator_values.period', 'in', filter.periods)
      if (filter.years) query = query.where('indicator_values.period', 'in', filter.years.flatMap(periodsWithin))
      const rows = await query.execute()
      rows.sort((a, b) => a.position - b.position || periodOrder(a.period, b.period))
      return rows.map(toValue)
    },

    async getValue(indicatorId, period) {
      const row = await db
        .selectFrom('indicator_values')
        .selectAll()
        .where('indicator_id', '=', indicatorId)
        .where('period', '=', period)
        .executeTakeFirst()
      return row ? toStoredValue(row) : null
    },

    async indicatorsForUpdate(uow) {
      const indicators = new Map<string, Indicator>()
      let lastPosition = 0
      for (const row of await uow.trx.selectFrom('indicators').selectAll().execute()) {
        indicators.set(row.id, toIndicator(row))
        lastPosition = Math.max(lastPosition, row.position)
      }
      return { indicators, lastPosition }
    },

    async updateIndicator(uow, indicator, stamp) {
      await uow.trx
        .updateTable('indicators')
        .set({ ...indicatorColumns(indicator), updated_at: stamp.at, updated_by: stamp.by })
        .where('id', '=', indicator.id)
        .execute()
    },

    async insertIndicators(uow, rows, stamp) {
      const values: Insertable<IndicatorsTable>[] = rows.map(({ indicator, position }) => ({
        ...indicatorColumns(indicator),
        position,
        updated_at: stamp.at,
        updated_by: stamp.by,
      }))
      for (const batch of chunks(values, INSERT_BATCH)) await uow.trx.insertInto('indicators').values(batch).execute()
    },

    async baselinesForUpdate(uow, indicatorIds) {
      const found = new Map<string, Baseline>()
      for (const ids of chunks([...new Set(indicatorIds)], 500)) {
        for (const row of await uow.trx
          .selectFrom('baselines')
          .selectAll()
          .where('indicator_id', 'in', ids)
          .execute()) {
          found.set(recordKey(row.indicator_id, row.year), toBaseline(row))
        }
      }
      return found
    },

    async updateBaseline(uow, baseline, stamp) {
      await uow.trx
        .updateTable('baselines')
        .set({ ...baselineColumns(baseline), updated_at: stamp.at, updated_by: stamp.by })
        .where('indicator_id', '=', baseline.indicatorId)
        .where('year', '=', baseline.year)
        .execute()
    },

    async insertBaselines(uow, baselines, stamp) {
      const values: Insertable<BaselinesTable>[] = baselines.map((b) => ({
        ...baselineColumns(b),
        updated_at: stamp.at,
        updated_by: stamp.by,
      }))
      for (const batch of chunks(values, INSERT_BATCH)) await uow.trx.insertInto('baselines').values(batch).execute()
    },

    async startImport(uow, context, at) {
      const { id } = await uow.trx
        .insertInto('imports')
        .values({
          files: JSON.stringify(context.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes }))),
          sha256: importDigest(context.files),
          actor: context.actor,
          started_at: context.startedAt ?? at,
          finished_at: null,
          rows_read: context.rowsRead,
          rows_accepted: context.rowsRead,
          rows_rejected: 0,
          outcome: 'applied',
          summary: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return id
    },

    async finishImport(uow, importId, summary, at) {
      await uow.trx
        .updateTable('imports')
        .set({ finished_at: at, summary: JSON.stringify(summary) })
        .where('id', '=', importId)
        .execute()
    },

    async listImports(limit = 50) {
      const rows = await db
        .selectFrom('imports')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(limit, 1), 1_000))
        .execute()
      return rows.map(toImportRecord)
    },
  }
}

/**
 * One digest for a set of files, whatever order they were given in: sha256 over the files' own digests,
 * sorted. The same files imported again give the same digest.
 */
export function importDigest(files: readonly ImportedFile[]): string {
  const hash = createHash('sha256')
  for (const digest of files.map((f) => f.sha256).sort()) hash.update(digest)
  return hash.digest('hex')
}
