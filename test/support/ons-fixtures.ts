import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readDistrictPartnershipFile } from '../../src/crime/geography/lookup-files.ts'
import { PartnershipDirectory } from '../../src/crime/reference/partnerships.ts'

/**
 * The real ONS files copied into test/fixtures/ons (see its README.md), and the expected values an independent
 * Python script made from them (test/fixtures/ons/expected/make_expected.py). For the crime reference and
 * headline tests.
 */
export const ONS_FIXTURES = fileURLToPath(new URL('../fixtures/ons/', import.meta.url))
export const HEADLINE_FIXTURES = fileURLToPath(new URL('../fixtures/crime-headlines/', import.meta.url))

export const WORKBOOK = 'policeforceareatablesyedecember2024.xlsx'
export const EXTRACT = 'CSP_recorded_crime_YE_Dec2024_from_ONS_PFA_tables.csv'
export const POPULATION = 'LAD23_Mid_Year_pop_2011_to_2023.xlsx'
export const LOOKUP = 'LAD23_CSP23_PFA23_lookup_Dec2023.csv'

/** A fixture file as an import gets it. */
export function onsFile(name: string): { name: string; content: Buffer } {
  return { name, content: fs.readFileSync(path.join(ONS_FIXTURES, name)) }
}

let directory: PartnershipDirectory | null = null

/** The partnership directory from the ONS original of the district → partnership → force lookup. */
export function fixtureDirectory(): PartnershipDirectory {
  return (directory ??= new PartnershipDirectory(readDistrictPartnershipFile(path.join(ONS_FIXTURES, LOOKUP))))
}

export interface OnsExpected {
  groups: string[]
  partnership_count: number
  force_rows: Record<string, { c2: number | null; c5: number | null; row: number }>
  partnerships: Record<
    string,
    {
      name: string
      force: string
      row: number
      c2: (number | null)[]
      c5: (number | null)[]
      c3: (number | null)[]
      c4_population: number | null
      c4_total_rate: number | null
    }
  >
  west_midlands: {
    force_total: number
    force_total_previous: number
    partnerships: {
      code: string
      name: string
      total: number
      total_previous: number
      share_percent: number
      share_previous_percent: number
      rate_per_1000: number
      rate_rank: number
      change_percent: number
      change_rank: number
    }[]
  }
  extract: { rows: number; by_name: Record<string, { line: number; force: string; total: number | null }> }
  population: {
    district_count: number
    years: number[]
    wolverhampton: Record<string, number>
    wolverhampton_area_sq_km: number
    wolverhampton_median_age_2022: number
    partnerships: Record<string, Record<string, number>>
    shared_district_partnerships: string[]
  }
}

let expected: OnsExpected | null = null

export function onsExpected(): OnsExpected {
  return (expected ??= JSON.parse(
    fs.readFileSync(path.join(ONS_FIXTURES, 'expected', 'ons-expected.json'), 'utf8'),
  ) as OnsExpected)
}

export interface GwentExpected {
  left_out: Record<string, number>
  partnerships: Record<
    string,
    {
      calendar_2020: number
      calendar_2021: number
      fy2020_21: number
      quarters: Record<string, number>
      by_type_2020: Record<string, number>
      by_type_2021: Record<string, number>
      by_type_fy2020_21: Record<string, number>
    }
  >
  calendar_2021_vs_2020: {
    force_2021: number
    force_2020: number
    partnerships: Record<
      string,
      {
        share_2021_percent: number
        share_2020_percent: number
        change_percent: number
        change_rank: number
        population_2021: number
        rate_per_1000: number
        rate_rank: number
      }
    >
  }
}

export function gwentExpected(): GwentExpected {
  return JSON.parse(fs.readFileSync(path.join(HEADLINE_FIXTURES, 'gwent-expected.json'), 'utf8')) as GwentExpected
}

/** The Gwent counts by partnership × month × crime type, as the crime repository would give them. */
export function gwentCounts(): { cspCode: string; month: string; crimeType: string; count: number }[] {
  const lines = fs.readFileSync(path.join(HEADLINE_FIXTURES, 'gwent-counts.csv'), 'utf8').trim().split('\n').slice(1)
  return lines.map((line) => {
    // partnership_code,month,crime_type,count — crime types contain no commas or quotes.
    const [cspCode, month, crimeType, count] = line.split(',') as [string, string, string, string]
    return { cspCode, month, crimeType, count: Number(count) }
  })
}
