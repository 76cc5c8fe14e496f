import type { DistrictProfileTable } from '../crime/peer-groups/district-profile.ts'
import { partnershipPopulations } from '../crime/reference/partnership-population.ts'
import type { PartnershipDirectory } from '../crime/reference/partnerships.ts'
import type { ReferenceRepository } from '../crime/reference/reference-repository.ts'
import type { PopulationFigure } from './comparison.ts'

/** A partnership's population by its ONS code (null: none known), for one financial year's rates. */
export type PopulationOf = (onsCode: string | null) => PopulationFigure | null

export interface PopulationDependencies {
  /** The ONS mid-year estimates an instance imported (`saferhub crime import-population`). */
  readonly references: Pick<ReferenceRepository, 'populationYears' | 'populationOf'>
  /** Districts of each partnership (LAD23 → CSP23). */
  readonly directory: () => PartnershipDirectory
  /** The district profile shipped with saferhub (mid-2023 residents), used when no estimates were imported. */
  readonly profile: () => DistrictProfileTable
}

/**
 * Partnerships' populations for the rates of a financial year, from the crime feature's ONS data, as the crime
 * comparisons take them: the district estimates summed per partnership (`partnershipPopulations`; a partnership
 * sharing a district with another gets none). The estimate of the year's own mid-year (mid-2017 for 2017/18) when it
 * was imported, else the nearest earlier one, else the latest; with none imported, the shipped district profile
 * (mid-2023). The source printed beside every rate names the mid-year, so a rate from another year's population is
 * never passed off as that year's.
 *
 * @example
 * const of = await populationsFor(dependencies, 2017)
 * of('E22000341') // { population: 263357, source: 'ONS mid-2023 population estimate (shipped district profile)' }
 */
export async function populationsFor(
  dependencies: PopulationDependencies,
  financialYear: number,
): Promise<PopulationOf> {
  const directory = dependencies.directory()
  const years = await dependencies.references.populationYears()
  const chosen = years.includes(financialYear)
    ? financialYear
    : ([...years].sort((a, b) => b - a).find((y) => y < financialYear) ?? Math.max(...years))
  let figures: ReadonlyMap<string, PopulationFigure>
  if (years.length > 0) {
    const districts = new Map(
      (await dependencies.references.populationOf(chosen)).map((d) => [d.districtCode, d.population]),
    )
    figures = partnershipPopulations(directory, districts, chosen).figures
  } else {
    const profile = dependencies.profile()
    const districts = new Map([...profile.districts].map(([code, d]) => [code, d.population]))
    figures = new Map(
      [...partnershipPopulations(directory, districts, profile.midYear).figures].map(([code, figure]) => [
        code,
        { population: figure.population, source: `${figure.source} (district profile shipped with saferhub)` },
      ]),
    )
  }
  return (onsCode) => (onsCode === null ? null : (figures.get(onsCode) ?? null))
}
