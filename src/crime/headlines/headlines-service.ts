import type { Indicator, IndicatorValue } from '../../domain/indicator.ts'
import { yearPeriod } from '../../domain/period.ts'
import { POLICE_FORCES } from '../geography/police-forces.ts'
import { ANTI_SOCIAL_BEHAVIOUR, POLICE_UK_CRIME_TYPES } from '../ingest/crime-types.ts'
import { normaliseName } from '../reference/name-matching.ts'
import { OFFENCE_GROUPS, type OffenceGroupId } from '../reference/offence-groups.ts'
import { partnershipPopulations, type PopulationFigure } from '../reference/partnership-population.ts'
import type { Partnership, PartnershipDirectory } from '../reference/partnerships.ts'
import {
  DATASET_LABELS,
  previousYearEnding,
  yearEndingLabel,
  type AreaCounts,
  type RecordedCrimeDataset,
} from '../reference/recorded-crime-table.ts'
import type { ReferenceRepository } from '../reference/reference-repository.ts'
import type { PeerGroupRepository, StoredPeerGroup } from '../peer-groups/peer-group-repository.ts'
import { crimeIndicator, crimeIndicatorValues, type CrimeKpiOptions } from './crime-kpis.ts'
import {
  countChange,
  headlineFigures,
  type AreaYears,
  type CountChange,
  type HeadlineFigures,
} from './headline-figures.ts'
import {
  crimeTypeSelection,
  CRIME_TYPE_GROUPS,
  monthsOf,
  TOTAL_RECORDED_CRIME,
  totalsByPartnership,
  yearAndQuarterChanges,
  type CrimeTypeSelection,
  type MonthlyCrimeCount,
  type QuarterChange,
} from './police-uk-counts.ts'
import { changeSentence, snapshotSentences } from './snapshot-sentences.ts'

/**
 * The headline figures and snapshot sentences for a partnership and year, from the stored data: data.police.uk
 * counts by financial year and quarter, or the ONS tables by year ending. Reads through repositories and hands
 * plain numbers to the pure calculations (`headline-figures.ts`, `police-uk-counts.ts`).
 */
export interface HeadlineReport {
  readonly figures: HeadlineFigures
  /** For police.uk data: each quarter against the same quarter last year. Empty for the ONS tables. */
  readonly quarters: readonly QuarterChange[]
  /** The change in each crime type (police.uk) or offence group (ONS) for the partnership. */
  readonly breakdown: readonly { readonly measure: string; readonly change: CountChange }[]
  readonly sentences: readonly string[]
  readonly notes: readonly string[]
}

/** The street-level counts the crime repository keeps (see src/crime/crime-repository.ts). */
export interface StreetCrimeCounts {
  partnershipCounts(query: {
    partnershipCodes?: readonly string[]
    fromMonth?: string
    toMonth?: string
  }): Promise<readonly { partnershipCode: string; month: string; crimeType: string; crimes: number }[]>
  forceMonths(): Promise<readonly { policeForce: string; month: string }[]>
}

export interface HeadlinesService {
  /** The partnership a name or ONS code names; throws with suggestions when none or several do. */
  findPartnership(nameOrCode: string): Partnership
  /** From data.police.uk counts, for the financial year starting in `financialYear` (2020 for 2020/21). */
  financialYear(partnershipCode: string, financialYear: number, options?: HeadlineOptions): Promise<HeadlineReport>
  /** From the ONS tables (or an extract), for a year ending `YYYY-MM` (the latest stored when absent). */
  onsYear(
    partnershipCode: string,
    options?: HeadlineOptions & { yearEnding?: string; dataset?: RecordedCrimeDataset },
  ): Promise<HeadlineReport>
  /**
   * A police.uk crime type (or `total-recorded-crime`, `theft-offences`) as a quarterly KPI of the performance
   * framework for the partnership, for the financial years given.
   */
  crimeKpi(
    partnershipCode: string,
    crimeType: string,
    financialYears: readonly number[],
    options?: Partial<CrimeKpiOptions>,
  ): Promise<{ indicator: Indicator; values: IndicatorValue[] }>
}

export interface HeadlineOptions {
  /** Which of the partnership's peer groups to rank in (the most recent when absent). */
  readonly peerGroupName?: string
}

export interface HeadlinesDependencies {
  readonly directory: () => PartnershipDirectory
  readonly references: ReferenceRepository
  readonly peerGroups: PeerGroupRepository
  /** Null when the instance has no street-level counts (e.g. a test without the crime repository). */
  readonly streetCounts: StreetCrimeCounts | null
}

/** "2020-2021" for 2020, the way the report names a financial year in its sentences. */
export function financialYearWords(startYear: number): string {
  return `${startYear}-${startYear + 1}`
}

/** Every selectable police.uk crime type or group, by identifier. */
export function crimeSelections(): CrimeTypeSelection[] {
  const types = POLICE_UK_CRIME_TYPES.filter((t) => t !== 'Public disorder and weapons').map(crimeTypeSelection)
  return [...CRIME_TYPE_GROUPS, ...types]
}

export function createHeadlinesService(dependencies: HeadlinesDependencies): HeadlinesService {
  const { references, peerGroups } = dependencies

  /** Populations for a mid-year: district sums where possible, else the ONS table's own (C4), labelled. */
  async function populationsFor(
    year: number,
    directory: PartnershipDirectory,
    notes: string[],
  ): Promise<Map<string, PopulationFigure>> {
    const years = await references.populationYears()
    const chosen = years.includes(year) ? year : (years.find((y) => y < year) ?? years.at(-1))
    const figures = new Map<string, PopulationFigure>()
    if (chosen !== undefined) {
      if (chosen !== year) notes.push(`No mid-${year} population estimate is stored; mid-${chosen} is used.`)
      const district = new Map((await references.populationOf(chosen)).map((d) => [d.districtCode, d.population]))
      for (const [code, figure] of partnershipPopulations(directory, district, chosen).figures)
        figures.set(code, figure)
    } else notes.push('No population estimates are stored: run `saferhub crime import-population FILE`.')
    // Partnerships sharing a district: the latest ONS table's published population (table C4), if stored.
    const latest = (await references.listRecordedCrimeYears()).find((y) => y.dataset === 'ons-pfa-tables')
    if (latest) {
      for (const area of await references.recordedCrime('ons-pfa-tables', latest.yearEnding)) {
        if (area.kind === 'partnership' && area.population !== null && !figures.has(area.key)) {
          figures.set(area.key, {
            population: area.population,
            source: `ONS police force area table C4, ${area.populationNote ?? 'published population'}`,
          })
        }
      }
    }
    return figures
  }

  async function peerGroupFor(partnershipCode: string, options: HeadlineOptions): Promise<StoredPeerGroup | null> {
    const group = await peerGroups.current(partnershipCode, options.peerGroupName)
    if (options.peerGroupName !== undefined && !group) {
      throw new Error(`The partnership has no peer group called "${options.peerGroupName}"`)
    }
    return group
  }

  async function loadedMonthsByForceArea(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>()
    if (!dependencies.streetCounts) return out
    const areaOf = new Map(POLICE_FORCES.map((f) => [f.id, f.forceAreaCode]))
    for (const fm of await dependencies.streetCounts.forceMonths()) {
      const area = areaOf.get(fm.policeForce)
      if (!area) continue
      const set = out.get(area) ?? new Set<string>()
      set.add(fm.month)
      out.set(area, set)
    }
    return out
  }

  function findPartnership(nameOrCode: string): Partnership {
    const directory = dependencies.directory()
    const code = nameOrCode.trim().toUpperCase()
    const byCode = directory.byCode(code)
    if (byCode) return byCode
    const wanted = normaliseName(nameOrCode)
    const matches = directory.partnerships.filter((p) => normaliseName(p.name) === wanted)
    if (matches.length === 1) return matches[0] as Partnership
    if (matches.length > 1) {
      throw new Error(
        `"${nameOrCode}" names ${matches.length} partnerships: give the ONS code (${matches.map((m) => m.code).join(', ')})`,
      )
    }
    const near = directory.partnerships
      .filter((p) => normaliseName(p.name).includes(wanted) || wanted.includes(normaliseName(p.name)))
      .slice(0, 5)
      .map((p) => `${p.name} (${p.code})`)
    throw new Error(
      `No partnership is called "${nameOrCode}"${near.length > 0 ? `; did you mean ${near.join(', ')}?` : ''}`,
    )
  }

  return {
    findPartnership,

    async financialYear(partnershipCode, financialYear, options = {}) {
      const directory = dependencies.directory()
      const self = directory.byCode(partnershipCode)
      if (!self) throw new Error(`${partnershipCode} is not a partnership of the ONS lookup`)
      if (!dependencies.streetCounts) throw new Error('This instance keeps no data.police.uk counts')
      const notes: string[] = []
      const year = yearPeriod(financialYear)
      const lastYear = yearPeriod(financialYear - 1)
      const group = await peerGroupFor(partnershipCode, options)
      const codes = new Set([
        ...directory.ofForce(self.forceCode).map((p) => p.code),
        ...(group?.members.map((m) => m.code) ?? []),
      ])
      const counts: MonthlyCrimeCount[] = (
        await dependencies.streetCounts.partnershipCounts({
          partnershipCodes: [...codes],
          fromMonth: lastYear.firstMonth,
          toMonth: year.lastMonth,
        })
      ).map((c) => ({ cspCode: c.partnershipCode, month: c.month, crimeType: c.crimeType, count: c.crimes }))
      const loaded = await loadedMonthsByForceArea()
      // A partnership's year is complete when its own force's file is loaded for every month of both years.
      const complete = (p: Partnership) => {
        const months = loaded.get(p.forceCode) ?? new Set<string>()
        return [...monthsOf(lastYear), ...monthsOf(year)].every((m) => months.has(m))
      }
      const populations = await populationsFor(financialYear, directory, notes)
      const totalsNow = totalsByPartnership(counts, year, TOTAL_RECORDED_CRIME)
      const totalsBefore = totalsByPartnership(counts, lastYear, TOTAL_RECORDED_CRIME)
      const areaYears = (p: Partnership): AreaYears => {
        const whole = complete(p)
        return {
          code: p.code,
          name: p.name,
          thisYear: whole ? (totalsNow.get(p.code) ?? 0) : null,
          lastYear: whole ? (totalsBefore.get(p.code) ?? 0) : null,
          population: populations.get(p.code) ?? null,
        }
      }
      const forceAreas = directory.ofForce(self.forceCode).map(areaYears)
      const sum = (pick: (a: AreaYears) => number | null) =>
        forceAreas.every((a) => pick(a) !== null) ? forceAreas.reduce((s, a) => s + (pick(a) as number), 0) : null
      const ownMonths = loaded.get(self.forceCode) ?? new Set<string>()
      const split = yearAndQuarterChanges(counts, self.code, financialYear, TOTAL_RECORDED_CRIME, ownMonths)
      if (split.year.missingMonths.length > 0) {
        notes.push(
          `data.police.uk files for ${self.forceName} are not loaded for ${split.year.missingMonths.join(', ')}: ` +
            'no figure for the year (a missing month is never counted as zero).',
        )
      }
      const figures = headlineFigures({
        measure: TOTAL_RECORDED_CRIME.name,
        source:
          'data.police.uk street-level crime (every crime type except anti-social behaviour), by where each crime happened',
        partnershipCode,
        forceName: self.forceName,
        yearLabel: financialYearWords(financialYear),
        previousYearLabel: financialYearWords(financialYear - 1),
        forceAreas,
        forceTotal: {
          thisYear: sum((a) => a.thisYear),
          lastYear: sum((a) => a.lastYear),
          basis: `the sum of the ${forceAreas.length} partnerships of ${self.forceName} (data.police.uk)`,
        },
        peerGroup: group
          ? {
              name: group.name,
              source: group.source,
              asOf: group.asOf,
              members: group.members.map((m) => {
                const p = directory.byCode(m.code)
                return p
                  ? areaYears(p)
                  : { code: m.code, name: m.code, thisYear: null, lastYear: null, population: null }
              }),
            }
          : null,
      })
      const breakdown = complete(self)
        ? crimeSelections()
            .filter((s) => s.id !== TOTAL_RECORDED_CRIME.id && s.name !== ANTI_SOCIAL_BEHAVIOUR)
            .map((s) => ({
              measure: s.name,
              change: countChange(
                totalsByPartnership(counts, lastYear, s).get(self.code) ?? 0,
                totalsByPartnership(counts, year, s).get(self.code) ?? 0,
              ),
            }))
        : []
      return {
        figures,
        quarters: split.quarters,
        breakdown,
        sentences: [...snapshotSentences(figures), ...breakdown.map((b) => changeSentence(b.measure, b.change))],
        notes: [...notes, ...figures.notes],
      }
    },

    async onsYear(partnershipCode, options = {}) {
      const directory = dependencies.directory()
      const self = directory.byCode(partnershipCode)
      if (!self) throw new Error(`${partnershipCode} is not a partnership of the ONS lookup`)
      const dataset = options.dataset ?? 'ons-pfa-tables'
      const stored = (await references.listRecordedCrimeYears()).filter((y) => y.dataset === dataset)
      const yearEnding = options.yearEnding ?? stored[0]?.yearEnding
      if (!yearEnding || !stored.some((y) => y.yearEnding === yearEnding)) {
        throw new Error(
          `No ${DATASET_LABELS[dataset]} are stored for ${yearEnding ? yearEndingLabel(yearEnding) : 'any year'}` +
            (stored.length > 0 ? ` (stored: ${stored.map((y) => y.yearEnding).join(', ')})` : ''),
        )
      }
      const previous = previousYearEnding(yearEnding)
      const notes: string[] = []
      const now = await references.recordedCrime(dataset, yearEnding)
      const before = await references.recordedCrime(dataset, previous)
      if (before.length === 0) notes.push(`No figures are stored for ${yearEndingLabel(previous)}.`)
      const byKey = (areas: readonly AreaCounts[]) => new Map(areas.map((a) => [a.key, a]))
      const nowByKey = byKey(now)
      const beforeByKey = byKey(before)
      // Rates use the table's own population (C4), as ONS's published rates do; otherwise district estimates.
      const districtPopulations = await populationsFor(Number(yearEnding.slice(0, 4)), directory, [])
      const population = (code: string): PopulationFigure | null => {
        const area = nowByKey.get(code)
        if (area?.population) {
          return {
            population: area.population,
            source: `ONS table C4 (${area.populationNote ?? 'published population'})`,
          }
        }
        return districtPopulations.get(code) ?? null
      }
      const group = await peerGroupFor(partnershipCode, options)
      const total = (a: AreaCounts | undefined, g: OffenceGroupId = 'total-recorded-crime') => a?.counts.get(g) ?? null
      const areaYears = (p: Partnership): AreaYears => ({
        code: p.code,
        name: p.name,
        thisYear: total(nowByKey.get(p.code)),
        lastYear: total(beforeByKey.get(p.code)),
        population: population(p.code),
      })
      const forceAreas = directory.ofForce(self.forceCode).map(areaYears)
      const forceTotal = (areas: readonly AreaCounts[], byArea: Map<string, AreaCounts>) => {
        const row = byArea.get(self.forceCode)
        if (row && row.kind === 'force') return total(row)
        const inForce = areas.filter((a) => a.forceCode === self.forceCode && a.kind !== 'force')
        return inForce.length === 0 ? null : inForce.reduce((s, a) => s + (total(a) ?? 0), 0)
      }
      const hasForceRow = nowByKey.get(self.forceCode)?.kind === 'force'
      const figures = headlineFigures({
        measure: TOTAL_RECORDED_CRIME.name,
        source: `${DATASET_LABELS[dataset]}: total recorded crime (excluding fraud)`,
        partnershipCode,
        forceName: self.forceName,
        yearLabel: yearEndingLabel(yearEnding),
        previousYearLabel: yearEndingLabel(previous),
        forceAreas,
        forceTotal: {
          thisYear: forceTotal(now, nowByKey),
          lastYear: forceTotal(before, beforeByKey),
          basis: hasForceRow
            ? `the force's total as the table gives it (including crimes not assigned to a partnership)`
            : `the sum of the force's rows in the table (it gives no force total)`,
        },
        peerGroup: group
          ? {
              name: group.name,
              source: group.source,
              asOf: group.asOf,
              members: group.members.map((m) => {
                const p = directory.byCode(m.code)
                return p
                  ? areaYears(p)
                  : { code: m.code, name: m.code, thisYear: null, lastYear: null, population: null }
              }),
            }
          : null,
      })
      const mine = nowByKey.get(self.code)
      const mineBefore = beforeByKey.get(self.code)
      const breakdown = OFFENCE_GROUPS.filter((g) => g.id !== 'total-recorded-crime').flatMap((g) => {
        const a = total(mine, g.id)
        const b = total(mineBefore, g.id)
        return a === null || b === null ? [] : [{ measure: g.name, change: countChange(b, a) }]
      })
      return {
        figures,
        quarters: [],
        breakdown,
        // The snapshot names the main offence groups only; the sub-groups are in the breakdown.
        sentences: [
          ...snapshotSentences(figures),
          ...breakdown
            .filter((b) => OFFENCE_GROUPS.some((g) => g.name === b.measure && g.parent === 'total-recorded-crime'))
            .map((b) => changeSentence(b.measure, b.change)),
        ],
        notes: [...notes, ...figures.notes],
      }
    },

    async crimeKpi(partnershipCode, crimeType, financialYears, options = {}) {
      const directory = dependencies.directory()
      const self = directory.byCode(partnershipCode)
      if (!self) throw new Error(`${partnershipCode} is not a partnership of the ONS lookup`)
      if (!dependencies.streetCounts) throw new Error('This instance keeps no data.police.uk counts')
      const wanted = normaliseName(crimeType)
      const selection = crimeSelections().find((s) => s.id === crimeType || normaliseName(s.name) === wanted)
      if (!selection) {
        throw new Error(
          `"${crimeType}" is not a data.police.uk crime type or group; choose one of: ${crimeSelections()
            .map((s) => s.name)
            .join(', ')}`,
        )
      }
      if (financialYears.length === 0) throw new Error('Give at least one financial year')
      const first = yearPeriod(Math.min(...financialYears))
      const last = yearPeriod(Math.max(...financialYears))
      const counts = (
        await dependencies.streetCounts.partnershipCounts({
          partnershipCodes: [self.code],
          fromMonth: first.firstMonth,
          toMonth: last.lastMonth,
        })
      ).map((c) => ({ cspCode: c.partnershipCode, month: c.month, crimeType: c.crimeType, count: c.crimes }))
      const loaded = (await loadedMonthsByForceArea()).get(self.forceCode) ?? new Set<string>()
      const indicator = crimeIndicator(selection, { partnershipName: self.name, ...options })
      return {
        indicator,
        values: crimeIndicatorValues(indicator, counts, self.code, financialYears, selection, loaded),
      }
    },
  }
}
