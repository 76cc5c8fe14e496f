/**
 * Where a crime happened, in the areas a partnership reports on: lower layer super output area (LSOA) → local
 * authority district → Community Safety Partnership → police force area, from the ONS lookups the project ships
 * (see reference/ons/README.md). Pure: built from rows, no I/O (`lookup-files.ts` reads the files).
 *
 * The LSOA lookup is older than the partnership lookup (LSOA 2011 → district 2018, district 2023 → partnership
 * 2023), and districts merged in between (Bournemouth, Christchurch and Poole; Buckinghamshire; North and West
 * Northamptonshire; Cumberland; Westmorland and Furness; North Yorkshire; Somerset; East and West Suffolk). A
 * committed table of successor codes bridges them, naming for each old district the partnership its area belongs
 * to when the new district is shared by several partnerships. Anything still unresolved is reported, never guessed.
 */

export interface LsoaDistrictRow {
  readonly lsoaCode: string
  readonly districtCode: string
}

/** One row of the ONS district → partnership → police force area lookup (LAD23_CSP23_PFA23). */
export interface DistrictPartnershipRow {
  readonly districtCode: string
  readonly districtName: string
  readonly partnershipCode: string
  readonly partnershipName: string
  readonly forceAreaCode: string
  readonly forceAreaName: string
}

/** A district that was abolished or merged, and the district that took its area over. */
export interface DistrictSuccessorRow {
  readonly oldDistrictCode: string
  readonly oldDistrictName: string
  readonly newDistrictCode: string
  readonly newDistrictName: string
  /** When the new district is shared by several partnerships: the one covering the old district's area. */
  readonly partnershipCode: string | null
  /** The legislation or ONS publication the row rests on. */
  readonly source: string
}

export interface GeographyPartnership {
  /** Position in `Geography.partnerships`. */
  readonly index: number
  /** ONS code, E22…… or W14……. */
  readonly code: string
  readonly name: string
  /** ONS police force area code, E23…… or W15……. */
  readonly forceAreaCode: string
  readonly forceAreaName: string
}

/** Why an LSOA's district gives no single partnership. */
export type UnmappedReason = 'not-in-lookup' | 'district-without-partnership' | 'district-shared'

/** A district of the LSOA lookup that gives no single partnership; its LSOAs' crimes are reported as unmapped. */
export interface UnmappedDistrict {
  readonly districtCode: string
  readonly reason: Exclude<UnmappedReason, 'not-in-lookup'>
  /** The partnerships the lookup gives it (several for `district-shared`). */
  readonly partnershipCodes: readonly string[]
  readonly lsoaCount: number
}

/** A district the partnership lookup gives more than one partnership, and how its LSOAs were allocated. */
export interface SharedDistrict {
  readonly districtCode: string
  readonly districtName: string
  readonly partnerships: readonly { readonly code: string; readonly name: string }[]
  /** Old districts whose area the successor table allocates to one of the partnerships. */
  readonly allocatedFrom: readonly { readonly oldDistrictCode: string; readonly partnershipCode: string }[]
}

/** The longest chain of successors followed (Taunton Deane → Somerset West and Taunton → Somerset is two). */
const MAX_SUCCESSION = 5

/**
 * The resolved lookups. `lsoaPartnership[i]` is the index in `partnerships` of the partnership LSOA
 * `lsoaCodes[i]` lies in, or -1 when its district gives no single partnership (see `unmappedDistricts`).
 */
export class Geography {
  readonly lsoaCodes: readonly string[]
  readonly lsoaPartnership: Int32Array
  readonly partnerships: readonly GeographyPartnership[]
  readonly unmappedDistricts: readonly UnmappedDistrict[]
  readonly sharedDistricts: readonly SharedDistrict[]
  #lsoaIndex: Map<string, number> | null = null
  readonly #partnershipIndex: ReadonlyMap<string, number>
  readonly #lsoaUnmappedReason: ReadonlyMap<number, UnmappedReason>

  private constructor(parts: {
    lsoaCodes: string[]
    lsoaPartnership: Int32Array
    partnerships: GeographyPartnership[]
    unmappedDistricts: UnmappedDistrict[]
    sharedDistricts: SharedDistrict[]
    lsoaUnmappedReason: Map<number, UnmappedReason>
  }) {
    this.lsoaCodes = Object.freeze(parts.lsoaCodes)
    this.lsoaPartnership = parts.lsoaPartnership
    this.partnerships = Object.freeze(parts.partnerships)
    this.unmappedDistricts = Object.freeze(parts.unmappedDistricts)
    this.sharedDistricts = Object.freeze(parts.sharedDistricts)
    this.#partnershipIndex = new Map(parts.partnerships.map((p) => [p.code, p.index]))
    this.#lsoaUnmappedReason = parts.lsoaUnmappedReason
  }

  /**
   * Resolves every LSOA to a partnership.
   *
   * @example
   * const geography = Geography.build(lsoaRows, partnershipRows, successorRows)
   * geography.partnershipOfLsoa('W01001440')?.name // 'Blaenau Gwent'
   */
  static build(
    lsoaRows: readonly LsoaDistrictRow[],
    partnershipRows: readonly DistrictPartnershipRow[],
    successorRows: readonly DistrictSuccessorRow[],
  ): Geography {
    const partnerships: GeographyPartnership[] = []
    const partnershipIndex = new Map<string, number>()
    const partnershipsOfDistrict = new Map<string, string[]>()
    const districtNames = new Map<string, string>()
    for (const row of partnershipRows) {
      if (!partnershipIndex.has(row.partnershipCode)) {
        partnershipIndex.set(row.partnershipCode, partnerships.length)
        partnerships.push(
          Object.freeze({
            index: partnerships.length,
            code: row.partnershipCode,
            name: row.partnershipName,
            forceAreaCode: row.forceAreaCode,
            forceAreaName: row.forceAreaName,
          }),
        )
      }
      const list = partnershipsOfDistrict.get(row.districtCode) ?? []
      if (!list.includes(row.partnershipCode)) list.push(row.partnershipCode)
      partnershipsOfDistrict.set(row.districtCode, list)
      districtNames.set(row.districtCode, row.districtName)
    }
    const successors = new Map(successorRows.map((row) => [row.oldDistrictCode, row]))

    // Each distinct district of the LSOA lookup is resolved once: a partnership index, or a reason it has none.
    const resolved = new Map<string, { index: number } | { reason: UnmappedDistrict['reason']; codes: string[] }>()
    const resolveDistrict = (districtCode: string) => {
      let code = districtCode
      let allocated: string | null = null
      for (let step = 0; step <= MAX_SUCCESSION; step++) {
        const candidates = partnershipsOfDistrict.get(code)
        if (candidates) {
          if (candidates.length === 1) return { index: partnershipIndex.get(candidates[0] as string) as number }
          if (allocated !== null && candidates.includes(allocated))
            return { index: partnershipIndex.get(allocated) as number }
          return { reason: 'district-shared' as const, codes: [...candidates] }
        }
        const successor = successors.get(code)
        if (!successor) break
        allocated = successor.partnershipCode ?? allocated
        code = successor.newDistrictCode
      }
      return { reason: 'district-without-partnership' as const, codes: [] }
    }

    const lsoaCodes: string[] = []
    const lsoaPartnership = new Int32Array(lsoaRows.length)
    const lsoaUnmappedReason = new Map<number, UnmappedReason>()
    const unmappedCounts = new Map<string, number>()
    for (const row of lsoaRows) {
      let outcome = resolved.get(row.districtCode)
      if (!outcome) {
        outcome = resolveDistrict(row.districtCode)
        resolved.set(row.districtCode, outcome)
      }
      const i = lsoaCodes.length
      lsoaCodes.push(row.lsoaCode)
      if ('index' in outcome) lsoaPartnership[i] = outcome.index
      else {
        lsoaPartnership[i] = -1
        lsoaUnmappedReason.set(i, outcome.reason)
        unmappedCounts.set(row.districtCode, (unmappedCounts.get(row.districtCode) ?? 0) + 1)
      }
    }

    const unmappedDistricts: UnmappedDistrict[] = []
    for (const [districtCode, lsoaCount] of unmappedCounts) {
      const outcome = resolved.get(districtCode)
      if (outcome && 'reason' in outcome) {
        unmappedDistricts.push({ districtCode, reason: outcome.reason, partnershipCodes: outcome.codes, lsoaCount })
      }
    }

    const sharedDistricts: SharedDistrict[] = []
    for (const [districtCode, codes] of partnershipsOfDistrict) {
      if (codes.length < 2) continue
      sharedDistricts.push({
        districtCode,
        districtName: districtNames.get(districtCode) ?? districtCode,
        partnerships: codes.map((code) => ({
          code,
          name: partnerships[partnershipIndex.get(code) as number]?.name ?? code,
        })),
        allocatedFrom: successorRows
          .filter((row) => row.newDistrictCode === districtCode && row.partnershipCode !== null)
          .map((row) => ({ oldDistrictCode: row.oldDistrictCode, partnershipCode: row.partnershipCode as string })),
      })
    }

    return new Geography({
      lsoaCodes,
      lsoaPartnership,
      partnerships,
      unmappedDistricts,
      sharedDistricts,
      lsoaUnmappedReason,
    })
  }

  /** Built on first use: an import does not need it (its parser has its own index), queries do. */
  get #index(): Map<string, number> {
    if (this.#lsoaIndex === null) {
      const index = new Map<string, number>()
      this.lsoaCodes.forEach((code, i) => {
        if (index.has(code)) throw new Error(`LSOA ${code} appears twice in the LSOA lookup`)
        index.set(code, i)
      })
      this.#lsoaIndex = index
    }
    return this.#lsoaIndex
  }

  /** The position of an LSOA code in `lsoaCodes`, or -1 when the lookup does not have it. */
  lsoaIndex(lsoaCode: string): number {
    return this.#index.get(lsoaCode) ?? -1
  }

  /** The partnership an LSOA lies in, or null (not in the lookup, or its district gives no single partnership). */
  partnershipOfLsoa(lsoaCode: string): GeographyPartnership | null {
    const i = this.#index.get(lsoaCode)
    if (i === undefined) return null
    return this.partnerships[this.lsoaPartnership[i] as number] ?? null
  }

  /** Why an LSOA has no partnership, or null when it has one. */
  unmappedReason(lsoaCode: string): UnmappedReason | null {
    const i = this.#index.get(lsoaCode)
    if (i === undefined) return 'not-in-lookup'
    return this.#lsoaUnmappedReason.get(i) ?? null
  }

  /** Why the LSOA at this position has no partnership, or null when it has one. */
  unmappedReasonAt(lsoaIndex: number): UnmappedReason | null {
    if (lsoaIndex < 0 || lsoaIndex >= this.lsoaCodes.length) return 'not-in-lookup'
    return this.#lsoaUnmappedReason.get(lsoaIndex) ?? null
  }

  partnershipByCode(code: string): GeographyPartnership | null {
    const i = this.#partnershipIndex.get(code)
    return i === undefined ? null : (this.partnerships[i] ?? null)
  }

  /** The partnerships of a police force area (ONS code), in the lookup's order. */
  partnershipsOfForceArea(forceAreaCode: string): GeographyPartnership[] {
    return this.partnerships.filter((p) => p.forceAreaCode === forceAreaCode)
  }
}

/** Lower case, "&" as "and", anything but letters and digits as one space. */
function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/**
 * The partnerships an instance serves (and so keeps LSOA-level counts for), from the `SAFERHUB_SERVED_PARTNERSHIPS`
 * setting: ONS codes or names, `all`, or `none`. Without the setting, the partnership whose name appears, as whole
 * words, in the instance's partnership name ("Safer Wolverhampton Partnership" → Wolverhampton); the longest such
 * name wins, and none matching means none served.
 *
 * @example
 * resolveServedPartnerships(null, 'Safer Wolverhampton Partnership', geography) // [Wolverhampton (E22000341)]
 * resolveServedPartnerships(['W14000022', 'Torfaen'], '', geography) // [Newport, Torfaen]
 */
export function resolveServedPartnerships(
  setting: readonly string[] | null,
  partnershipName: string,
  geography: Geography,
): GeographyPartnership[] {
  if (setting === null) {
    const wanted = ` ${normaliseName(partnershipName)} `
    const matches = geography.partnerships
      .filter((p) => wanted.includes(` ${normaliseName(p.name)} `))
      .sort((a, b) => b.name.length - a.name.length)
    return matches.length > 0 ? [matches[0] as GeographyPartnership] : []
  }
  const items = setting.map((item) => item.trim()).filter((item) => item.length > 0)
  if (items.length === 1 && items[0]?.toLowerCase() === 'none') return []
  if (items.length === 1 && items[0]?.toLowerCase() === 'all') return [...geography.partnerships]
  const served: GeographyPartnership[] = []
  const unknown: string[] = []
  for (const item of items) {
    const found =
      geography.partnershipByCode(item.toUpperCase()) ??
      geography.partnerships.find((p) => normaliseName(p.name) === normaliseName(item)) ??
      null
    if (!found) unknown.push(item)
    else if (!served.includes(found)) served.push(found)
  }
  if (unknown.length > 0) {
    throw new Error(
      `SAFERHUB_SERVED_PARTNERSHIPS names ${unknown.map((u) => `"${u}"`).join(', ')}, which ${
        unknown.length === 1 ? 'is not a partnership' : 'are not partnerships'
      } of the ONS lookup (give ONS codes such as E22000341, names such as Wolverhampton, "all" or "none")`,
    )
  }
  return served
}
