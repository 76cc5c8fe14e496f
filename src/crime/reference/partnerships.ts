import type { DistrictPartnershipRow } from '../geography/geography.ts'

/**
 * The Community Safety Partnerships of England and Wales as the ONS lookup gives them (local authority district
 * → partnership → police force area). Everything that compares partnerships (shares of the force, ranks, peer
 * groups, rates per 1,000 residents) starts from this list.
 */
export interface Partnership {
  /** ONS code: E22…… in England, W14…… in Wales. */
  readonly code: string
  readonly name: string
  /** ONS police force area code: E23…… / W15……. */
  readonly forceCode: string
  readonly forceName: string
  /** The local authority districts (LAD23 codes) the partnership covers, wholly or in part. */
  readonly districtCodes: readonly string[]
}

/** One row of the LAD23 → CSP23 → PFA23 lookup, as the geography module reads it. */
export type PartnershipLookupRow = DistrictPartnershipRow

/**
 * The partnerships, forces and districts of the lookup, indexed. Some districts are shared by several partnerships
 * (Cumberland: Allerdale, Carlisle and Copeland) and some partnerships span several districts (Dartford and
 * Gravesham); `isWholeDistricts` tells the two apart, because district figures (population, area) cannot be split
 * between the partnerships that share a district without guessing.
 */
export class PartnershipDirectory {
  readonly partnerships: readonly Partnership[]
  readonly #byCode: ReadonlyMap<string, Partnership>
  readonly #partnershipsOfDistrict: ReadonlyMap<string, readonly string[]>
  readonly #forces: ReadonlyMap<string, string>

  constructor(rows: readonly PartnershipLookupRow[]) {
    const byCode = new Map<string, { p: Omit<Partnership, 'districtCodes'>; districts: string[] }>()
    const ofDistrict = new Map<string, string[]>()
    const forces = new Map<string, string>()
    for (const row of rows) {
      let entry = byCode.get(row.partnershipCode)
      if (!entry) {
        entry = {
          p: {
            code: row.partnershipCode,
            name: row.partnershipName,
            forceCode: row.forceAreaCode,
            forceName: row.forceAreaName,
          },
          districts: [],
        }
        byCode.set(row.partnershipCode, entry)
      }
      if (!entry.districts.includes(row.districtCode)) entry.districts.push(row.districtCode)
      const list = ofDistrict.get(row.districtCode) ?? []
      if (!list.includes(row.partnershipCode)) list.push(row.partnershipCode)
      ofDistrict.set(row.districtCode, list)
      forces.set(row.forceAreaCode, row.forceAreaName)
    }
    const partnerships = [...byCode.values()].map(({ p, districts }) =>
      Object.freeze({ ...p, districtCodes: Object.freeze([...districts]) }),
    )
    this.partnerships = Object.freeze(partnerships)
    this.#byCode = new Map(partnerships.map((p) => [p.code, p]))
    this.#partnershipsOfDistrict = ofDistrict
    this.#forces = forces
  }

  /** The partnership with this ONS code, or null. */
  byCode(code: string): Partnership | null {
    return this.#byCode.get(code) ?? null
  }

  /** The partnerships of a police force area, in the lookup's order. */
  ofForce(forceCode: string): Partnership[] {
    return this.partnerships.filter((p) => p.forceCode === forceCode)
  }

  forceName(forceCode: string): string | null {
    return this.#forces.get(forceCode) ?? null
  }

  get forces(): { code: string; name: string }[] {
    return [...this.#forces].map(([code, name]) => ({ code, name }))
  }

  /** The partnerships a district belongs to (more than one for a shared district). */
  partnershipsOfDistrict(districtCode: string): readonly string[] {
    return this.#partnershipsOfDistrict.get(districtCode) ?? []
  }

  /**
   * Whether every district of the partnership belongs to it alone, so that district figures (population, area) add
   * up to the partnership's. False for the partnerships of Cumberland, Westmorland and Furness, Buckinghamshire,
   * North and West Northamptonshire, East Suffolk and Bournemouth, Christchurch and Poole.
   */
  isWholeDistricts(code: string): boolean {
    const p = this.#byCode.get(code)
    if (!p) return false
    return p.districtCodes.every((d) => (this.#partnershipsOfDistrict.get(d) ?? []).length === 1)
  }
}

/**
 * The directory from the district → partnership → force lookup the instance uses (its own updated copy, else the
 * one the project ships: see src/crime/geography/lookup-files.ts), read once on first use.
 */
export function partnershipDirectoryLoader(read: () => readonly PartnershipLookupRow[]): () => PartnershipDirectory {
  let cached: PartnershipDirectory | null = null
  return () => (cached ??= new PartnershipDirectory(read()))
}
