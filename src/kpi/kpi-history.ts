import type { AuditEvent } from '../audit/audit-chain.ts'
import { baselineDisplay } from '../domain/build-performance-report.ts'
import type { Baseline, Indicator, IndicatorValue } from '../domain/indicator.ts'
import { parsePeriod } from '../domain/period.ts'
import { displayValue } from '../domain/value-display.ts'
import { timeInWords } from '../shared/time-in-words.ts'

/** One change of the KPI, as the page's history lists it. */
export interface KpiHistoryEntry {
  /** The instant, ISO 8601 UTC, for `<time datetime>` only: people read `when`. */
  readonly at: string
  /** "7 December 2026, 2:33am", in England's time. */
  readonly when: string
  /** "Figure for 2024/25 Q4 changed from 120 to 125 by Ann Analyst (import)". */
  readonly change: string
}

/** Where a figure came from (the figure writer's `source`), as a partnership officer would say it. */
const SOURCE_WORDS: Readonly<Record<string, string>> = {
  import: 'import',
  return: 'quarterly return',
  api: 'API',
  browser: 'edited on the web',
}

/** Fields of a KPI's definition, named as its page labels them, for "KPI definition changed: name, target". */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  name: 'name',
  theme: 'theme',
  priority: 'priority',
  definition: 'definition',
  dataOwner: 'data owner',
  cadence: 'how often it is reported',
  measureType: 'measure type',
  preferredDirection: 'preferred direction',
  hiddenHarm: 'hidden harm',
  ratePer: 'rate per',
  stockAggregation: 'how a year of a stock is summarised',
  target: 'target',
  shareLabel: 'share label',
  unit: 'unit',
}

function parsed(json: string | null): Record<string, unknown> | null {
  if (json === null) return null
  try {
    const value: unknown = JSON.parse(json)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** The period's label ("2024/25 Q4"), or the id as stored when it cannot be read. */
function periodLabel(id: string): string {
  return parsePeriod(id)?.label ?? id
}

/** A figure from its audited form (src/performance/write-figure.ts, `auditedFigure`), as the report prints it. */
function figureWords(indicator: Indicator, periodId: string, stored: Record<string, unknown>): string {
  const value: IndicatorValue = {
    indicatorId: indicator.id,
    period: periodId,
    status: (text(stored.status) ?? 'reported') as IndicatorValue['status'],
    value: num(stored.value),
    numerator: num(stored.numerator),
    denominator: num(stored.denominator),
    percent: num(stored.percent),
    text: text(stored.text),
    reason: text(stored.reason),
    commentary: text(stored.commentary),
  }
  try {
    const shown = displayValue(indicator, periodId, value).display
    // Why a figure is absent matters as much as its absence ("not available (MOJ has not updated)").
    return value.status !== 'reported' && value.reason ? `${shown} (${value.reason})` : shown
  } catch {
    return 'a figure that cannot be read'
  }
}

function baselineWords(indicator: Indicator, year: string, stored: Record<string, unknown>): string {
  const value = num(stored.value)
  if (value === null) return 'no figure'
  const baseline: Baseline = {
    indicatorId: indicator.id,
    year,
    source: stored.source === 'fixed' ? 'fixed' : 'previous-outturn',
    value,
    ...(num(stored.numerator) !== null ? { numerator: num(stored.numerator) as number } : {}),
    ...(num(stored.denominator) !== null ? { denominator: num(stored.denominator) as number } : {}),
  }
  return baselineDisplay(indicator, baseline)
}

/** "Created: 125", "changed from 120 to 125", "removed (it was 125)", or what else changed when the figure did not. */
function changeWords(before: string | null, after: string | null, action: string, other: string): string {
  if (action === 'delete' || (after === null && before !== null)) return `removed (it was ${before})`
  if (before === null) return `added: ${after ?? 'no figure'}`
  if (before !== after) return `changed from ${before} to ${after ?? 'no figure'}`
  return other
}

/**
 * The KPI's audit events in words, newest first as given: what changed (the figure, its period, as the report prints
 * them), by whom and through what, and when in England's time. Events of other kinds are still listed, in general
 * words, so that the history never hides one.
 *
 * @example kpiHistory(knife, events)[0].change // 'Figure for 2024/25 Q4 changed from 120 to 125 by Ann Analyst (import)'
 */
export function kpiHistory(indicator: Indicator, events: readonly AuditEvent[]): KpiHistoryEntry[] {
  return events.map((event) => {
    const before = parsed(event.before)
    const after = parsed(event.after)
    // A figure's event says where it came from; a baseline's `source` is something else (fixed or rolled on).
    const source = event.entityType === 'indicator-value' ? text(after?.source) : null
    const through =
      source !== null ? ` (${SOURCE_WORDS[source] ?? source})` : event.importId !== null ? ' (import)' : ''
    const by = ` by ${event.actor}${through}`
    let what: string
    if (event.entityType === 'indicator-value') {
      const periodId = event.entityKey.slice(event.entityKey.indexOf('/') + 1)
      const was = before === null ? null : figureWords(indicator, periodId, before)
      const now = after === null ? null : figureWords(indicator, periodId, after)
      const commentaryChanged = text(before?.commentary) !== text(after?.commentary)
      what = `Figure for ${periodLabel(periodId)} ${changeWords(was, now, event.action, commentaryChanged ? 'unchanged; its commentary changed' : 'saved again, unchanged')}`
    } else if (event.entityType === 'baseline') {
      const year = event.entityKey.slice(event.entityKey.indexOf('/') + 1)
      const was = before === null ? null : baselineWords(indicator, year, before)
      const now = after === null ? null : baselineWords(indicator, year, after)
      what = `Baseline for ${periodLabel(year)} ${changeWords(was, now, event.action, 'saved again, its note or source changed')}`
    } else if (event.entityType === 'indicator') {
      if (event.action === 'delete' || after === null) what = 'KPI removed'
      else if (before === null) what = 'KPI created'
      else {
        // In the order the page lists a KPI's fields, then any other, so the sentence reads the same each time.
        const known = Object.keys(FIELD_WORDS)
        const fields = [...new Set([...known, ...Object.keys(before), ...Object.keys(after)])].filter(
          (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
        )
        what =
          fields.length === 0
            ? 'KPI definition saved again, unchanged'
            : `KPI definition changed: ${fields.map((f) => FIELD_WORDS[f] ?? f).join(', ')}`
      }
    } else {
      what = `${event.entityType} ${event.action}`
    }
    return { at: event.occurredAt, when: timeInWords(event.occurredAt), change: `${what}${by}` }
  })
}
