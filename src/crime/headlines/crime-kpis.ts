import type { Indicator, IndicatorValue } from '../../domain/indicator.ts'
import { periodsOfYear } from '../../domain/period.ts'
import { monthsOf, totalsByPartnership, type CrimeTypeSelection, type MonthlyCrimeCount } from './police-uk-counts.ts'

/**
 * Turning a police.uk crime type (or a group of types) into a KPI of the performance framework, so that it flows
 * into the performance report like any figure a partner agency submits: an `Indicator` and one `IndicatorValue` per
 * quarter. A quarter whose months are not all loaded is `not-yet-available` with the missing months as the reason:
 * missing is never zero.
 *
 * The ONS offence groups (tables C2–C5) cannot be made quarterly KPIs: they are published for twelve months ending
 * in a calendar month, not by financial quarter.
 */
export interface CrimeKpiOptions {
  readonly partnershipName: string
  /** The strategic priority and theme the KPI sits under in the framework. */
  readonly priority?: string
  readonly theme?: string
  /** Hidden harms (e.g. sexual offences) are read the other way: a rise as growing confidence to report. */
  readonly hiddenHarm?: boolean
}

/** The KPI definition for a crime type selection in one partnership. */
export function crimeIndicator(selection: CrimeTypeSelection, options: CrimeKpiOptions): Indicator {
  const hiddenHarm = options.hiddenHarm ?? false
  return {
    id: `crime-${selection.id}`.slice(0, 64).replace(/-+$/, ''),
    name: `${selection.name} (police recorded crime)`,
    theme: options.theme ?? 'Police recorded crime',
    priority: options.priority ?? 'Police recorded crime',
    definition:
      `${selection.definition}, recorded in ${options.partnershipName}, by financial quarter. ` +
      'Source: data.police.uk street-level crime, mapped to the partnership by where each crime happened (LSOA).',
    dataOwner: 'data.police.uk',
    cadence: 'quarterly',
    measureType: 'count',
    preferredDirection: hiddenHarm ? 'increase' : 'reduce',
    hiddenHarm,
    unit: 'offences',
  }
}

/**
 * Quarterly values for the financial years given (start years, e.g. 2020 for 2020/21).
 *
 * @example crimeIndicatorValues(indicator, counts, 'W14000022', [2020, 2021], TOTAL_RECORDED_CRIME, loaded)
 */
export function crimeIndicatorValues(
  indicator: Indicator,
  counts: readonly MonthlyCrimeCount[],
  cspCode: string,
  financialYears: readonly number[],
  selection: CrimeTypeSelection,
  loadedMonths: ReadonlySet<string>,
): IndicatorValue[] {
  const own = counts.filter((c) => c.cspCode === cspCode)
  return financialYears.flatMap((year) =>
    periodsOfYear(year, 'quarter').map((quarter): IndicatorValue => {
      const missing = monthsOf(quarter).filter((m) => !loadedMonths.has(m))
      const base = {
        indicatorId: indicator.id,
        period: quarter.id,
        numerator: null,
        denominator: null,
        percent: null,
        text: null,
        commentary: null,
      }
      if (missing.length > 0) {
        return {
          ...base,
          status: 'not-yet-available',
          value: null,
          reason: `data.police.uk data not loaded for ${missing.join(', ')}`,
        }
      }
      const value = totalsByPartnership(own, quarter, selection).get(cspCode) ?? 0
      return { ...base, status: 'reported', value, reason: null }
    }),
  )
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/**
 * The indicator and its values as the performance framework's import files (`indicators` and `values` tables, CSV;
 * see docs/import-formats.md), so that they go through the same validation, transaction and audit trail as any
 * partner's return.
 */
export function crimeKpiImportFiles(
  indicator: Indicator,
  values: readonly IndicatorValue[],
): { name: string; content: Buffer }[] {
  const indicatorHeader =
    'id,name,priority,theme,definition,data_owner,cadence,measure_type,preferred_direction,hidden_harm,unit,rate_per,stock_aggregation,share_label,target_kind,target_value,target_comparison,target_reference_year'
  const indicatorRow = [
    indicator.id,
    indicator.name,
    indicator.priority,
    indicator.theme,
    indicator.definition,
    indicator.dataOwner,
    indicator.cadence,
    indicator.measureType,
    indicator.preferredDirection,
    indicator.hiddenHarm ? 'yes' : 'no',
    indicator.unit ?? '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
  ]
  const valueRows = values.map((v) =>
    [
      v.indicatorId,
      v.period,
      v.value === null ? '' : String(v.value),
      '',
      '',
      '',
      '',
      v.status === 'reported' ? '' : v.status,
      v.reason ?? '',
      v.commentary ?? '',
    ]
      .map(csvField)
      .join(','),
  )
  return [
    {
      name: `${indicator.id}-indicator.csv`,
      content: Buffer.from(`${indicatorHeader}\n${indicatorRow.map(csvField).join(',')}\n`, 'utf8'),
    },
    {
      name: `${indicator.id}-values.csv`,
      content: Buffer.from(
        `indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n${valueRows.join('\n')}\n`,
        'utf8',
      ),
    },
  ]
}
