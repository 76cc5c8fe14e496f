import type { OffenceGroupId } from '../reference/offence-groups.ts'
import { offenceGroup } from '../reference/offence-groups.ts'
import type { PartnershipDirectory } from '../reference/partnerships.ts'
import type { DistrictPopulation } from '../reference/reference-repository.ts'
import type { AreaCounts } from '../reference/recorded-crime-table.ts'
import type { NeighbourCandidate } from './nearest-neighbours.ts'

/**
 * The public variables a proposed most similar group is built from, per partnership:
 * - population density: log10 of residents per km² (ONS mid-year estimate over the districts' area); the log,
 *   because density runs from about 25 (rural Wales) to over 16,000 (inner London) and a few cities would
 *   otherwise decide every distance;
 * - median age (ONS mid-year estimates; for a partnership of several districts, the population-weighted mean of
 *   the districts' medians — an approximation, stated);
 * - the crime mix: each chosen offence group's share of the partnership's recorded crime (ONS tables). The mix,
 *   not the rate, so that the group is not chosen by the very figure it is then ranked on.
 * Partnerships that share a district with others (whose population cannot be split) are left out, and listed.
 */
export const DEFAULT_MIX_GROUPS: readonly OffenceGroupId[] = [
  'violence-against-the-person',
  'sexual-offences',
  'robbery',
  'theft-offences',
  'criminal-damage-and-arson',
  'drug-offences',
  'public-order-offences',
]

export interface VariableInput {
  readonly directory: PartnershipDirectory
  /** District estimates for one mid-year. */
  readonly populations: readonly DistrictPopulation[]
  readonly populationYear: number
  /** District areas in km². */
  readonly districtAreas: ReadonlyMap<string, number>
  /** Recorded crime by area for one year (ONS tables). */
  readonly recordedCrime: readonly AreaCounts[]
  readonly recordedCrimeLabel: string
  readonly mixGroups?: readonly OffenceGroupId[]
}

export interface PeerGroupVariables {
  readonly variables: readonly string[]
  readonly candidates: readonly NeighbourCandidate[]
  readonly excluded: readonly { readonly code: string; readonly name: string; readonly reason: string }[]
  /** How the variables were made, for the saved group's method note. */
  readonly description: string
}

export function peerGroupVariables(input: VariableInput): PeerGroupVariables {
  const mixGroups = input.mixGroups ?? DEFAULT_MIX_GROUPS
  const variables = [
    `population density (log10 residents per km², mid-${input.populationYear})`,
    `median age (mid-${input.populationYear})`,
    ...mixGroups.map((g) => `${offenceGroup(g)?.name ?? g}: share of recorded crime (${input.recordedCrimeLabel})`),
  ]
  const population = new Map(input.populations.map((p) => [p.districtCode, p]))
  const crime = new Map(input.recordedCrime.filter((a) => a.kind === 'partnership').map((a) => [a.key, a]))
  const candidates: NeighbourCandidate[] = []
  const excluded: { code: string; name: string; reason: string }[] = []
  for (const p of input.directory.partnerships) {
    const exclude = (reason: string) => excluded.push({ code: p.code, name: p.name, reason })
    if (!input.directory.isWholeDistricts(p.code)) {
      exclude('shares a district with other partnerships, so its population and area cannot be told apart')
      continue
    }
    const districts = p.districtCodes.map((d) => ({ d, pop: population.get(d), area: input.districtAreas.get(d) }))
    const lacking = districts.filter((x) => !x.pop || x.area === undefined).map((x) => x.d)
    if (lacking.length > 0) {
      exclude(`no population estimate or area for district ${lacking.join(', ')}`)
      continue
    }
    const residents = districts.reduce((s, x) => s + (x.pop as DistrictPopulation).population, 0)
    const area = districts.reduce((s, x) => s + (x.area as number), 0)
    const ages = districts.map((x) => (x.pop as DistrictPopulation).medianAge)
    if (ages.some((a) => a === null)) {
      exclude('no median age for one of its districts')
      continue
    }
    const medianAge =
      districts.reduce(
        (s, x) => s + (x.pop as DistrictPopulation).population * ((x.pop as DistrictPopulation).medianAge as number),
        0,
      ) / residents
    const counts = crime.get(p.code)
    const total = counts?.counts.get('total-recorded-crime')
    if (!counts || total === null || total === undefined || total <= 0) {
      exclude(`no recorded crime figure for ${input.recordedCrimeLabel}`)
      continue
    }
    const shares = mixGroups.map((g) => counts.counts.get(g))
    if (shares.some((s) => s === null || s === undefined)) {
      exclude(`an offence group has no figure for ${input.recordedCrimeLabel}`)
      continue
    }
    candidates.push({
      code: p.code,
      name: p.name,
      values: [Math.log10(residents / area), medianAge, ...shares.map((s) => (s as number) / total)],
    })
  }
  const description =
    `Nearest neighbours by Euclidean distance over z-scores of ${variables.length} variables: ` +
    `${variables.join('; ')}. Candidates: ${candidates.length} partnerships of England and Wales ` +
    `(${excluded.length} left out: shared districts or missing figures).`
  return { variables, candidates, excluded, description }
}
