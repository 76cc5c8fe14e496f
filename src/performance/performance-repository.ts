import { lockedQuartersFor, QuarterLockedError } from './quarter-locks.ts'
import { createHash } from 'node:crypto'
import type { Insertable, Kysely, Selectable } from 'kysely'
import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import { canonicalJson } from '../audit/canonical-json.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
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
 * The performance framework's storage: indicators (KPI definitions), baselines and values per period.
 * Every change goes through `applyImport`, which audits it.
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
  /**
   * Adds or updates indicators, baselines and values in ONE transaction, with one audit event (before and
   * after) per record that really changed, and records the import. Unchanged records are not touched: the
   * same import applied twice changes nothing the second time.
   */
  applyImport(changes: ImportChanges, context: ImportContext): Promise<AppliedImport>
  /**
   * What `applyImport` would change, without changing anything: the same code runs in a transaction that is
   * then rolled back, so the preview can never disagree with the import.
   */
  previewImport(changes: ImportChanges, context: ImportContext): Promise<ImportSummary>
  /** The latest imports, newest first. */
  listImports(limit?: number): Promise<ImportRecord[]>
}

export interface PerformanceRepositoryOptions {
  readonly now?: () => Date
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

/** The audit trail's key for a baseline or a value: `knife-crime/FY2017-18-Q1`. */
const recordKey = (indicatorId: string, period: PeriodId) => `${indicatorId}/${period}`

/** One record per key, the last one named winning, in the order keys first appear. */
function lastOfEachKey<T>(items: readonly T[], key: (item: T) => string): T[] {
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

function emptyCounts(): { added: number; changed: number; unchanged: number } {
  return { added: 0, changed: 0, unchanged: 0 }
}

// ---- The repository --------------------------------------------------------------------------------------

/**
 * @example
 *   const performance = createPerformanceRepository(database, createAuditRepository(database))
 *   const indicators = await performance.listIndicators()
 */
export function createPerformanceRepository(
  database: Database,
  audit: AuditRepository,
  options: PerformanceRepositoryOptions = {},
): PerformanceRepository {
  const { db } = database
  const now = options.now ?? (() => new Date())

  async function applyImportInTransaction(
    trx: Kysely<DatabaseSchema>,
    changes: ImportChanges,
    context: ImportContext,
  ): Promise<AppliedImport> {
    const at = now().toISOString()
    const by = context.actor
    const { id: importId } = await trx
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
    const events: AuditEventInput[] = []
    const event = (entityType: string, entityKey: string, before: unknown, after: unknown): void => {
      events.push({
        actor: by,
        action: before === null ? 'create' : 'update',
        entityType,
        entityKey,
        before,
        after,
        importId,
        requestId: context.requestId ?? null,
      })
    }

    // Indicators. Compare the forms the database can hold, so a field it does not keep never counts as a change.
    const indicatorCounts = emptyCounts()
    const existingIndicators = new Map<string, Indicator>()
    let lastPosition = 0
    for (const row of await trx.selectFrom('indicators').selectAll().execute()) {
      existingIndicators.set(row.id, toIndicator(row))
      lastPosition = Math.max(lastPosition, row.position)
    }
    const newIndicators: Insertable<IndicatorsTable>[] = []
    for (const columns of lastOfEachKey(changes.indicators.map(indicatorColumns), (c) => c.id)) {
      const after = toIndicator(columns)
      const before = existingIndicators.get(after.id)
      if (before && canonicalJson(before) === canonicalJson(after)) {
        indicatorCounts.unchanged++
        continue
      }
      if (before) {
        indicatorCounts.changed++
        await trx
          .updateTable('indicators')
          .set({ ...columns, updated_at: at, updated_by: by })
          .where('id', '=', after.id)
          .execute()
      } else {
        indicatorCounts.added++
        newIndicators.push({ ...columns, position: ++lastPosition, updated_at: at, updated_by: by })
      }
      event('indicator', after.id, before ?? null, after)
    }
    for (const batch of chunks(newIndicators, INSERT_BATCH)) await trx.insertInto('indicators').values(batch).execute()

    // Baselines, keyed by indicator and year.
    const baselineCounts = emptyCounts()
    const existingBaselines = new Map<string, Baseline>()
    for (const ids of chunks([...new Set(changes.baselines.map((b) => b.indicatorId))], 500)) {
      for (const row of await trx.selectFrom('baselines').selectAll().where('indicator_id', 'in', ids).execute()) {
        existingBaselines.set(recordKey(row.indicator_id, row.year), toBaseline(row))
      }
    }
    const newBaselines: Insertable<BaselinesTable>[] = []
    const incomingBaselines = lastOfEachKey(changes.baselines.map(baselineColumns), (c) =>
      recordKey(c.indicator_id, c.year),
    )
    for (const columns of incomingBaselines) {
      const after = toBaseline(columns)
      const key = recordKey(after.indicatorId, after.year)
      const before = existingBaselines.get(key)
      if (before && canonicalJson(before) === canonicalJson(after)) {
        baselineCounts.unchanged++
        continue
      }
      if (before) {
        baselineCounts.changed++
        await trx
          .updateTable('baselines')
          .set({ ...columns, updated_at: at, updated_by: by })
          .where('indicator_id', '=', after.indicatorId)
          .where('year', '=', after.year)
          .execute()
      } else {
        baselineCounts.added++
        newBaselines.push({ ...columns, updated_at: at, updated_by: by })
      }
      event('baseline', key, before ?? null, after)
    }
    for (const batch of chunks(newBaselines, INSERT_BATCH)) await trx.insertInto('baselines').values(batch).execute()

    // Values, keyed by indicator and period; each change raises the version by one.
    const valueCounts = emptyCounts()
    const existingValues = new Map<string, { value: IndicatorValue; version: number }>()
    const indicatorIds = [...new Set(changes.values.map((v) => v.indicatorId))]
    const periods = [...new Set(changes.values.map((v) => v.period))]
    for (const ids of chunks(indicatorIds, 200)) {
      for (const somePeriods of chunks(periods, 200)) {
        const rows = await trx
          .selectFrom('indicator_values')
          .selectAll()
          .where('indicator_id', 'in', ids)
          .where('period', 'in', somePeriods)
          .execute()
        for (const row of rows) {
          existingValues.set(recordKey(row.indicator_id, row.period), { value: toValue(row), version: row.version })
        }
      }
    }
    const newValues: Insertable<IndicatorValuesTable>[] = []
    const incomingValues = lastOfEachKey(changes.values.map(valueColumns), (c) => recordKey(c.indicator_id, c.period))
    // Unchanged figures of a signed-off quarter are fine (a re-import changes nothing); a changed one is refused.
    const lockedQuarters = await lockedQuartersFor(trx, database.dialect, periods)
    const lockedChanges = new Map<PeriodId, PeriodId>()
    for (const columns of incomingValues) {
      const after = toValue(columns)
      const key = recordKey(after.indicatorId, after.period)
      const existing = existingValues.get(key)
      if (existing && canonicalJson(existing.value) === canonicalJson(after)) {
        valueCounts.unchanged++
        continue
      }
      const lockedQuarter = lockedQuarters.get(after.period)
      if (lockedQuarter !== undefined) {
        lockedChanges.set(after.period, lockedQuarter)
        continue
      }
      const version = existing ? existing.version + 1 : 1
      if (existing) {
        valueCounts.changed++
        await trx
          .updateTable('indicator_values')
          .set({ ...columns, version, updated_at: at, updated_by: by })
          .where('indicator_id', '=', after.indicatorId)
          .where('period', '=', after.period)
          .execute()
      } else {
        valueCounts.added++
        newValues.push({ ...columns, version, updated_at: at, updated_by: by })
      }
      const before = existing ? { ...existing.value, version: existing.version } : null
      event('indicator-value', key, before, { ...after, version })
    }
    if (lockedChanges.size > 0) throw new QuarterLockedError(lockedChanges)
    for (const batch of chunks(newValues, INSERT_BATCH))
      await trx.insertInto('indicator_values').values(batch).execute()

    await audit.appendAll(trx, events)
    const summary: ImportSummary = { indicators: indicatorCounts, baselines: baselineCounts, values: valueCounts }
    await trx
      .updateTable('imports')
      .set({ finished_at: now().toISOString(), summary: JSON.stringify(summary) })
      .where('id', '=', importId)
      .execute()
    return { importId, summary, auditEvents: events.length }
  }

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

    applyImport(changes, context) {
      return withAuditedTransaction(database, (trx) => applyImportInTransaction(trx, changes, context))
    },

    async previewImport(changes, context) {
      try {
        await withAuditedTransaction(database, async (trx) => {
          const { summary } = await applyImportInTransaction(trx, changes, context)
          throw new PreviewRollback(summary)
        })
      } catch (error) {
        if (error instanceof PreviewRollback) return error.summary
        throw error
      }
      throw new Error('unreachable: a preview always rolls back')
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

/** Thrown to roll a preview's transaction back, carrying what it found. */
class PreviewRollback extends Error {
  readonly summary: ImportSummary
  constructor(summary: ImportSummary) {
    super('preview: rolled back')
    this.summary = summary
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
