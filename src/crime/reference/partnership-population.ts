import type { PartnershipDirectory } from './partnerships.ts'

/** A partnership's resident population, and where the figure comes from (printed beside every rate). */
export interface PopulationFigure {
  readonly population: number
  /** E.g. "ONS mid-2020 population estimate (2 districts)". */
  readonly source: string
}

export interface PartnershipPopulations {
  readonly figures: ReadonlyMap<string, PopulationFigure>
  /** Partnerships given no population, and why. */
  readonly missing: readonly { readonly code: string; readonly name: string; readonly reason: string }[]
}

/**
 * Partnership populations as the sum of their districts' mid-year estimates (LAD23 → CSP23 lookup). A partnership
 * that shares a district with others (the Cumbrian partnerships share Cumberland and Westmorland and Furness) gets
 * none: a district's estimate cannot be split between its partnerships without guessing. Those are listed as
 * missing, and a caller may fall back to a published partnership population (table C4) where it has one.
 *
 * @example
 * partnershipPopulations(directory, new Map([['E08000031', 263357]]), 2020).figures.get('E22000341')
 * // { population: 263357, source: 'ONS mid-2020 population estimate' }
 */
export function partnershipPopulations(
  directory: PartnershipDirectory,
  districtPopulation: ReadonlyMap<string, number>,
  year: number,
): PartnershipPopulations {
  const figures = new Map<string, PopulationFigure>()
  const missing: { code: string; name: string; reason: string }[] = []
  for (const p of directory.partnerships) {
    const shared = p.districtCodes.filter((d) => directory.partnershipsOfDistrict(d).length > 1)
    if (shared.length > 0) {
      missing.push({
        code: p.code,
        name: p.name,
        reason: `shares district ${shared.join(', ')} with other partnerships; a district estimate cannot be split`,
      })
      continue
    }
    const absent = p.districtCodes.filter((d) => !districtPopulation.has(d))
    if (absent.length > 0) {
      missing.push({ code: p.code, name: p.name, reason: `no mid-${year} estimate for district ${absent.join(', ')}` })
      continue
    }
    const population = p.districtCodes.reduce((sum, d) => sum + (districtPopulation.get(d) as number), 0)
    const n = p.districtCodes.length
    figures.set(p.code, {
      population,
      source: `ONS mid-${year} population estimate${n > 1 ? ` (sum of ${n} districts)` : ''}`,
    })
  }
  return { figures, missing }
}
